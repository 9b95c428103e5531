"""Images and audio in the form the plugin contract passes them, and the checks of that form.

- An image batch is float32 ``(N, C, H, W)``, C = 1 (grey) or 3 (RGB), finite values in [0, 1].
- An audio batch is float32 ``(N, T)``, finite values in [-1, 1], at a sample rate in Hz (a
  positive int).

`genhub.plugin.Samples` and `genhub.plugin.SampleRequest` run these checks when they are
constructed, so a plugin that returns something else fails at once, with a message that says
what was expected.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch
    from PIL import Image


def _check_values(data: Any, what: str, ndim: int, layout: str, lo: float, hi: float) -> None:
    import torch

    if not isinstance(data, torch.Tensor):
        raise ValueError(f"{what} must be a torch.Tensor {layout}, got {type(data).__name__}")
    if data.dtype != torch.float32:
        raise ValueError(f"{what} must be float32, got {data.dtype}")
    if data.ndim != ndim:
        raise ValueError(f"{what} must be {ndim}-D {layout}, got shape {tuple(data.shape)}")
    if data.numel() == 0:
        raise ValueError(f"{what} is empty: shape {tuple(data.shape)}")
    if not bool(torch.isfinite(data).all()):
        raise ValueError(f"{what} holds NaN or infinite values")
    low, high = (float(v) for v in torch.aminmax(data))
    if low < lo or high > hi:
        raise ValueError(f"{what} must be in [{lo:g}, {hi:g}], found values from {low:g} to {high:g}")


def check_images(data: Any, what: str) -> None:
    """Raise ValueError unless ``data`` is an image batch float32 (N, C, H, W), C in {1, 3},
    finite values in [0, 1]. ``what`` names the tensor in the message."""
    _check_values(data, what, 4, "(N, C, H, W)", 0.0, 1.0)
    if data.shape[1] not in (1, 3):
        raise ValueError(f"{what} must have 1 (grey) or 3 (RGB) channels, got shape {tuple(data.shape)}")


def check_audio(data: Any, sample_rate: Any, what: str) -> None:
    """Raise ValueError unless ``data`` is an audio batch float32 (N, T), finite values in
    [-1, 1], and ``sample_rate`` a positive whole number of Hz."""
    _check_values(data, what, 2, "(N, T)", -1.0, 1.0)
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, numbers.Integral) or sample_rate <= 0:
        raise ValueError(f"the sample rate of {what} must be a positive whole number of Hz, got {sample_rate!r}")


def image_tensor(image: Image.Image) -> torch.Tensor:
    """A PIL image -> float32 (C, H, W) in [0, 1]: C = 1 for grey modes ("1", "L", "LA", 16-bit
    "I;16", "I", float "F"), else C = 3 (RGB). Transparency is composited over white, as a
    viewer shows it."""
    import torch
    from PIL import Image

    if image.mode.startswith("I") or image.mode == "F":  # 16/32-bit grey: 0..65535 (I) or 0..1 (F)
        top = 1.0 if image.mode == "F" else 65535.0
        array = np.clip(np.asarray(image, dtype=np.float32) / top, 0.0, 1.0)[None]  # (1, H, W)
        return torch.from_numpy(np.ascontiguousarray(array))
    grey = image.mode in ("1", "L", "LA", "La")
    if "A" in image.getbands() or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    array = np.asarray(image.convert("L" if grey else "RGB"), dtype=np.float32) / 255.0
    array = array[None] if grey else array.transpose(2, 0, 1)  # (C, H, W)
    return torch.from_numpy(np.ascontiguousarray(array))


def pcm16(clip: torch.Tensor) -> np.ndarray:
    """A clip float ``(T,)`` in [-1, 1] -> int16 ``(T,)`` samples (×32767, rounded): how every
    clip leaves the hub, in the tab's player and in ``genhub sample``'s .wav alike, so both hold
    the same samples."""
    return np.round(clip.detach().float().clamp(-1, 1).cpu().numpy() * 32767).astype(np.int16)
