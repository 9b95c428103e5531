"""PixelCNN (van den Oord et al. 2016a) and Gated PixelCNN (van den Oord et al. 2016b) for
28×28 grayscale images, with optional class conditioning.

p(x) = Π p(x_i | x_<i) over pixels in raster order. Inputs are (N, 1, 28, 28) in [0, 1]
(binary {0, 1} for the binarized variant, k/255 for 256 levels); the output is per-pixel
logits: (N, 1, 28, 28) for a Bernoulli (``levels=2``) or (N, 256, 28, 28) for a softmax.

Gated stacks (no blind spot): the vertical stack at row i sees rows ≤ i (all columns of
its window) and reaches the horizontal stack only shifted down one row; the horizontal
stack at (i, j) sees row i, columns ≤ j (< j in the first layer: mask type A).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genhub.config import Configurable


class MaskedConv2d(nn.Conv2d):
    """The seed text's masked convolution: type "A" hides the centre pixel and everything
    after it in raster order (first layer); type "B" hides only what comes after it."""

    def __init__(self, mask_type: str, in_channels: int, out_channels: int, kernel_size: int) -> None:
        if mask_type not in ("A", "B"):
            raise ValueError(f"mask_type must be 'A' or 'B', got {mask_type!r}")
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        mask = torch.ones_like(self.weight)
        c = kernel_size // 2
        mask[:, :, c, c + (mask_type == "B"):] = 0
        mask[:, :, c + 1:] = 0
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class PixelCNN(Configurable, nn.Module):
    """The seed's PixelCNN: a 7×7 type-A masked conv, residual 3×3 type-B blocks, no pooling,
    1×1 convs to per-pixel logits. A reference (and the test subject for masks)."""

    def __init__(self, levels: int = 2, channels: int = 32, layers: int = 5, classes: int = 0) -> None:
        super().__init__()
        self.levels, self.classes = levels, classes
        self.first = MaskedConv2d("A", 1, channels, 7)
        self.blocks = nn.ModuleList(MaskedConv2d("B", channels, channels, 3) for _ in range(layers))
        self.embed = nn.Embedding(classes, channels) if classes else None
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(channels, channels, 1), nn.ReLU(),
                                  nn.Conv2d(channels, 1 if levels == 2 else levels, 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        h = self.first(_center(x, self.levels))
        if self.embed is not None and y is not None:
            h = h + self.embed(y)[:, :, None, None]
        for block in self.blocks:
            h = h + block(F.relu(h))
        return self.head(h)


def _center(x: torch.Tensor, levels: int) -> torch.Tensor:
    """Pixels in [0, 1] -> the network's input in [-1, 1]."""
    return x * 2 - 1


def gate(x: torch.Tensor) -> torch.Tensor:
    """tanh(a) · σ(b) over the two halves of the channel axis."""
    a, b = x.chunk(2, dim=1)
    return torch.tanh(a) * torch.sigmoid(b)


class GatedLayer(nn.Module):
    """One gated layer: vertical conv (k//2 + 1) × k, horizontal conv 1 × (k//2 + 1) (1 × k//2
    and no residual for the first layer, mask A), vertical -> horizontal 1×1 on the vertical
    pre-activation shifted down one row, class bias inside both gates, 1×1 residual and skip."""

    def __init__(self, in_channels: int, channels: int, kernel: int, skip_channels: int, first: bool,
                 classes: int) -> None:
        super().__init__()
        self.kernel, self.first = kernel, first
        half = kernel // 2
        self.v_conv = nn.Conv2d(in_channels, 2 * channels, (half + 1, kernel))
        self.h_conv = nn.Conv2d(in_channels, 2 * channels, (1, half if first else half + 1))
        self.v_to_h = nn.Conv2d(2 * channels, 2 * channels, 1)
        self.h_out = nn.Conv2d(channels, channels, 1)
        self.skip = nn.Conv2d(channels, skip_channels, 1)
        # Row `classes` is "no class": trained on a share of each batch, used when y is None.
        self.embed = nn.Embedding(classes + 1, 4 * channels) if classes else None
        self.classes = classes

    def condition(self, y: torch.Tensor | None, batch: int, device) -> tuple[torch.Tensor, torch.Tensor]:
        """Class biases for the vertical and horizontal gates: two (N, 2C, 1, 1) tensors. ``y`` (N,)
        in 0..classes (``classes`` = no class); None means no class for every image."""
        c2 = self.v_to_h.in_channels
        if self.embed is None:
            zero = torch.zeros(batch, c2, 1, 1, device=device)
            return zero, zero
        if y is None:
            y = torch.full((batch,), self.classes, dtype=torch.long, device=device)
        bias = self.embed(y)[:, :, None, None]
        return bias[:, :c2], bias[:, c2:]

    def forward(self, v: torch.Tensor, h: torch.Tensor, y: torch.Tensor | None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """v, h (N, C_in, H, W) -> (v, h (N, C, H, W), skip (N, S, H, W))."""
        half = self.kernel // 2
        cond_v, cond_h = self.condition(y, len(v), v.device)
        v_pre = self.v_conv(F.pad(v, (half, half, half, 0)))                          # rows ≤ i
        shifted = F.pad(v_pre, (0, 0, 1, 0))[:, :, :-1]                                # rows < i
        if self.first:
            h_pre = self.h_conv(F.pad(h, (half, 0, 0, 0)))[:, :, :, :-1]              # columns < j
        else:
            h_pre = self.h_conv(F.pad(h, (half, 0, 0, 0)))                              # columns ≤ j
        g = gate(h_pre + self.v_to_h(shifted) + cond_h)
        h_new = self.h_out(g) if self.first else h + self.h_out(g)
        return gate(v_pre + cond_v), h_new, self.skip(g)


class GatedPixelCNN(Configurable, nn.Module):
    def __init__(self, levels: int = 2, channels: int = 32, layers: int = 8, kernel: int = 5,
                 skip_channels: int = 64, classes: int = 10) -> None:
        """``levels``: 2 (Bernoulli, one logit per pixel) or 256 (softmax); ``channels``: width C of
        both stacks; ``layers``: gated layers (the first is type A); ``kernel``: odd width k;
        ``classes``: labels for conditioning (0: unconditioned)."""
        super().__init__()
        if kernel % 2 == 0 or kernel < 3:
            raise ValueError(f"kernel must be odd and ≥ 3, got {kernel}")
        self.levels, self.classes, self.kernel = levels, classes, kernel
        self.layers = nn.ModuleList(
            GatedLayer(1 if i == 0 else channels, channels, kernel, skip_channels, i == 0, classes)
            for i in range(layers))
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(skip_channels, skip_channels, 1), nn.ReLU(),
                                  nn.Conv2d(skip_channels, 1 if levels == 2 else levels, 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """x (N, 1, H, W) in [0, 1], y (N,) labels in 0..classes (``classes``: none) or None -> logits."""
        v = h = _center(x, self.levels)
        skip = 0
        for layer in self.layers:
            v, h, s = layer(v, h, y)
            skip = skip + s
        return self.head(skip)


def nll_nats(logits: torch.Tensor, x: torch.Tensor, levels: int) -> torch.Tensor:
    """−log p(x) per image in nats: (N,). ``x`` (N, 1, H, W) in [0, 1]."""
    if levels == 2:
        return F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    target = (x[:, 0] * (levels - 1)).round().long()
    return F.cross_entropy(logits, target, reduction="none").flatten(1).sum(1)
