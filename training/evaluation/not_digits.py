"""Clips that say no digit, for the spoken-digit judge's "not a digit" class and for the floor
it is reported beside: silence, noise, hum and babble (speech cut into 25 ms pieces and shuffled,
so it keeps a voice's spectrum but says no word).

A judge trained on digits alone must call every clip some digit; the old one called silence and
hiss "6" with p ≈ 0.996, which flattered whatever generator made quiet clips.
"""

from __future__ import annotations

import math

import torch

from genhub.training.evaluation.speech import CLIP_SAMPLES, SAMPLE_RATE, fit_length

KINDS = ("silence", "white noise", "brown noise", "hum", "babble")
"""What `not_digit_clips` draws; babble needs speech to cut up."""
PIECE = SAMPLE_RATE // 40
"""Babble's pieces: 25 ms, shorter than any phoneme of a digit word."""


def at_level(wave: torch.Tensor, dbfs: float) -> torch.Tensor:
    """``wave`` (T,) scaled to an RMS of ``dbfs`` dB below full scale, clipped to [-1, 1]."""
    rms = wave.pow(2).mean().sqrt().clamp(min=1e-12)
    return (wave * (10 ** (dbfs / 20) / rms)).clamp(-1, 1)


def babble(speech: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """(T,) speech -> (CLIP_SAMPLES,): its sounding part cut into `PIECE`-sample pieces, shuffled."""
    speech = fit_length(speech)
    loud = (speech.abs() > 0.1 * speech.abs().max()).nonzero()
    start, end = (int(loud[0]), int(loud[-1]) + 1) if len(loud) else (0, CLIP_SAMPLES)
    pieces = speech[start:end][: (end - start) // PIECE * PIECE].reshape(-1, PIECE)
    if len(pieces) < 2:
        return speech
    shuffled = pieces[torch.randperm(len(pieces), generator=generator)].reshape(-1)
    return fit_length(torch.cat([torch.zeros(start), shuffled]))


def not_digit_clip(kind: str, generator: torch.Generator, speech: torch.Tensor | None = None) -> torch.Tensor:
    """One clip (CLIP_SAMPLES,) in [-1, 1] at 8 kHz of ``kind`` (one of `KINDS`) at a random level:
    silence is hiss at -95 … -55 dBFS; noise and hum are at -55 … -10 dBFS; babble is ``speech``
    (any length, 8 kHz) shuffled at its own level."""
    def uniform(low: float, high: float) -> float:
        return low + (high - low) * float(torch.rand((), generator=generator))

    white = torch.randn(CLIP_SAMPLES, generator=generator)
    if kind == "silence":
        return at_level(white, uniform(-95, -55))
    if kind == "white noise":
        return at_level(white, uniform(-55, -10))
    if kind == "brown noise":
        walk = white.cumsum(0)
        return at_level(walk - walk.mean(), uniform(-55, -10))
    if kind == "hum":
        t = torch.arange(CLIP_SAMPLES) / SAMPLE_RATE
        tones = sum(torch.sin(2 * math.pi * uniform(50, 1500) * t + uniform(0, 2 * math.pi))
                    for _ in range(1 + int(uniform(0, 3))))
        return at_level(tones + 0.05 * white, uniform(-50, -10))
    if kind == "babble":
        if speech is None:
            raise ValueError("babble is cut from speech: pass a clip")
        return babble(speech, generator)
    raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")


def not_digit_clips(n: int, generator: torch.Generator, speech: list[torch.Tensor] | torch.Tensor | None = None,
                    kinds: tuple[str, ...] = KINDS) -> torch.Tensor:
    """(n, CLIP_SAMPLES) clips that say no digit, kinds drawn uniformly (babble only when
    ``speech`` clips are given to cut up)."""
    kinds = tuple(k for k in kinds if k != "babble" or speech is not None)
    clips = []
    for _ in range(n):
        kind = kinds[int(torch.randint(len(kinds), (), generator=generator))]
        source = speech[int(torch.randint(len(speech), (), generator=generator))] if kind == "babble" else None
        clips.append(not_digit_clip(kind, generator, source))
    return torch.stack(clips)
