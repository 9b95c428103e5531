"""Paths through latent spaces, shared by the plugins that walk between two noise vectors."""

from __future__ import annotations

import torch


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation between vectors a, b (D,) at fractions t (T,) in [0, 1]: (T, D).
    Nearly parallel vectors (angle under 1e-4 rad) are interpolated linearly."""
    cos = torch.dot(a / a.norm(), b / b.norm()).clamp(-1, 1)
    omega = torch.acos(cos)
    if omega < 1e-4:
        return a + (b - a) * t[:, None]
    return (torch.sin((1 - t) * omega)[:, None] * a + torch.sin(t * omega)[:, None] * b) / torch.sin(omega)
