"""Animated GIFs of image sequences (a walk through a latent space, an interpolation)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch

from genhub.imaging.grid import to_pil


def write_gif(frames: torch.Tensor, folder: str | Path, *, scale: int = 1, frame_ms: int = 60,
              bounce: bool = False) -> Path:
    """Frames ``(N, C, H, W)`` in [0, 1] (C = 1 or 3) -> a looping GIF in ``folder`` (a new file
    name each call); returns its path. ``scale``: nearest-neighbour enlargement; ``frame_ms``:
    each frame's duration; ``bounce``: play forwards then backwards, so the loop has no jump."""
    if frames.ndim != 4 or len(frames) == 0:
        raise ValueError(f"frames must be (N, C, H, W) with N ≥ 1, got {tuple(frames.shape)}")
    order = list(range(len(frames)))
    if bounce and len(frames) > 2:
        order += order[-2:0:-1]
    pictures = [to_pil(frames[i], scale) for i in order]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".gif", dir=folder, delete=False) as out:
        pictures[0].save(out, format="GIF", save_all=True, append_images=pictures[1:], duration=frame_ms, loop=0,
                         optimize=False, disposal=1)
    return Path(out.name)
