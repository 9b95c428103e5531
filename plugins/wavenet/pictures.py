"""Pictures of a planned clip: its waveform, the plan it was told and the plan of what it said."""

from __future__ import annotations

import torch
from PIL import Image

from genhub.audio.pictures import draw_waveform, figure_image, pyplot
from genhub.plugins.wavenet.plan import HOP, plan_of
from genhub.plugins.wavenet.variants import SAMPLE_RATE

PLAN_RANGE = (-0.5, 2.0)
"""The colour scale's plan values: a recording's quiet parts near the bottom, digital silence below it (black)."""


def plan_and_result(plan: torch.Tensor, wave: torch.Tensor, title: str = "", plan_label: str = "plan") -> Image.Image:
    """plan (mels, F) and the clip (T,) in [-1, 1] at 8 kHz -> a PNG-ready picture: the waveform, the
    plan and the result's own plan (its log-mel frames, same scale), one above the other, on one time axis."""
    x = wave.detach().float().cpu()
    said = plan_of(x)
    seconds = len(x) / SAMPLE_RATE
    fig, (top, middle, bottom) = pyplot().subplots(3, 1, figsize=(7, 5), sharex=True)
    draw_waveform(top, x, SAMPLE_RATE, title)
    for axis, frames, label in ((middle, plan, plan_label), (bottom, said, "result")):
        frames = frames.detach().float().cpu()[:, : 1 + len(x) // HOP]
        axis.imshow(frames.numpy(), origin="lower", aspect="auto", cmap="magma", vmin=PLAN_RANGE[0], vmax=PLAN_RANGE[1],
                    extent=(-HOP / 2 / SAMPLE_RATE, (frames.shape[1] - 0.5) * HOP / SAMPLE_RATE, 0, frames.shape[0]),
                    interpolation="nearest")  # frame f is centred on sample f·HOP
        axis.set_ylabel(f"{label}\nmel bin")
    bottom.set_xlim(0, seconds)
    bottom.set_xlabel("seconds")
    fig.tight_layout()
    return figure_image(fig)
