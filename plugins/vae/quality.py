"""How a VAE is scored on MNIST test digits, shared by training and ``bench.vae_quality``."""

from __future__ import annotations

import torch
from torch import nn

from genhub.plugins.vae.model import negative_elbo


def binarize_fixed(images: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28) in {0, 1}, one seeded Bernoulli draw."""
    x = images.float().div(255).unsqueeze(1)
    return torch.bernoulli(x, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def mean_neg_elbo(model: nn.Module, x: torch.Tensor, batch: int = 1000) -> float:
    """Mean −ELBO in nats (one z sample per image, global RNG seeded 0) of binary x (N, 1, 28, 28)."""
    torch.manual_seed(0)
    device = next(model.parameters()).device
    total = sum(negative_elbo(model, chunk.to(device))["neg_elbo"].item() * len(chunk) for chunk in x.split(batch))
    return total / len(x)
