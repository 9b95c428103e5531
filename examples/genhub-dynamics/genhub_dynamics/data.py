"""Rotating MNIST, made on the fly: each sequence is one digit turned about its centre at a
constant, per-sequence angular speed, starting upright.

Time is measured in frames: frame ``t`` shows the digit turned by ``speed · t`` degrees
(counter-clockwise for a positive speed). Nothing is stored; sequences are rendered from the
28×28 MNIST digits whenever they are needed, at any real-valued times.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

HORIZON = 16
"""Frames per training sequence: one full turn at the base speed."""
BASE_SPEED = 360.0 / HORIZON
"""Degrees per frame of a full turn over the training horizon (22.5°)."""
SPEED_RANGE = (0.75 * BASE_SPEED, 1.25 * BASE_SPEED)
"""Training speeds, in degrees per frame, by magnitude (16.9° to 28.1°); either direction."""


def rotate(images: torch.Tensor, degrees: torch.Tensor) -> torch.Tensor:
    """Turn each image about its centre.

    images: (N, 1, H, W) in [0, 1]; degrees: (N,) counter-clockwise. Returns (N, 1, H, W) in
    [0, 1], bilinear, with zeros where the turned image has no source pixel.
    """
    theta = torch.deg2rad(degrees.to(images.dtype))
    cos, sin = torch.cos(theta), torch.sin(theta)
    zero = torch.zeros_like(cos)
    # affine_grid maps output coordinates to input ones, so the inverse rotation turns the image by +θ.
    matrix = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)  # (N, 2, 3)
    grid = F.affine_grid(matrix, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False).clamp(0, 1)


def rotating_sequences(digits: torch.Tensor, speeds: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
    """Render sequences: digits (N, 1, 28, 28) in [0, 1], speeds (N,) in degrees per frame,
    times (F,) in frames -> (N, F, 1, 28, 28) in [0, 1], frame ``f`` turned by ``speeds · times[f]``."""
    n, frames = len(digits), len(times)
    angles = speeds[:, None].to(torch.float32) * times[None, :].to(torch.float32)  # (N, F)
    repeated = digits[:, None].expand(n, frames, *digits.shape[1:]).reshape(n * frames, *digits.shape[1:])
    return rotate(repeated, angles.reshape(-1)).reshape(n, frames, *digits.shape[1:])


def random_speeds(count: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """(count,) speeds drawn uniformly from `SPEED_RANGE` by magnitude, each direction with
    probability ½, in degrees per frame."""
    low, high = SPEED_RANGE
    magnitude = low + (high - low) * torch.rand(count, generator=generator)
    sign = torch.where(torch.rand(count, generator=generator) < 0.5, -1.0, 1.0)
    return magnitude * sign


def frame_times(count: int, step: float = 1.0) -> torch.Tensor:
    """(count,) times 0, step, 2·step, … in frames."""
    if not math.isfinite(step) or step <= 0:
        raise ValueError(f"step must be a positive number of frames, got {step}")
    return torch.arange(count, dtype=torch.float32) * step
