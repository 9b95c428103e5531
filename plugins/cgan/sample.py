"""Seeded generation from a conditional GAN.

Noise is drawn per seed: seed s always gives the same z (and so the same "handwriting"),
whatever the label and however many images are drawn with it. Images come back as
float32 (N, 1, 28, 28) in [0, 1], on the CPU.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from genhub.plugin import SampleRequest, Samples
from genhub.plugins.cgan.model import ConditionalGAN, to_unit


def noise(seeds: Sequence[int], z_dim: int) -> torch.Tensor:
    """One z ~ N(0, I) per seed: (len(seeds), z_dim)."""
    return torch.stack([torch.randn(z_dim, generator=torch.Generator().manual_seed(int(s))) for s in seeds])


def noise_block(seed: int, count: int, z_dim: int) -> torch.Tensor:
    """``count`` z's from one seed (faster than `noise` for large draws): (count, z_dim)."""
    return torch.randn(count, z_dim, generator=torch.Generator().manual_seed(int(seed)))


@torch.no_grad()
def generate(model: ConditionalGAN, z: torch.Tensor, labels: torch.Tensor | Sequence[int]) -> torch.Tensor:
    """z (N, z_dim), labels (N,) -> images (N, 1, 28, 28) in [0, 1]."""
    device = next(model.parameters()).device
    labels = torch.as_tensor(labels, dtype=torch.long)
    return to_unit(model.generator(z.to(device, torch.float32), labels.to(device))).cpu()


@torch.no_grad()
def realness(model: ConditionalGAN, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The discriminator's logit for images (N, 1, 28, 28) in [0, 1] with labels (N,): (N,)."""
    device = next(model.parameters()).device
    return model.discriminator(images.to(device) * 2 - 1, labels.to(device)).float().cpu()


def best_of(model: ConditionalGAN, labels: torch.Tensor, draws: int, keep: int, seed: int
            ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For each label, draw ``draws`` samples and keep the ``keep`` the discriminator rates
    most real. Returns images (L·keep, 1, 28, 28), their labels and logits, best first per label."""
    z = noise_block(seed, len(labels) * draws, model.z_dim)
    y = labels.repeat_interleave(draws)
    images = generate(model, z, y)
    scores = realness(model, images, y).view(len(labels), draws)
    top = scores.topk(keep, dim=1)
    index = (top.indices + torch.arange(len(labels)).unsqueeze(1) * draws).flatten()
    return images[index], y[index], top.values.flatten()


def sample(model: ConditionalGAN, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """``count`` images (N, 1, 28, 28) in [0, 1].

    Options: ``label`` (a class index; -1, the default, cycles 0, 1, …, 9, 0, …). The i-th
    image uses z from `noise_block` (seed, count)."""
    classes = int(config["model"].get("classes", 10))
    label = int(request.options.get("label", -1))
    if not -1 <= label < classes:
        raise ValueError(f"label must be -1 (all) or 0..{classes - 1}, got {label}")
    labels = torch.full((request.count,), label) if label >= 0 else torch.arange(request.count) % classes
    z = noise_block(request.seed, request.count, int(config["model"]["z_dim"]))
    return Samples(kind="image", data=generate(model, z, labels))
