"""``sample``: a picture of a digit in, the digit turning over many frames out, as one filmstrip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from genhub.plugin import Option, SampleRequest, Samples

from genhub_dynamics.data import BASE_SPEED, SPEED_RANGE, frame_times, rotating_sequences
from genhub_dynamics.model import IMAGE_SIZE, DynamicsVAE

SPEED = Option("speed", float, BASE_SPEED, f"degrees per frame the digit turns in the context frames, counter-"
               f"clockwise when positive; trained on {SPEED_RANGE[0]:.1f} to {SPEED_RANGE[1]:.1f} either way",
               minimum=-45, maximum=45, step=0.5)
FRAMES = Option("frames", int, 32, "frames to render; the model was trained on 16 (one turn)", minimum=1,
                maximum=64)
DT = Option("dt", float, 1.0, "frames between rendered frames; the ODE integrates to any time, the LSTM blends "
            "the latents of whole frames", minimum=0.1, maximum=4, step=0.05)


def as_digits(images: torch.Tensor) -> torch.Tensor:
    """Images (N, C, H, W) in [0, 1], C in {1, 3}, any size -> (N, 1, 28, 28) grey in [0, 1]:
    averaged over areas when larger (so a 28×28 digit enlarged k times comes back exactly),
    interpolated when smaller. A digit should be light on dark and centred, as in MNIST."""
    grey = images.mean(1, keepdim=True)
    if grey.shape[-2:] == (IMAGE_SIZE, IMAGE_SIZE):
        return grey
    larger = min(grey.shape[-2:]) >= IMAGE_SIZE
    return F.interpolate(grey, size=(IMAGE_SIZE, IMAGE_SIZE), mode="area" if larger else "bilinear").clamp(0, 1)


@torch.no_grad()
def turn(model: DynamicsVAE, digits: torch.Tensor, speed: float, times: torch.Tensor) -> tuple[torch.Tensor,
                                                                                              torch.Tensor]:
    """The context frames of ``digits`` (N, 1, 28, 28) turning at ``speed`` °/frame -> the model's
    frames at ``times`` (N, F, 1, 28, 28) in [0, 1] and their latent states (N, F, D), from the
    posterior mean of z₀."""
    device = next(model.parameters()).device
    speeds = torch.full((len(digits),), float(speed))
    context = rotating_sequences(digits, speeds, frame_times(model.context_frames)).to(device)
    states = model.trajectory(model.encode(context)[0], times.to(device))
    return torch.sigmoid(model.decode(states)).float().cpu(), states.float().cpu()


def sample(model: DynamicsVAE, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """One filmstrip per input image: (N, 1, 28, 28·frames), frame ``f`` at time ``f·dt`` frames.

    Deterministic: the latent state starts at the posterior mean, so the seed is not used.
    """
    if request.input is None or request.input_kind != "image":
        raise ValueError("dynamics turns an image of a digit: give SampleRequest.input an image (N, C, H, W)")
    speed = float(request.options.get("speed", SPEED.default))
    frames = int(request.options.get("frames", FRAMES.default))
    dt = float(request.options.get("dt", DT.default))
    films, _ = turn(model, as_digits(request.input), speed, frame_times(frames, dt))
    strip = films.permute(0, 2, 3, 1, 4).reshape(len(films), 1, IMAGE_SIZE, frames * IMAGE_SIZE)
    return Samples("image", strip.contiguous())
