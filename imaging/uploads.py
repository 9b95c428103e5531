"""Open user-supplied images safely: clear errors for non-images, empty, huge or odd files."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 4096 * 4096
"""Larger uploads are refused before decoding (a 10000×10000 image would need ~300 MB)."""
MAX_BYTES = 20 * 1024 * 1024


class ImageInputError(ValueError):
    """An upload that is not a usable image; the message is meant for the user."""


def open_image(path: str | os.PathLike, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> Image.Image:
    """Open and fully decode an image file, checking size before decoding.

    Returns the image in its own mode ("L", "RGB", "RGBA", "I;16", ...). Raises
    ImageInputError saying what is wrong: missing, empty, too many bytes or pixels, not an
    image, or corrupt.
    """
    path = Path(path)
    if not path.is_file():
        raise ImageInputError(f"no file at {path.name!r}; upload an image (PNG or JPEG)")
    size = path.stat().st_size
    if size == 0:
        raise ImageInputError(f"{path.name!r} is empty (0 bytes); upload an image (PNG or JPEG)")
    if size > max_bytes:
        raise ImageInputError(f"{path.name!r} is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    try:
        image = Image.open(path)
    except UnidentifiedImageError as err:
        raise ImageInputError(f"{path.name!r} is not an image PIL can read; upload a PNG or JPEG") from err
    except (OSError, Image.DecompressionBombError) as err:
        raise ImageInputError(f"{path.name!r} could not be opened as an image: {err}") from err
    width, height = image.size
    if width * height > max_pixels:
        side = int(max_pixels ** 0.5)
        raise ImageInputError(f"{path.name!r} is {width}×{height} pixels; the limit is {side}×{side}. "
                              f"Scale it down and upload again")
    if width == 0 or height == 0:
        raise ImageInputError(f"{path.name!r} has no pixels ({width}×{height})")
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as err:
        raise ImageInputError(f"{path.name!r} is truncated or corrupt: {err}") from err
    return image
