"""Pick the device models run on: CUDA, else MPS, else CPU, unless told otherwise."""

from __future__ import annotations

import os

import torch

DEVICE_ENV = "GENHUB_DEVICE"


def pick_device(requested: str | None = None) -> torch.device:
    """Return ``requested`` (or ``$GENHUB_DEVICE``) if given and available, else the best one.

    Raises ValueError when the requested device does not exist on this machine, rather than
    silently running somewhere else.
    """
    requested = requested or os.environ.get(DEVICE_ENV) or None
    if requested is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(requested)
    except RuntimeError as err:
        raise ValueError(f"unknown device {requested!r}: use cpu, cuda, cuda:N or mps") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {requested!r} asked for, but CUDA is not available here; use cpu")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"device {requested!r} asked for, but only {torch.cuda.device_count()} GPU(s) exist")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {requested!r} asked for, but MPS is not available here; use cpu")
    if device.type not in {"cpu", "cuda", "mps"}:
        raise ValueError(f"device {requested!r} is not supported: use cpu, cuda, cuda:N or mps")
    return device
