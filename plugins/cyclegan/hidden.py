"""What the generator hides (Chu, Zhmoginov & Sandler 2017, "CycleGAN, a master of steganography").

A line drawing keeps far less than the face it came from, yet F(G(x)) gives the face back: G
writes what the drawing leaves out into a faint high-frequency signal that F reads. `hidden_signal`
shows it (the drawing minus a smoothed copy of itself); `disturb` damages it (noise, blur or JPEG
of a given strength) and `collapse_curve` measures how the reconstruction falls apart as the
strength grows, beside the reconstruction from the face's true XDoG drawing, which carries no
hidden signal at all.

Everything runs at the generator's working size (the input scaled so its longer side is
``work_side``), in [0, 1] pixel units.
"""

from __future__ import annotations

import io

import torch
from PIL import Image

from genhub.imaging.grid import to_pil
from genhub.media import image_tensor
from genhub.plugins.cyclegan.model import CycleGAN
from genhub.plugins.cyclegan.translate import at_work_size, run_generator
from genhub.plugins.cyclegan.xdog import gaussian_blur, xdog

KINDS = ("noise", "blur", "jpeg")
STRENGTHS = tuple(i / 10 for i in range(11))
"""The curve's strengths, 0 to 1."""
NOISE_SIGMA = 0.1
"""Gaussian noise of strength s has σ = s · this (pixel units)."""
BLUR_SIGMA = 1.5
"""Blur of strength s has σ = s · this (px)."""
JPEG_WORST = 10
"""JPEG of strength s is saved at quality 100 − s · (100 − this)."""


def describe(kind: str, strength: float) -> str:
    """What strength ``strength`` of ``kind`` does, in its own units."""
    if kind == "noise":
        return f"Gaussian noise σ = {strength * NOISE_SIGMA:.3f}"
    if kind == "blur":
        return f"Gaussian blur σ = {strength * BLUR_SIGMA:.2f} px"
    return f"JPEG quality {jpeg_quality(strength)}"


def jpeg_quality(strength: float) -> int:
    return int(round(100 - strength * (100 - JPEG_WORST)))


def _per_channel_blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    n, c, h, w = images.shape
    return gaussian_blur(images.reshape(n * c, 1, h, w), sigma).reshape(n, c, h, w)


def disturb(images: torch.Tensor, kind: str, strength: float, seed: int = 0) -> torch.Tensor:
    """images (N, C, H, W) in [0, 1] -> the same, damaged by ``kind`` at ``strength`` in [0, 1]
    (0 returns them unchanged). Noise is drawn from ``seed``, so a strength always gives the same damage."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if not 0 <= strength <= 1:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    if strength == 0:
        return images
    if kind == "noise":
        noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
        return (images + strength * NOISE_SIGMA * noise).clamp(0, 1)
    if kind == "blur":
        return _per_channel_blur(images, strength * BLUR_SIGMA).clamp(0, 1)
    out = []
    for image in images:
        buffer = io.BytesIO()
        to_pil(image).save(buffer, format="JPEG", quality=jpeg_quality(strength))
        out.append(image_tensor(Image.open(buffer)))
    return torch.stack(out)


def hidden_signal(drawings: torch.Tensor, sigma: float = 1.0) -> torch.Tensor:
    """The high-frequency part of drawings (N, C, H, W) in [0, 1]: drawing − its Gaussian blur (σ px),
    in [−1, 1]."""
    return drawings - _per_channel_blur(drawings, sigma)


def amplified(signal: torch.Tensor) -> torch.Tensor:
    """A signal in [−1, 1] made visible: mid-grey is zero, scaled so its 99th percentile of |value|
    reaches the ends (N, C, H, W) in [0, 1]."""
    peak = torch.quantile(signal.abs().flatten(), 0.99).clamp_min(1e-6)
    return (0.5 + 0.5 * signal / peak).clamp(0, 1)


@torch.no_grad()
def collapse(model: CycleGAN, faces: torch.Tensor, kind: str, strength: float,
             work_side: int | None = 64) -> dict[str, torch.Tensor]:
    """Faces (N, C, H, W) in [0, 1] -> at the working size: ``face``, its ``drawing`` G(x), the
    ``disturbed`` drawing, the ``reconstruction`` F(disturbed) and its ``error`` |F(disturbed) − x|."""
    x = at_work_size(faces, work_side)
    drawing = run_generator(model, x, "a2b")
    damaged = disturb(drawing, kind, strength)
    back = run_generator(model, damaged, "b2a")
    return {"face": x, "drawing": drawing, "disturbed": damaged, "reconstruction": back,
            "error": (back - x).abs()}


@torch.no_grad()
def collapse_curve(model: CycleGAN, faces: torch.Tensor, kinds: tuple[str, ...] = KINDS,
                   strengths: tuple[float, ...] = STRENGTHS, work_side: int | None = 64) -> dict[str, list[float]]:
    """Mean reconstruction L1 |F(disturb(G(x))) − x| at each strength, per kind; and
    ``"true drawing"``: |F(xdog(x)) − x|, the reconstruction from a drawing with nothing hidden
    in it (one value, repeated over the strengths)."""
    x = at_work_size(faces, work_side)
    drawing = run_generator(model, x, "a2b")
    curves = {kind: [float((run_generator(model, disturb(drawing, kind, s), "b2a") - x).abs().mean())
                     for s in strengths] for kind in kinds}
    clean = xdog(x).expand(-1, 3, -1, -1)
    honest = float((run_generator(model, clean, "b2a") - x).abs().mean())
    curves["true drawing"] = [honest] * len(strengths)
    return curves
