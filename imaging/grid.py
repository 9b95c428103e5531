"""Tensors of images <-> PIL pictures, through torchvision's ``make_grid``."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image


def to_pil(image: torch.Tensor, scale: int = 1) -> Image.Image:
    """One image ``(C, H, W)`` float in [0, 1] (C = 1 or 3) -> PIL "L" or "RGB", upscaled
    ``scale``× with nearest-neighbour so pixels stay sharp."""
    array = (image.detach().float().clamp(0, 1) * 255).round().to(torch.uint8).cpu().numpy()
    pil = Image.fromarray(array[0] if array.shape[0] == 1 else np.moveaxis(array, 0, -1))
    if scale != 1:
        pil = pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.NEAREST)
    return pil


def grid_image(images: torch.Tensor, nrow: int = 8, padding: int = 2, scale: int = 1,
               pad_value: float = 0.2) -> Image.Image:
    """Images ``(N, C, H, W)`` float in [0, 1] -> one PIL grid, ``nrow`` images per row."""
    from torchvision.utils import make_grid  # imported on use: torchvision takes ~2 s to import

    if images.ndim != 4:
        raise ValueError(f"expected images of shape (N, C, H, W), got {tuple(images.shape)}")
    grid = make_grid(images.detach().float().clamp(0, 1).cpu(), nrow=nrow, padding=padding, pad_value=pad_value)
    if images.shape[1] == 1:
        grid = grid[:1]
    return to_pil(grid, scale)
