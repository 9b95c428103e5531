"""Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient
GAN Training"), policy "color,translation,cutout": applied to every image the discriminator sees,
real and generated alike, so D cannot memorise 10,000 faces and G's gradient passes through.

Images are (N, 3, H, W) in [-1, 1]; all draws come from ``rng`` (on the images' device).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

POLICY = ("color", "translation", "cutout")


def _uniform(n: int, rng: torch.Generator, like: torch.Tensor) -> torch.Tensor:
    return torch.rand(n, 1, 1, 1, generator=rng, device=like.device, dtype=like.dtype)


def color(x: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """Brightness ± 0.5, saturation × U[0, 2], contrast × U[0.5, 1.5], per image."""
    n = len(x)
    x = x + (_uniform(n, rng, x) - 0.5)
    mean = x.mean(1, keepdim=True)
    x = (x - mean) * (_uniform(n, rng, x) * 2) + mean
    mean = x.mean((1, 2, 3), keepdim=True)
    return (x - mean) * (_uniform(n, rng, x) + 0.5) + mean


def translation(x: torch.Tensor, rng: torch.Generator, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by whole pixels, up to ``ratio`` of its size each way; zeros come in."""
    n, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    ty = torch.randint(-sy, sy + 1, (n, 1, 1), generator=rng, device=x.device)
    tx = torch.randint(-sx, sx + 1, (n, 1, 1), generator=rng, device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    gy = (gy + ty).clamp(-1, h) + 1   # index into the 1-pixel zero padding past either edge
    gx = (gx + tx).clamp(-1, w) + 1
    padded = F.pad(x, [1, 1, 1, 1]).permute(0, 2, 3, 1)
    return padded[torch.arange(n, device=x.device)[:, None, None], gy, gx].permute(0, 3, 1, 2)


def cutout(x: torch.Tensor, rng: torch.Generator, ratio: float = 0.5) -> torch.Tensor:
    """Zero one square of ``ratio`` × the image's size at a random place in each image."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    oy = torch.randint(0, h + (1 - ch % 2), (n, 1, 1), generator=rng, device=x.device)
    ox = torch.randint(0, w + (1 - cw % 2), (n, 1, 1), generator=rng, device=x.device)
    gy, gx = torch.meshgrid(torch.arange(ch, device=x.device), torch.arange(cw, device=x.device), indexing="ij")
    gy = (gy + oy - ch // 2).clamp(0, h - 1)
    gx = (gx + ox - cw // 2).clamp(0, w - 1)
    mask = torch.ones(n, h, w, device=x.device, dtype=x.dtype)
    mask[torch.arange(n, device=x.device)[:, None, None], gy, gx] = 0
    return x * mask.unsqueeze(1)


def diff_augment(x: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """The full policy: color, then translation, then cutout."""
    return cutout(translation(color(x, rng), rng), rng)
