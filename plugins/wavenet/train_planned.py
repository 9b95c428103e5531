"""Train a planned variant in two stages with the shared `fit` loop, then release them as one
`PlannedWaveNet`.

1. The vocoder: a WaveNet told each clip's own plan (its log-mel frames), trained as `train`
   trains the plain WaveNet (clips from their start, cut to ``max_samples``, a silent tail in
   the loss). Digit and speaker are each dropped for half the clips, so vocoder mode, which knows
   neither, is half of what it learnt. The plans get a little noise (σ `PLAN_NOISE`), so that the
   vocoder does not rely on detail a drawn plan lacks.
2. The planner: a conditional VAE over 1-s plans (`planner.MelPlanner`). The decoder's Gaussian
   has one standard deviation, the recipe's ``planner_sigma`` (plan units), or, None, the root of
   the batch's mean squared error (the σ-VAE of Rybkin et al. 2021).

Each stage writes its own checkpoint folder (``out/vocoder``, ``out/planner``) and resumes from
it, so a run cut short resumes where it stopped, and one stage can run on another machine.
The split into training and validation clips is `train`'s; the test clips are scored once, at
the end: the vocoder's NLL given the test clips' own plans, and the planner's reconstruction.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import torch

from genhub.plugin import TrainRequest
from genhub.plugins.wavenet.card import card_text
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.plan import HOP
from genhub.plugins.wavenet.planner import MelPlanner, PlannedWaveNet
from genhub.plugins.wavenet.quality import bits_per_sample, clip_nll, clip_plans, clip_tensors
from genhub.plugins.wavenet.variants import VariantRecipe, data_facts
from genhub.training.data import SpokenDigits
from genhub.training.loop import FitConfig, fit
from genhub.training.release import release, training_record

DROP_CONDITION = 0.5
"""Share of clips whose digit, and (apart) whose speaker, the vocoder is not told."""
PLAN_NOISE = 0.05
PLANNER_DROP_SPEAKER, PLANNER_DROP_DIGIT = 0.2, 0.05
VOCODER_SHARE = 0.85
"""Of a ``--minutes`` budget, the vocoder's share; the planner has the rest."""


def planner_loss(model: MelPlanner, plan: torch.Tensor, digit: torch.Tensor | None,
                 speaker: torch.Tensor | None, sigma: float | None = None) -> dict[str, torch.Tensor]:
    """The negative ELBO per plan value (nats), and its parts: the mean squared error and the KL
    divergence per plan (nats). The decoder's Gaussian has standard deviation ``sigma`` (plan
    units), or, None, the batch's root mean squared error (the σ-VAE)."""
    recon, mean, log_var = model(plan, digit, speaker)
    values = plan[0].numel()
    mse = (recon - plan).pow(2).mean()
    kl = 0.5 * (mean.pow(2) + log_var.exp() - 1 - log_var).sum(1).mean()
    variance = mse if sigma is None else torch.tensor(sigma**2, device=mse.device)
    nll = 0.5 * values * (torch.log(2 * math.pi * variance) + mse / variance)
    return {"loss": (nll + kl) / values, "mse": mse, "kl": kl}


@torch.no_grad()
def planner_scores(model: MelPlanner, plans: torch.Tensor, digits: torch.Tensor, speakers: torch.Tensor) -> dict:
    """Reconstruction error of the posterior mean (mean squared error in plan units) and the mean KL
    per plan (nats), over ``plans`` (N, mels, frames)."""
    device = model.start.weight.device
    plans, digits, speakers = plans.to(device), digits.to(device), speakers.to(device)
    mean, log_var = model.encode(plans, digits, speakers)
    mse = (model.decode(mean, digits, speakers) - plans).pow(2).mean()
    kl = 0.5 * (mean.pow(2) + log_var.exp() - 1 - log_var).sum(1).mean()
    return {"mse": round(float(mse), 5), "kl": round(float(kl), 3)}


def budget(request: TrainRequest, share: float) -> float | None:
    return None if request.minutes is None else request.minutes * 60 * share


def train_vocoder(request: TrainRequest, recipe: VariantRecipe, data: SpokenDigits,
                  validation: SpokenDigits) -> tuple[WaveNet, FitConfig, int, float]:
    levels, lengths = clip_tensors(data.waves, recipe.max_samples)
    plans = clip_plans(data.waves, recipe.max_samples)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed, grad_clip=1.0,
                       lr_schedule="cosine", log_every=50, max_seconds=budget(request, VOCODER_SHARE))
    spec = recipe.model["vocoder"]

    def loss_fn(model, batch, step):
        lv, ln, digit, speaker, plan = batch
        digit = torch.where(torch.rand(len(digit), device=digit.device) < DROP_CONDITION, spec["digits"], digit)
        speaker = torch.where(torch.rand(len(speaker), device=speaker.device) < DROP_CONDITION, spec["speakers"],
                              speaker)
        plan = plan + PLAN_NOISE * torch.randn_like(plan)
        nll, count = clip_nll(model, lv, ln, digit, speaker, recipe.tail, plan=plan)
        loss = nll.sum() / count.sum()
        return {"loss": loss, "bits_per_sample": loss / math.log(2)}

    def evaluate(model):
        return {"bits_per_sample": bits_per_sample(model, validation, recipe)}

    torch.manual_seed(request.seed)
    result = fit(WaveNet(**spec), [levels, lengths, data.digits, data.speakers, plans], loss_fn, config,
                 Path(request.out_dir) / "vocoder", torch.device(request.device), resume=request.resume,
                 evaluate=evaluate, title=f"wavenet/{request.variant}/vocoder")
    return result.model, config, result.steps, result.seconds


