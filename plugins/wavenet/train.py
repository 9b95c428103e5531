"""Train the WaveNet on FSDD with the shared `fit` loop: each clip from its start, after one
silence sample (the prime), cut or padded to a fixed length; cross-entropy over μ-law levels
up to a little after the clip's end. The speaker is dropped for 20 % of clips, the digit for
5 % and the position for 10 % of batches, so generation works with any left unspecified (a
continued recording has no known position). A tenth of the training clips (takes 5-49) is held
out as a validation split scored after each epoch; the test clips (takes 0-4) are scored once,
at the end."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import torch

from genhub.plugin import TrainRequest
from genhub.plugins.wavenet.card import card_text
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.quality import bits_per_sample, clip_nll, clip_tensors
from genhub.plugins.wavenet.variants import RECIPES, data_facts
from genhub.training.data import SpokenDigits, carve_validation, load_fsdd
from genhub.training.loop import FitConfig, fit
from genhub.training.release import release, training_record

DROP_SPEAKER, DROP_DIGIT, DROP_POSITION = 0.2, 0.05, 0.1
VALIDATION_SHARE = 0.1
"""Share of the training clips (at least one) held out (`carve_validation`) to monitor training
and choose recipes."""


def select_clips(data: SpokenDigits, index: torch.Tensor) -> SpokenDigits:
    """The clips ``index`` (1-D int64) of ``data``; speaker indices and names are unchanged."""
    return SpokenDigits([data.waves[i] for i in index.tolist()], data.digits[index], data.speakers[index],
                        data.speaker_names)


def fsdd_split(request: TrainRequest) -> tuple[SpokenDigits, SpokenDigits, SpokenDigits]:
    """The training clips, the validation clips carved from them, and the test clips."""
    data = load_fsdd("train", request.data_dir, request.train_limit)
    clips = len(data.waves)
    (kept,), (held,) = carve_validation(torch.arange(clips), size=max(1, round(clips * VALIDATION_SHARE)))
    test = load_fsdd("test", request.data_dir, None if request.train_limit is None else 40)
    return select_clips(data, kept), select_clips(data, held), test


def train(request: TrainRequest) -> Path:
    if request.variant not in RECIPES:
        raise ValueError(f"unknown WaveNet variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    if "vocoder" in recipe.model:  # a planned variant: ``model`` is laid over each stage's arguments
        stages = {stage: {**arguments, **(request.model or {}).get(stage, {})}
                  for stage, arguments in recipe.model.items()}
        recipe = dataclasses.replace(recipe, model=stages)
    else:
        recipe = dataclasses.replace(recipe, model=request.architecture(recipe.model))
    data, validation, test = fsdd_split(request)
    if "vocoder" in recipe.model:
        from genhub.plugins.wavenet.train_planned import train_planned

        return train_planned(request, recipe, data, validation, test)
    levels, lengths = clip_tensors(data.waves, recipe.max_samples)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed, grad_clip=1.0,
                       lr_schedule="cosine", log_every=10)
    none_digit, none_speaker = recipe.model["digits"], recipe.model["speakers"]   # the "unspecified" rows

    def loss_fn(model, batch, step):
        lv, ln, digit, speaker = batch
        digit = torch.where(torch.rand(len(digit), device=digit.device) < DROP_DIGIT, none_digit, digit)
        speaker = torch.where(torch.rand(len(speaker), device=speaker.device) < DROP_SPEAKER, none_speaker, speaker)
        positioned = bool(torch.rand(()) >= DROP_POSITION)
        nll, count = clip_nll(model, lv, ln, digit, speaker, recipe.tail, positioned)
        loss = nll.sum() / count.sum()
        return {"loss": loss, "bits_per_sample": loss / math.log(2)}

    def evaluate(model):
        return {"bits_per_sample": bits_per_sample(model, validation, recipe)}

    torch.manual_seed(request.seed)
    model = WaveNet(**recipe.model)
    started = time.perf_counter()
    result = fit(model, [levels, lengths, data.digits, data.speakers], loss_fn, config, request.out_dir,
                 torch.device(request.device), resume=request.resume, evaluate=evaluate,
                 title=f"wavenet/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model.cpu()
    metrics = {"test_bits_per_sample": round(bits_per_sample(model, test, recipe), 4)}   # the one look at the test set
    training = training_record(command=request.command, device=request.device, steps=result.steps,
                               seconds=result.seconds, fit=config, started=started,
                               max_samples=recipe.max_samples, tail=recipe.tail, drop_speaker=DROP_SPEAKER,
                               drop_digit=DROP_DIGIT, drop_position=DROP_POSITION, train_clips=len(levels),
                               validation_examples=len(validation.waves))
    release(request.out_dir, model, plugin="wavenet", variant=request.variant,
            data=data_facts(list(data.speaker_names), model.receptive_field), training=training, metrics=metrics,
            card=card_text)
    return Path(request.out_dir)
