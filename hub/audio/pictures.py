"""Pictures of a clip: its waveform above its spectrogram, as one PIL image."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image


def waveform_and_spectrogram(wave: torch.Tensor, sample_rate: int, title: str = "") -> Image.Image:
    """A mono clip (T,) in [-1, 1] -> a PNG-ready picture: waveform (top), log spectrogram (bottom)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = wave.detach().float().cpu()
    n_fft = 256
    spec = torch.stft(x, n_fft, hop_length=64, window=torch.hann_window(n_fft), return_complex=True).abs()
    db = 20 * torch.log10(spec + 1e-5)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 4), sharex=True)
    seconds = np.arange(len(x)) / sample_rate
    top.plot(seconds, x.numpy(), linewidth=0.6)
    top.set_ylim(-1, 1)
    top.set_ylabel("amplitude")
    top.set_title(title)
    bottom.imshow(db.numpy(), origin="lower", aspect="auto", cmap="magma", vmin=float(db.max()) - 80,
                  extent=(0, len(x) / sample_rate, 0, sample_rate / 2))
    bottom.set_ylabel("Hz")
    bottom.set_xlabel("seconds")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")
