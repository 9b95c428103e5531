"""Pictures of a clip: its waveform above its spectrogram, as one PIL image; and the pieces
(`pyplot`, `draw_waveform`, `figure_image`) a plugin's own clip pictures are drawn with."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw_waveform(axis, wave: torch.Tensor, sample_rate: int, title: str = "") -> None:
    """Draw a mono clip (T,) in [-1, 1] on a matplotlib ``axis``, over seconds."""
    axis.plot(np.arange(len(wave)) / sample_rate, wave.numpy(), linewidth=0.6)
    axis.set_ylim(-1, 1)
    axis.set_ylabel("amplitude")
    axis.set_title(title)


def figure_image(fig) -> Image.Image:
    """A matplotlib figure as an RGB PIL image (PNG-encoded at 80 dpi), the figure closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    pyplot().close(fig)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def waveform_and_spectrogram(wave: torch.Tensor, sample_rate: int, title: str = "") -> Image.Image:
    """A mono clip (T,) in [-1, 1] -> a PNG-ready picture: waveform (top), log spectrogram (bottom)."""
    x = wave.detach().float().cpu()
    n_fft = 256
    spec = torch.stft(x, n_fft, hop_length=64, window=torch.hann_window(n_fft), return_complex=True).abs()
    db = 20 * torch.log10(spec + 1e-5)
    fig, (top, bottom) = pyplot().subplots(2, 1, figsize=(7, 4), sharex=True)
    draw_waveform(top, x, sample_rate, title)
    bottom.imshow(db.numpy(), origin="lower", aspect="auto", cmap="magma", vmin=float(db.max()) - 80,
                  extent=(0, len(x) / sample_rate, 0, sample_rate / 2))
    bottom.set_ylabel("Hz")
    bottom.set_xlabel("seconds")
    fig.tight_layout()
    return figure_image(fig)
