"""Open user-supplied images safely: clear errors for non-images, empty, huge or odd files."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 4096 * 4096
"""Larger uploads are refused before decoding (a 10000×10000 image would need ~300 MB)."""
MAX_BYTES = 20 * 1024 * 1024


class ImageInputError(ValueError):
    """An upload that is not a usable image; the message is meant for the user."""


def check_image_header(source: str | os.PathLike | bytes, max_pixels: int = MAX_PIXELS,
                       max_bytes: int = MAX_BYTES) -> tuple[int, int]:
    """Check an image's size in bytes and pixels from its header alone; return (width, height).

    Nothing is decoded, so a small file that would decode to gigabytes (a 12000×12000 PNG of one
    colour is 150 KB) costs nothing to refuse. Raises ImageInputError naming the limit. The
    message never names a server path.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        size, opener = len(source), lambda: Image.open(io.BytesIO(bytes(source)))
    else:
        path = Path(source)
        if not path.is_file():
            raise ImageInputError("the image file is missing; upload it again")
        size, opener = path.stat().st_size, lambda: Image.open(path)
    if size == 0:
        raise ImageInputError("the image is empty (0 bytes); upload a PNG or JPEG")
    if size > max_bytes:
        raise ImageInputError(f"the image is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    side = int(max_pixels ** 0.5)
    try:
        with opener() as image:
            width, height = image.size
    except Image.DecompressionBombError as err:  # PIL's own limit (genhub.app.tune_process) refused the header
        found = re.search(r"\((\d+) pixels\)", str(err))
        count = f"{int(found.group(1)) / 1e6:.0f} million" if found else "far more"
        raise ImageInputError(f"the image has {count} pixels; the limit is {side}×{side}. "
                              f"Scale it down and try again") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageInputError("this is not an image that can be read; upload a PNG or JPEG") from None
    if width * height > max_pixels:
        raise ImageInputError(f"the image is {width}×{height} pixels; the limit is {side}×{side}. "
                              f"Scale it down and try again")
    if width == 0 or height == 0:
        raise ImageInputError(f"the image has no pixels ({width}×{height})")
    return width, height


def open_image(path: str | os.PathLike, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> Image.Image:
    """Open and fully decode an image file, checking its size (`check_image_header`) first.

    Returns the image in its own mode ("L", "RGB", "RGBA", "I;16", ...), turned upright by its
    EXIF orientation (a phone photo arrives on its side otherwise); of an animation, the first
    frame. Raises ImageInputError saying what is wrong: missing, empty, too many bytes or
    pixels, not an image, or corrupt.
    """
    check_image_header(path, max_pixels, max_bytes)
    try:
        image = Image.open(path)
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ImageInputError("the image is truncated or corrupt; upload it again or try another file") from None
    return upright if upright is not None else image