def train_planner(request: TrainRequest, recipe: VariantRecipe, data: SpokenDigits,
                  validation: SpokenDigits) -> tuple[MelPlanner, FitConfig, int, float]:
    spec = recipe.model["planner"]
    samples = (spec["frames"] - 1) * HOP
    plans = clip_plans(data.waves, samples)
    held = clip_plans(validation.waves, samples)
    config = FitConfig(epochs=recipe.planner_epochs, batch_size=recipe.planner_batch_size, lr=recipe.planner_lr,
                       max_steps=request.max_steps, seed=request.seed, grad_clip=1.0, lr_schedule="cosine",
                       log_every=50, max_seconds=budget(request, 1 - VOCODER_SHARE))

    def loss_fn(model, batch, step):
        plan, digit, speaker = batch
        digit = torch.where(torch.rand(len(digit), device=digit.device) < PLANNER_DROP_DIGIT, spec["digits"], digit)
        speaker = torch.where(torch.rand(len(speaker), device=speaker.device) < PLANNER_DROP_SPEAKER,
                              spec["speakers"], speaker)
        return planner_loss(model, plan, digit, speaker, recipe.planner_sigma)

    def evaluate(model):
        return planner_scores(model, held, validation.digits, validation.speakers)

    torch.manual_seed(request.seed)
    result = fit(MelPlanner(**spec), [plans, data.digits, data.speakers], loss_fn, config,
                 Path(request.out_dir) / "planner", torch.device(request.device), resume=request.resume,
                 evaluate=evaluate, title=f"wavenet/{request.variant}/planner")
    return result.model, config, result.steps, result.seconds


def train_planned(request: TrainRequest, recipe: VariantRecipe, data: SpokenDigits, validation: SpokenDigits,
                  test: SpokenDigits) -> Path:
    """Both stages, then the release; ``data`` / ``validation`` / ``test``: `train`'s split."""
    started = time.perf_counter()
    vocoder, vocoder_fit, vocoder_steps, vocoder_seconds = train_vocoder(request, recipe, data, validation)
    planner, planner_fit, planner_steps, planner_seconds = train_planner(request, recipe, data, validation)
    stages = {"vocoder": {"fit": vocoder_fit.__dict__, "steps": vocoder_steps, "seconds": round(vocoder_seconds, 1),
                          "drop_digit": DROP_CONDITION, "drop_speaker": DROP_CONDITION, "plan_noise": PLAN_NOISE},
              "planner": {"fit": planner_fit.__dict__, "steps": planner_steps, "seconds": round(planner_seconds, 1),
                          "drop_digit": PLANNER_DROP_DIGIT, "drop_speaker": PLANNER_DROP_SPEAKER,
                          "sigma": recipe.planner_sigma}}
    training = training_record(command=request.command, device=request.device, steps=vocoder_steps + planner_steps,
                               seconds=vocoder_seconds + planner_seconds, started=started,
                               max_samples=recipe.max_samples, tail=recipe.tail, train_clips=len(data.waves),
                               validation_examples=len(validation.waves), **stages)
    release_planned(Path(request.out_dir), request.variant, recipe, vocoder, planner, test,
                    list(data.speaker_names), training)
    return Path(request.out_dir)


def release_planned(out_dir: Path, variant: str, recipe: VariantRecipe, vocoder: WaveNet, planner: MelPlanner,
                    test: SpokenDigits, speakers: list[str], training: dict) -> str:
    """The two stages as one `PlannedWaveNet`, scored once on the test clips and released into
    ``out_dir`` (`genhub.training.release.release`); returns the weights' sha256."""
    model = PlannedWaveNet(vocoder=vocoder.config, planner=planner.config)
    model.vocoder.load_state_dict(vocoder.state_dict())
    model.planner.load_state_dict(planner.state_dict())
    model = model.cpu().eval()
    samples = (model.planner.frames - 1) * HOP
    scores = planner_scores(model.planner, clip_plans(test.waves, samples), test.digits, test.speakers)
    metrics = {"test_bits_per_sample_given_plan": round(bits_per_sample(model.vocoder, test, recipe), 4),
               "test_plan_mse": scores["mse"], "test_plan_kl_nats": scores["kl"]}
    return release(out_dir, model, plugin="wavenet", variant=variant,
                   data=data_facts(speakers, model.receptive_field), training=training, metrics=metrics,
                   card=card_text)
