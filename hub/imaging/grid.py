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


def captioned_grid(images: torch.Tensor, captions: list[str], nrow: int = 10, scale: int = 3,
                   colors: list[tuple[int, int, int]] | None = None, padding: int = 4) -> Image.Image:
    """Images ``(N, 1|3, H, W)`` in [0, 1] -> an RGB grid with one short ASCII caption under
    each image (PIL's default font; ``colors`` per caption, default light grey)."""
    from PIL import ImageDraw

    if len(captions) != len(images):
        raise ValueError(f"{len(images)} images but {len(captions)} captions")
    n, _, h, w = images.shape
    cols = max(1, min(nrow, n))
    rows = -(-n // cols)
    cell_w, cell_h, text_h = w * scale, h * scale, 14
    canvas = Image.new("RGB", (cols * (cell_w + padding) + padding, rows * (cell_h + text_h + padding) + padding),
                       (30, 30, 30))
    draw = ImageDraw.Draw(canvas)
    for i, (image, caption) in enumerate(zip(images, captions)):
        x = padding + (i % cols) * (cell_w + padding)
        y = padding + (i // cols) * (cell_h + text_h + padding)
        canvas.paste(to_pil(image, scale).convert("RGB"), (x, y))
        draw.text((x + 1, y + cell_h + 1), caption, fill=(colors[i] if colors else (220, 220, 220)))
    return canvas
