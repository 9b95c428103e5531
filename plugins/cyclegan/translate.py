"""Translate images of any size and aspect ratio with one CycleGAN generator.

An image is scaled down when its longer side exceeds ``max_side`` (antialiased), reflection-padded
to a multiple of `MULTIPLE` (a few pixels of the image mirrored, so no border appears), run
through the generator, cropped back and, when it was scaled, scaled back to the input's size. So
the output always has the input's size. The generator was trained at 64×64 on faces that fill the
frame; ``work_side`` scales an image so its longer side is about that, which keeps the faces'
features at the scale the generator knows (None: run at the image's own size).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from genhub.plugins.cyclegan.model import MULTIPLE, CycleGAN, from_unit, to_unit

MIN_SIDE = 2 * MULTIPLE
"""Smaller images are padded up to this side."""
MAX_SIDE = 1024
"""Longest side the generator is run at; larger inputs are scaled down first (and back up after)."""


def fit_side(height: int, width: int, side: int) -> tuple[int, int]:
    """(h, w) scaled so the longer side is ``side`` (each at least 1 px)."""
    scale = side / max(height, width)
    return max(1, round(height * scale)), max(1, round(width * scale))


def resize(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(images.shape[-2:]) == size:
        return images
    return F.interpolate(images, size=size, mode="bilinear", antialias=True, align_corners=False).clamp_(0, 1)


def pad_to_multiple(x: torch.Tensor, multiple: int = MULTIPLE) -> tuple[torch.Tensor, tuple[int, int]]:
    """Pad (N, C, H, W) on the bottom and right to multiples of ``multiple``, and to at least
    `MIN_SIDE` (instance norm needs more than one pixel at the generator's quarter size); return it
    and (H, W). Reflection where the image is large enough to mirror, else its edge repeated."""
    h, w = x.shape[-2:]
    ph, pw = max(MIN_SIDE, h + -h % multiple) - h, max(MIN_SIDE, w + -w % multiple) - w
    if ph or pw:
        mode = "reflect" if ph < h and pw < w else "replicate"
        x = F.pad(x, (0, pw, 0, ph), mode=mode)
    return x, (h, w)


def working_size(size: tuple[int, int], work_side: int | None, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """The (h, w) an image of ``size`` (h, w) is run at: longer side ``work_side`` (None: its own),
    never over ``max_side``."""
    side = min(max_side, work_side or max(size))
    return fit_side(*size, side) if side != max(size) else size


def at_work_size(images: torch.Tensor, work_side: int | None, max_side: int = MAX_SIDE) -> torch.Tensor:
    """images (N, C, H, W) -> RGB at the generator's working size (`working_size`)."""
    return resize(as_rgb(images), working_size(tuple(images.shape[-2:]), work_side, max_side))


@torch.no_grad()
def run_generator(model: CycleGAN, images: torch.Tensor, direction: str) -> torch.Tensor:
    """images (N, 3, h, w) in [0, 1], already at the working size -> the ``direction`` generator's
    output, same shape, in [0, 1] (padded to `MULTIPLE` and cropped back)."""
    generator = model.generator(direction)
    device = next(generator.parameters()).device
    padded, (h, w) = pad_to_multiple(images.float())
    return to_unit(generator(from_unit(padded).to(device))).cpu()[..., :h, :w]


def as_rgb(images: torch.Tensor) -> torch.Tensor:
    return images.float().expand(-1, 3, -1, -1) if images.shape[1] == 1 else images.float()


@torch.no_grad()
def translate(model: CycleGAN, images: torch.Tensor, direction: str, *, work_side: int | None = None,
              max_side: int = MAX_SIDE) -> torch.Tensor:
    """images (N, C, H, W) in [0, 1], C in {1, 3} -> (N, 3, H, W) in [0, 1] through the
    ``direction`` generator ("a2b": face → drawing, "b2a": drawing → face)."""
    work = at_work_size(images, work_side, max_side)
    return resize(run_generator(model, work, direction), tuple(images.shape[-2:]))


@dataclass(frozen=True)
class RoundTrip:
    """A translation and its translation back. ``there`` and ``back`` have the input's size;
    ``there_at_work`` is the translation at the working size, exactly what the way back read (scaling it
    up and down again would blur away the faint signal G hides in it); ``back_at_work`` the same for
    the way back. All in [0, 1]."""
    there: torch.Tensor
    back: torch.Tensor
    there_at_work: torch.Tensor
    back_at_work: torch.Tensor


@torch.no_grad()
def round_trip(model: CycleGAN, images: torch.Tensor, direction: str, *, work_side: int | None = None,
               max_side: int = MAX_SIDE) -> RoundTrip:
    """images (N, C, H, W) in [0, 1] -> G(x) and F(G(x)), both generators run at the working size."""
    size = tuple(images.shape[-2:])
    there = run_generator(model, at_work_size(images, work_side, max_side), direction)
    back = run_generator(model, there, "b2a" if direction == "a2b" else "a2b")
    return RoundTrip(resize(there, size), resize(back, size), there, back)
