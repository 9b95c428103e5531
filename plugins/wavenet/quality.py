"""Clips as training examples and their likelihood: shared by training and ``bench.wavenet_quality``."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from genhub.plugins.wavenet.audio import encode, normalize
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.plan import clip_plan
from genhub.plugins.wavenet.variants import SILENCE, VariantRecipe
from genhub.training.data import SpokenDigits


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


def clip_plans(waves: list[torch.Tensor], length: int) -> torch.Tensor:
    """Clips -> their plans (N, mels, 1 + length // HOP), as `clip_tensors` cuts and pads them."""
    return torch.stack([clip_plan(wave, length) for wave in waves])


def clip_nll(model: WaveNet, levels: torch.Tensor, lengths: torch.Tensor, digit: torch.Tensor | None,
             speaker: torch.Tensor | None, tail: int = 0, positioned: bool = True,
             plan: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed NLL (nats) and counted samples per clip: (N,), (N,); samples past length + tail are
    ignored. ``plan``: a vocoder's plans of the clips (`clip_plans`)."""
    logits = model(levels[:, :-1], digit, speaker, 0 if positioned else None, plan)   # (N, 256, T)
    nll = F.cross_entropy(logits, levels[:, 1:], reduction="none")       # (N, T)
    keep = torch.arange(nll.shape[1], device=nll.device)[None] < (lengths + tail)[:, None]
    return (nll * keep).sum(1), keep.sum(1)


@torch.no_grad()
def bits_per_sample(model: WaveNet, data: SpokenDigits, recipe: VariantRecipe, batch: int = 32) -> float:
    """Mean NLL over the clips' real samples, in bits per sample (uniform over 256 levels: 8), given
    the digit and speaker and, for a vocoder, the clip's own plan."""
    device = next(model.parameters()).device
    levels, lengths = clip_tensors(data.waves, recipe.max_samples)
    plans = clip_plans(data.waves, recipe.max_samples) if model.mels else None
    total, count = 0.0, 0
    for i in range(0, len(levels), batch):
        s = slice(i, i + batch)
        nll, n = clip_nll(model, levels[s].to(device), lengths[s].to(device), data.digits[s].to(device),
                          data.speakers[s].to(device), plan=None if plans is None else plans[s].to(device))
        total += nll.sum().item()
        count += n.sum().item()
    return total / count / math.log(2)
