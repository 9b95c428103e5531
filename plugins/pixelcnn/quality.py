"""How a PixelCNN is scored on MNIST test digits, shared by training and ``bench.pixelcnn_quality``."""

from __future__ import annotations

import math

import torch

from genhub.plugins.pixelcnn.model import GatedPixelCNN, nll_nats


def prepare(images: torch.Tensor, levels: int, seed: int | None = None) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28): k/255, or one seeded binarization for levels=2
    (``seed`` None keeps the gray values, for dynamic binarization later)."""
    x = images.float().div(255).unsqueeze(1)
    if levels == 2 and seed is not None:
        return torch.bernoulli(x, generator=torch.Generator().manual_seed(seed))
    return x


@torch.no_grad()
def mean_nll(model: GatedPixelCNN, x: torch.Tensor, y: torch.Tensor | None, batch: int = 500) -> float:
    """Mean −log p(x | y) in nats over images x (N, 1, 28, 28) (y None: unconditioned)."""
    device = next(model.parameters()).device
    total = 0.0
    for i in range(0, len(x), batch):
        xb = x[i:i + batch].to(device)
        yb = None if y is None else y[i:i + batch].to(device)
        total += nll_nats(model(xb, yb), xb, model.levels).sum().item()
    return total / len(x)


@torch.no_grad()
def mixture_nll(model: GatedPixelCNN, x: torch.Tensor, batch: int = 500) -> float:
    """Mean −log p(x) in nats of the label mixture p(x) = Σ_y p(x | y) / classes: an unconditional
    density, comparable with unconditional models' NLL (and within log(classes) of −log p(x | y))."""
    device = next(model.parameters()).device
    total = 0.0
    for i in range(0, len(x), batch):
        xb = x[i:i + batch].to(device)
        per_class = torch.stack([nll_nats(model(xb, torch.full((len(xb),), y, device=device)), xb, model.levels)
                                 for y in range(model.classes)])                       # (classes, N)
        total += (math.log(model.classes) - torch.logsumexp(-per_class.double(), 0)).sum().item()
    return total / len(x)
