"""Exponential moving average of a generator's weights, and re-estimating its batch-norm
statistics (the EMA weights never ran forward in training mode, so their running stats are
recomputed from a few batches: BigGAN's "standing statistics")."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


@torch.no_grad()
def update_ema(ema: nn.Module, model: nn.Module, decay: float) -> None:
    """ema ← decay·ema + (1 − decay)·model for parameters; buffers are copied."""
    for e, m in zip(ema.parameters(), model.parameters()):
        e.lerp_(m, 1 - decay)
    for e, m in zip(ema.buffers(), model.buffers()):
        e.copy_(m)


@torch.no_grad()
def recompute_batchnorm(model: nn.Module, forward: Callable[[], object], batches: int = 20) -> None:
    """Reset every batch norm's running stats to the exact average over ``batches`` calls of
    ``forward()`` (which runs ``model`` on fresh inputs); leaves ``model`` in eval mode."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average
    model.train()
    for _ in range(batches):
        forward()
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    model.eval()
