"""Seeded generation of spoken digits. Clips are float32 (N, T) in [-1, 1] at 8 kHz."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from genhub.plugin import SampleRequest, Samples
from genhub.plugins.wavenet.audio import decode, encode, normalize
from genhub.plugins.wavenet.generation import draw_uniforms, iter_fast
from genhub.plugins.wavenet.plan import HOP, fit_frames, plan_of
from genhub.plugins.wavenet.planner import PlannedWaveNet
from genhub.plugins.wavenet.variants import SAMPLE_RATE, SILENCE

MAX_SECONDS = 5.0
PLAN_SEED_OFFSET = 2**32
"""A plan's latent is drawn from seed + this, apart from the sampling noise drawn from the seed."""


def speaker_index(config: Mapping[str, Any], speaker: str | None) -> int | None:
    """A speaker's name (or "" / None: unspecified) -> its index; ValueError names the known ones."""
    if not speaker:
        return None
    names = list(config["data"]["speakers"])
    if speaker not in names:
        raise ValueError(f"speaker must be one of {', '.join(names)} (or empty); got {speaker!r}")
    return names.index(speaker)


def prime_levels(prime: torch.Tensor | None, count: int) -> torch.Tensor:
    """A priming clip (T,) in [-1, 1] at 8 kHz (None: one sample of silence) -> levels (count, 1 + T)."""
    start = torch.full((count, 1), SILENCE, dtype=torch.long)
    if prime is None:
        return start
    return torch.cat([start, encode(normalize(prime)).expand(count, -1)], dim=1)


def draw_plans(model: PlannedWaveNet, count: int, digits: torch.Tensor | None, speakers: torch.Tensor | None,
               seed: int, prime: torch.Tensor | None, steps: int, scale: float = 1.0) -> torch.Tensor:
    """The plans (count, mels, 1 + (1 + P + steps) // HOP) that `generate` vocodes: the prime's own
    frames (P samples; none without a prime), then the planner's word drawn from ``seed`` (latents
    ~ N(0, scale²)), then silence. ``digits`` / ``speakers``: (count,) indices or None (unspecified)."""
    plan = model.planner.sample(digits, speakers, count, seed + PLAN_SEED_OFFSET, scale)
    prime_samples = 0 if prime is None else len(prime)
    if prime_samples >= HOP:  # a shorter prime covers no whole frame (and is shorter than the mel window)
        own = plan_of(normalize(prime))[:, :prime_samples // HOP].to(plan.device)
        plan = torch.cat([own.expand(count, -1, -1), plan], dim=2)
    return fit_frames(plan, 1 + (1 + prime_samples + steps) // HOP)


def check_temperature(temperature: float) -> None:
    if not 0 <= temperature <= 5:
        raise ValueError(f"temperature must be in [0, 5] (0 = greedy), got {temperature}")


def generate(model: torch.nn.Module, count: int, seconds: float, digit: int | None, speaker: int | None,
             temperature: float, seed: int, prime: torch.Tensor | None = None, progress=None, chunk: int = 2000,
             plan: torch.Tensor | None = None):
    """Yield clips so far (count, T) in [-1, 1], every ``chunk`` samples, then the whole clips
    (the prime, if given, first). ``seconds`` of new audio; temperature 0 = greedy. A prime is
    taken from an unknown point of a recording, so its position condition is "unspecified".
    A `PlannedWaveNet` first draws each clip's plan (`draw_plans`, or ``plan`` if the caller drew
    it already), then vocodes it; a prime's own plan precedes the drawn one."""
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"length must be in (0, {MAX_SECONDS:g}] seconds, got {seconds}")
    check_temperature(temperature)
    steps = int(round(seconds * SAMPLE_RATE))
    levels = prime_levels(prime, count)
    digits = None if digit is None else torch.full((count,), digit)
    speakers = None if speaker is None else torch.full((count,), speaker)
    uniforms = draw_uniforms(count, steps, seed)
    if isinstance(model, PlannedWaveNet):
        if plan is None:
            plan = draw_plans(model, count, digits, speakers, seed, prime, steps)
        model = model.vocoder
    for partial in iter_fast(model, levels, steps, digits, speakers, temperature, uniforms, progress, chunk,
                             positioned=prime is None or plan is not None, plan=plan):
        yield decode(partial[:, 1:])


def wave_plan(wave: torch.Tensor) -> torch.Tensor:
    """A recording (T,) in [-1, 1] at 8 kHz -> its plan (1, mels, 1 + T // HOP), peak-normalized as
    the training clips were."""
    return plan_of(normalize(wave))[None]


def vocode(model: PlannedWaveNet, plan: torch.Tensor, steps: int, temperature: float, seed: int, progress=None,
           chunk: int = 2000):
    """Vocoder mode: say ``plan`` (1, mels, F) again with the WaveNet, neither digit nor speaker
    given; yield the clip so far (1, t) in [-1, 1] every ``chunk`` samples, then the whole (1, steps)."""
    if not isinstance(model, PlannedWaveNet):
        raise ValueError("this variant has no vocoder; choose one with a plan (fsdd-mel)")
    check_temperature(temperature)
    if not 0 < steps <= MAX_SECONDS * SAMPLE_RATE:
        raise ValueError(f"the clip must be longer than 0 and at most {MAX_SECONDS:g} s; got {steps / SAMPLE_RATE:g} s")
    for partial in iter_fast(model.vocoder, prime_levels(None, 1), steps, None, None, temperature,
                             draw_uniforms(1, steps, seed), progress, chunk, plan=plan):
        yield decode(partial[:, 1:])


def sample(model: torch.nn.Module, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """``count`` clips. Options: ``label`` (digit 0-9; -1 unspecified), ``speaker`` (a name; ""
    unspecified), ``seconds`` (default 0.6), ``temperature`` (default 1; 0 = greedy)."""
    if request.count < 1:
        raise ValueError(f"count must be >= 1, got {request.count}")
    label = int(request.options.get("label", -1))
    if not -1 <= label <= 9:
        raise ValueError(f"label must be a digit 0-9 or -1 (unspecified), got {label}")
    speaker = speaker_index(config, request.options.get("speaker") or None)
    *_, clips = generate(model, request.count, float(request.options.get("seconds", 0.6)),
                         None if label < 0 else label, speaker, float(request.options.get("temperature", 1.0)),
                         request.seed, chunk=10**9)
    return Samples(kind="audio", data=clips.float(), sample_rate=SAMPLE_RATE)
