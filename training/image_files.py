"""Reading image files into uint8 tensors of one square size: the shared front end of the image
plugins that train on folders of pictures (CycleGAN's domains, StyleGAN's faces)."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torchvision.io import ImageReadMode, decode_image, read_file
from torchvision.transforms.v2.functional import to_dtype

from genhub.training.data import data_root

ANIME_FOLDER = "anime_faces/images"
"""The 10,000 anime faces under the data root: ``0.jpg`` … ``9999.jpg``, 96×96 RGB."""
ANIME_COUNT = 10_000


def anime_folder(data_dir: str | Path | None = None) -> Path:
    """``<data root>/anime_faces/images`` (``data_dir``, else ``$GENHUB_DATA``); FileNotFoundError
    saying how to point at it when it is not there."""
    root = data_root(data_dir)
    folder = (root / ANIME_FOLDER) if root else None
    if folder is None or not folder.is_dir():
        raise FileNotFoundError(f"the anime faces are not at {folder or '<no data root>'}: give --data-dir or set "
                                f"GENHUB_DATA to the folder holding {ANIME_FOLDER}/0.jpg … 9999.jpg")
    return folder


def resize_square(images: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 (N, C, H, W) -> uint8 (N, C, size, size): shorter side to ``size`` (bilinear,
    antialiased), centre crop."""
    h, w = images.shape[-2:]
    scale = size / min(h, w)
    new = (max(size, round(h * scale)), max(size, round(w * scale)))
    if new != (h, w):
        images = F.interpolate(images.float(), size=new, mode="bilinear", antialias=True, align_corners=False)
        images = images.round().clamp(0, 255).to(torch.uint8)
    top, left = (new[0] - size) // 2, (new[1] - size) // 2
    return images[..., top:top + size, left:left + size].contiguous()


def decoded_rgb(path: Path) -> torch.Tensor:
    """An image file -> uint8 (3, H, W), turned upright by its EXIF orientation; 16-bit files are
    scaled to 8 bits (torchvision decodes them as uint16 0..65535)."""
    image = decode_image(read_file(str(path)), ImageReadMode.RGB, apply_exif_orientation=True)
    return to_dtype(image, torch.uint8, scale=True)


def read_images(paths: list[Path], size: int) -> torch.Tensor:
    """Decode image files (any mode; RGB out) and make each ``size``×``size``: uint8 (N, 3, size, size)."""
    if not paths:
        raise FileNotFoundError("no images to read")
    return torch.cat([resize_square(decoded_rgb(p).unsqueeze(0), size) for p in paths])
