"""Train the WaveNet on FSDD with the shared `fit` loop: each clip from its start, after one
silence sample (the prime), cut or padded to a fixed length; cross-entropy over μ-law levels
up to a little after the clip's end. The speaker is dropped for 20 % of clips, the digit for
5 % and the position for 10 % of batches, so generation works with any left unspecified (a
continued recording has no known position)."""

from __future__ import annotations

import math
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

from genhub.plugin import TrainRequest
from genhub.plugins.wavenet.audio import encode, normalize
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.variants import RECIPES, SILENCE, VariantRecipe, data_facts
from genhub.training.data import load_fsdd
from genhub.training.loop import FitConfig, fit
from genhub.weights import save_weights

DROP_SPEAKER, DROP_DIGIT, DROP_POSITION = 0.2, 0.05, 0.1


def clip_tensors(waves: list[torch.Tensor], length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Clips -> (levels (N, length + 1) int64: the silence prime then the clip, padded with silence;
    lengths (N,): real samples per clip, at most ``length``)."""
    levels = torch.full((len(waves), length + 1), SILENCE, dtype=torch.long)
    lengths = torch.zeros(len(waves), dtype=torch.long)
    for i, wave in enumerate(waves):
        coded = encode(normalize(wave[:length]))
        levels[i, 1:1 + len(coded)] = coded
        lengths[i] = len(coded)
    return levels, lengths


def clip_nll(model: WaveNet, levels: torch.Tensor, lengths: torch.Tensor, digit: torch.Tensor | None,
             speaker: torch.Tensor | None, tail: int = 0, positioned: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed NLL (nats) and counted samples per clip: (N,), (N,); samples past length + tail are ignored."""
    logits = model(levels[:, :-1], digit, speaker, 0 if positioned else None)   # (N, 256, T)
    nll = F.cross_entropy(logits, levels[:, 1:], reduction="none")       # (N, T)
    keep = torch.arange(nll.shape[1], device=nll.device)[None] < (lengths + tail)[:, None]
    return (nll * keep).sum(1), keep.sum(1)


@torch.no_grad()
def bits_per_sample(model: WaveNet, data, recipe: VariantRecipe, batch: int = 32) -> float:
    """Mean NLL over the test clips' real samples, in bits per sample (uniform over 256 levels: 8)."""
    device = next(model.parameters()).device
    levels, lengths = clip_tensors(data.waves, recipe.max_samples)
    total, count = 0.0, 0
    for i in range(0, len(levels), batch):
        s = slice(i, i + batch)
        nll, n = clip_nll(model, levels[s].to(device), lengths[s].to(device), data.digits[s].to(device),
                          data.speakers[s].to(device))
        total += nll.sum().item()
        count += n.sum().item()
    return total / count / math.log(2)


def train(request: TrainRequest) -> Path:
    if request.variant not in RECIPES:
        raise ValueError(f"unknown WaveNet variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    data = load_fsdd("train", request.data_dir, request.train_limit)
    test = load_fsdd("test", request.data_dir, None if request.train_limit is None else 40)
    levels, lengths = clip_tensors(data.waves, recipe.max_samples)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed, grad_clip=1.0,
                       lr_schedule="cosine", log_every=10)
    model_args = dict(recipe.model)

    def loss_fn(model, batch, step):
        lv, ln, digit, speaker = batch
        none_digit, none_speaker = model_args["digits"], model_args["speakers"]
        digit = torch.where(torch.rand(len(digit), device=digit.device) < DROP_DIGIT, none_digit, digit)
        speaker = torch.where(torch.rand(len(speaker), device=speaker.device) < DROP_SPEAKER, none_speaker, speaker)
        positioned = bool(torch.rand(()) >= DROP_POSITION)
        nll, count = clip_nll(model, lv, ln, digit, speaker, recipe.tail, positioned)
        loss = nll.sum() / count.sum()
        return {"loss": loss, "bits_per_sample": loss / math.log(2)}

    def evaluate(model):
        return {"bits_per_sample": bits_per_sample(model, test, recipe)}

    torch.manual_seed(request.seed)
    model = WaveNet(**model_args)
    started = time.perf_counter()
    result = fit(model, [levels, lengths, data.digits, data.speakers], loss_fn, config, request.out_dir,
                 torch.device(request.device), resume=request.resume, evaluate=evaluate,
                 title=f"wavenet/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model.cpu()
    full = {
        "plugin": "wavenet", "variant": request.variant, "model": model_args,
        "data": data_facts(list(data.speaker_names), model.receptive_field),
        "training": {**{k: v for k, v in asdict(config).items() if k != "log_every"},
                     "max_samples": recipe.max_samples, "tail": recipe.tail, "drop_speaker": DROP_SPEAKER,
                     "drop_digit": DROP_DIGIT,
                     "drop_position": DROP_POSITION, "steps": result.steps, "seconds": round(result.seconds, 1),
                     "device": request.device, "train_clips": len(levels), "command": request.command,
                     "wall_seconds": round(time.perf_counter() - started, 1)},
        "metrics": {"test_bits_per_sample": round(evaluate(model)["bits_per_sample"], 4)},
    }
    out = Path(request.out_dir)
    sha = save_weights(out, model, full)
    from genhub.plugins.wavenet.card import write_card

    write_card(out, full, sha)
    print(f"wrote {out} (sha256 {sha})")
    return out
