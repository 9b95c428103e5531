"""XDoG line drawings (Winnemöller, Kyprianidis & Olsen 2012), in torch ops.

The sharpened difference of Gaussians S = (1 + p)·G_σ(I) − p·G_kσ(I) of the luminance I in
[0, 1] is passed through a soft threshold: white (1) where S ≥ ε, else 1 + tanh(φ·(S − ε)).
With a large φ the result is near-binary: dark lines on white. Deterministic: the same image
gives the same drawing on every machine (up to float rounding).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

LUMA = (0.299, 0.587, 0.114)
"""ITU-R BT.601 weights, as PIL's "L" conversion."""


@dataclass(frozen=True)
class XDoG:
    sigma: float = 0.8
    """σ of the narrow Gaussian, in pixels of the image it is applied to."""
    k: float = 1.6
    """The wide Gaussian's σ is k·σ (1.6 approximates a Laplacian of Gaussian)."""
    p: float = 20.0
    """Sharpening: the weight of the difference of Gaussians."""
    epsilon: float = 0.3
    """Threshold on S (luminance units); lower keeps fewer lines."""
    phi: float = 50.0
    """Steepness of the soft threshold; large values give near-binary lines."""

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def luminance(images: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) or (N, 1, H, W) in [0, 1] -> (N, 1, H, W) in [0, 1]."""
    if images.shape[1] == 1:
        return images
    weights = torch.tensor(LUMA, dtype=images.dtype, device=images.device).view(1, 3, 1, 1)
    return (images * weights).sum(1, keepdim=True)


def gaussian_blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (N, 1, H, W), kernel radius ⌈3σ⌉, reflected borders (repeated
    where the image is too small to mirror)."""
    radius = max(1, int(torch.tensor(3 * sigma).ceil()))
    x = torch.arange(-radius, radius + 1, dtype=images.dtype, device=images.device)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    kernel = kernel / kernel.sum()
    mode = "reflect" if radius < min(images.shape[-2:]) else "replicate"
    padded = F.pad(images, (radius, radius, radius, radius), mode=mode)
    blurred = F.conv2d(padded, kernel.view(1, 1, 1, -1))
    return F.conv2d(blurred, kernel.view(1, 1, -1, 1))


def xdog(images: torch.Tensor, params: XDoG = XDoG()) -> torch.Tensor:
    """Images (N, C, H, W) in [0, 1], C in {1, 3}, any size -> drawings (N, 1, H, W) in [0, 1]."""
    lum = luminance(images.float())
    sharp = (1 + params.p) * gaussian_blur(lum, params.sigma) - params.p * gaussian_blur(lum, params.k * params.sigma)
    soft = 1 + torch.tanh(params.phi * (sharp - params.epsilon))
    return torch.where(sharp >= params.epsilon, torch.ones_like(sharp), soft).clamp_(0, 1)
