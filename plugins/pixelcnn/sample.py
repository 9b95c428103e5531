"""Seeded sampling from a Gated PixelCNN: whole images, or completions of partly hidden ones.

Images are float32 (N, 1, 28, 28) in [0, 1] (binary for the binarized variant, k/255 for 256
levels). Sampling uses the cached sampler (`sampling.complete_cached`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from genhub.plugin import SampleRequest, Samples
from genhub.plugins.pixelcnn.sampling import Completion, complete_cached, draw_uniforms

SIZE = 28
MASKS = ("bottom half", "right half", "everything")


def region_mask(kind: str, count: int = 1, size: int = SIZE) -> torch.Tensor:
    """A named hidden region as a bool mask (count, size, size), True = to be sampled."""
    mask = torch.zeros(count, size, size, dtype=torch.bool)
    if kind == "bottom half":
        mask[:, size // 2:] = True
    elif kind == "right half":
        mask[:, :, size // 2:] = True
    elif kind == "everything":
        mask[:] = True
    else:
        raise ValueError(f"mask must be one of {', '.join(MASKS)}; got {kind!r}")
    return mask


def quantize(images: torch.Tensor, levels: int) -> torch.Tensor:
    """Pixels in [0, 1] -> the model's alphabet: {0, 1} by thresholding at 0.5, or k/255."""
    if levels == 2:
        return (images >= 0.5).float()
    return (images * (levels - 1)).round() / (levels - 1)


def labels_for(label: int, count: int, classes: int, device) -> torch.Tensor | None:
    """-1 -> None (no class); 0..classes-1 -> that label for every image."""
    if label == -1 or not classes:
        return None
    if not 0 <= label < classes:
        raise ValueError(f"label must be -1 (none) or 0..{classes - 1}, got {label}")
    return torch.full((count,), label, dtype=torch.long, device=device)


def complete(model: torch.nn.Module, images: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor | None = None,
             temperature: float = 1.0, seed: int = 0) -> Completion:
    """Complete images (N, 1, 28, 28) in [0, 1] where mask (N, 28, 28) is True, given labels (N,)
    or None (no class). The sampling noise comes from ``seed``."""
    if not 0 < temperature <= 10:
        raise ValueError(f"temperature must be in (0, 10], got {temperature}")
    if not mask.any():
        raise ValueError("the mask hides no pixel: nothing to complete")
    device = next(model.parameters()).device
    x = quantize(images.float(), model.levels).to(device)
    labels = None if labels is None else labels.to(device)
    uniforms = draw_uniforms(tuple(mask.shape), seed).to(device)
    result = complete_cached(model, x, mask.to(device), labels, temperature, uniforms)
    return Completion(result.images.cpu(), result.log_likelihood.cpu())


def sample(model: torch.nn.Module, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """``count`` whole images drawn pixel by pixel. Options: ``label`` (-1, the default: no class),
    ``temperature`` (> 0, default 1: the model's distribution)."""
    if request.count < 1:
        raise ValueError(f"count must be >= 1, got {request.count}")
    labels = labels_for(int(request.options.get("label", -1)), request.count,
                        int(config["model"].get("classes", 0)), "cpu")
    temperature = float(request.options.get("temperature", 1.0))
    blank = torch.zeros(request.count, 1, SIZE, SIZE)
    result = complete(model, blank, region_mask("everything", request.count), labels, temperature, request.seed)
    return Samples(kind="image", data=result.images.float())
