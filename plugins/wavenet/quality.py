"""Clips as training examples and their likelihood: shared by training and ``bench.wavenet_quality``."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from genhub.plugins.wavenet.audio import encode, normalize
from genhub.plugins.wavenet.model import WaveNet
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


def clip_nll(model: WaveNet, levels: torch.Tensor, lengths: torch.Tensor, digit: torch.Tensor | None,
             speaker: torch.Tensor | None, tail: int = 0, positioned: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed NLL (nats) and counted samples per clip: (N,), (N,); samples past length + tail are ignored."""
    logits = model(levels[:, :-1], digit, speaker, 0 if positioned else None)   # (N, 256, T)
    nll = F.cross_entropy(logits, levels[:, 1:], reduction="none")       # (N, T)
    keep = torch.arange(nll.shape[1], device=nll.device)[None] < (lengths + tail)[:, None]
    return (nll * keep).sum(1), keep.sum(1)


@torch.no_grad()
def bits_per_sample(model: WaveNet, data: SpokenDigits, recipe: VariantRecipe, batch: int = 32) -> float:
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
