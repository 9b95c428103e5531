"""Turn any picture of a digit into an MNIST-style input: white ink on black, 28×28, centred.

MNIST digits were scaled to fit a 20×20 box (keeping their aspect ratio) and placed in a
28×28 frame so that their centre of mass sits at the centre; drawings and photos are
prepared the same way so that models trained on MNIST see what they expect. The digit
plugins' tabs read sketchpad drawings and uploads through `drawn_digit` and `uploaded_digit`.

Gradio-free: every problem with the picture raises `ImageInputError`, whose message is meant
for the user (a tab turns it into ``gr.Error`` with `genhub.inputs.user_errors`).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch
from PIL import Image

from genhub.imaging.uploads import ImageInputError, open_image

SIZE = 28
"""Side of an MNIST frame, in pixels."""
BOX = 20
"""Side of the box MNIST scaled each digit into, in pixels."""


def ink_map(image: Image.Image) -> np.ndarray:
    """Image of any mode -> float32 (H, W) in [0, 1], 1 = ink.

    Transparent images (e.g. a sketchpad's strokes) use their alpha as ink. Opaque ones use
    brightness, inverted when the border is light (dark ink on paper).
    """
    if image.mode in {"I;16", "I;16B", "I;16L", "I", "F"}:
        array = np.asarray(image, dtype=np.float32)
        peak = float(array.max())
        gray = array / peak if peak > 0 else array
        alpha = None
    else:
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
        gray = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        alpha = rgba[..., 3]
    if alpha is not None and alpha.min() < 0.99:
        return alpha.astype(np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return (1.0 - gray if np.median(border) > 0.5 else gray).astype(np.float32)


def center_digit(ink: np.ndarray, box: int = BOX, size: int = SIZE, threshold: float = 0.2) -> np.ndarray:
    """Crop the ink, fit it in a ``box``×``box`` square, centre its mass in ``size``×``size``.

    Raises ImageInputError when there is no ink above ``threshold`` (an empty drawing).
    """
    rows, cols = np.nonzero(ink > threshold)
    if len(rows) == 0:
        raise ImageInputError("the image is empty: draw or upload a digit (light ink on dark, or dark on light)")
    crop = ink[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    scale = box / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    picture = Image.fromarray((crop * 255).astype(np.uint8)).resize((width, height), Image.Resampling.LANCZOS)
    resized = np.asarray(picture, dtype=np.float32) / 255.0
    total = resized.sum()
    if total > 0:
        cy, cx = (np.indices(resized.shape) * resized).reshape(2, -1).sum(1) / total
    else:
        cy, cx = height / 2, width / 2
    top = int(np.clip(round(size / 2 - cy), 0, size - height))
    left = int(np.clip(round(size / 2 - cx), 0, size - width))
    frame = np.zeros((size, size), dtype=np.float32)
    frame[top: top + height, left: left + width] = resized
    return frame.clip(0, 1)


def digit_tensor(image: Image.Image) -> torch.Tensor:
    """Any picture of one digit -> (1, 28, 28) float32 in [0, 1], MNIST-style (see module doc)."""
    return torch.from_numpy(center_digit(ink_map(image))).unsqueeze(0)


def drawn_digit(value: Any) -> torch.Tensor:
    """A sketchpad's value (a dict whose ``"composite"`` is an image path or a PIL image; or
    that image itself) -> (1, 28, 28) in [0, 1]. Raises ImageInputError (no drawing, not a
    usable image, nothing drawn)."""
    composite = value.get("composite") if isinstance(value, dict) else value
    if composite is None:
        raise ImageInputError("draw a digit on the sketchpad first")
    if isinstance(composite, (str, os.PathLike)):
        composite = open_image(composite)
    if not isinstance(composite, Image.Image):
        raise ImageInputError(f"the drawing must be an image; got a {type(composite).__name__}")
    return digit_tensor(composite)


def uploaded_digit(path: str | os.PathLike | None) -> torch.Tensor:
    """An uploaded image file -> (1, 28, 28) in [0, 1]. Raises ImageInputError (no file, not a
    usable image, no ink)."""
    if not path:
        raise ImageInputError("upload an image of a digit first (PNG or JPEG)")
    return digit_tensor(open_image(path))
