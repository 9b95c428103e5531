"""The files of ``genhub sample``: an input file read into the contract's form, `Samples` written
as a .png grid, a .npy array or .wav clips."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import torch

    from genhub.plugin import Samples

PNG_MIN_SIDE = 512
"""A generated .png is enlarged to at least this many pixels on its longer side (a 28×28 digit
is a speck on screen)."""
SUFFIXES = (".png", ".npy", ".wav")


def read_input(path: Path, kind: Literal["image", "audio"], sample_rate: int | None = None) -> torch.Tensor:
    """An input file -> an image float32 (C, H, W) in [0, 1], C = 1 for grey files, else 3
    (`genhub.imaging.uploads.open_image`: size limits, EXIF orientation, first frame); or a mono
    clip float32 (T,) in [-1, 1] resampled to ``sample_rate`` Hz (`genhub.audio.clips.load_clip`).
    Raises FileNotFoundError, or ValueError saying what is wrong with the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"--input {path} does not exist")
    if kind == "image":
        from genhub.imaging.uploads import open_image
        from genhub.media import image_tensor

        return image_tensor(open_image(path))
    from genhub.audio.clips import load_clip

    if sample_rate is None:
        raise ValueError("the model's config.json states no data.sample_rate to read the audio input at")
    return load_clip(path, sample_rate)


def write_samples(samples: Samples, out: Path, plugin: str, scale: int | None = None, enlarge: bool = True,
                  nrow: int | None = None) -> None:
    """Write ``samples`` to ``out`` by its suffix: .npy (the raw array), .png (images in a grid,
    ``nrow`` per row, default ~√N; ``scale``× larger, pixels kept sharp; by default enlarged to
    ``PNG_MIN_SIDE`` when ``enlarge``, else as they are) or .wav (16-bit PCM, `genhub.media.pcm16`;
    one mono file per clip: out.wav for one clip, else out-0.wav, out-1.wav, ...). ``plugin``
    names the source in messages."""
    import numpy as np
    from PIL import Image

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"--out must end in .png, .npy or .wav, got {out}")
    if suffix == ".png" and samples.kind != "image":
        raise ValueError(f"{plugin} makes {samples.kind}, not images: use .npy or .wav")
    if suffix == ".wav" and samples.kind != "audio":
        raise ValueError(f"{plugin} makes {samples.kind}, not audio: use .png or .npy")
    if scale is not None and not 1 <= scale <= 64:
        raise ValueError(f"--scale must be between 1 and 64, got {scale}")
    if nrow is not None and not 1 <= nrow <= 1000:
        raise ValueError(f"--nrow must be between 1 and 1000, got {nrow}")
    data = samples.data.detach().float().cpu()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".npy":
        np.save(out, data.numpy())
    elif suffix == ".png":
        from genhub.imaging.grid import grid_image

        grid = grid_image(data, nrow=nrow or max(1, int(round(len(data) ** 0.5))))
        scale = scale or (max(1, -(-PNG_MIN_SIDE // max(grid.size))) if enlarge else 1)
        grid.resize((grid.width * scale, grid.height * scale), Image.Resampling.NEAREST).save(out)
    else:
        import soundfile

        from genhub.media import pcm16

        if len(data) == 1:
            soundfile.write(out, pcm16(data[0]), samples.sample_rate, subtype="PCM_16")
        else:
            for i, clip in enumerate(data):
                soundfile.write(out.with_name(f"{out.stem}-{i}.wav"), pcm16(clip), samples.sample_rate,
                                subtype="PCM_16")
