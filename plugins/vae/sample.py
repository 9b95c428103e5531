"""Seeded sampling from a VAE: decode prior draws, or given latent points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from genhub.plugin import SampleRequest, Samples


def parse_point(text: str) -> list[float]:
    """``"0.5,-1.2"`` -> ``[0.5, -1.2]``; raises ValueError with the offending text."""
    try:
        return [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError as err:
        raise ValueError(f"--z must be comma-separated numbers like 0.5,-1.2; got {text!r}") from err


@torch.no_grad()
def decode(model: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """Latent points (N, d) -> Bernoulli means (N, 1, 28, 28) float32 in [0, 1]."""
    device = next(model.parameters()).device
    return torch.sigmoid(model.decode(z.to(device, torch.float32))).float().cpu()


def sample(model: nn.Module, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """``count`` images (N, 1, 28, 28) in [0, 1]: pixel means of p(x|z), z ~ N(0, t²·I).

    Options: ``temperature`` t (std of the prior draw, default 1), ``z`` (a fixed latent
    point "a,b,..."; then every sample is that point's decoding).
    """
    if request.count < 1:
        raise ValueError(f"count must be >= 1, got {request.count}")
    latent_dim = int(config["model"]["latent_dim"])
    temperature = float(request.options.get("temperature", 1.0))
    if not 0 < temperature <= 10:
        raise ValueError(f"temperature must be in (0, 10], got {temperature}")
    point = request.options.get("z")
    if point:
        values = parse_point(point) if isinstance(point, str) else [float(v) for v in point]
        if len(values) != latent_dim:
            raise ValueError(f"z needs {latent_dim} numbers for this variant, got {len(values)}")
        z = torch.tensor(values).expand(request.count, latent_dim)
    else:
        generator = torch.Generator().manual_seed(request.seed)
        z = torch.randn(request.count, latent_dim, generator=generator) * temperature
    return Samples(kind="image", data=decode(model, z))
