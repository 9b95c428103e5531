"""StyleGAN2 (Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN") at
small sizes, with the ProGAN pieces it keeps (equalized learning rate, pixel norm, minibatch
standard deviation).

Generator: z (N, z_dim) ~ N(0, I) → mapping (pixel norm, 8 equalized FC layers) → w, broadcast to
``num_ws`` per-layer styles (N, num_ws, w_dim) → synthesis from a learned 4×4 constant through
modulated, demodulated 3×3 convolutions with per-layer noise, doubling the size per block, with
skip connections that sum each block's upsampled RGB. Output (N, 3, R, R), nominally in [-1, 1]
(not clamped: `to_unit` clamps).

A running average of w (``w_avg``, a buffer updated in training) makes truncation one lerp:
w' = w_avg + ψ·(w − w_avg), applied to the styles before ``cutoff`` (all of them by default).

Style layers for R = 64 (``num_ws`` = 10): the 4² block reads w0 (conv) and w1 (RGB); the 8²
block w1, w2 (convs) and w3 (RGB); each later block the next three, sharing its first with the
block before, as StyleGAN2 does. `STYLE_BANDS` names the coarse, middle and fine ranges.

Departures from the paper, for size and CPU speed: 2× bilinear upsampling before a 3×3
convolution instead of a transposed convolution with a [1,3,3,1] blur; average pooling after the
discriminator's convolutions instead of a blurred stride-2 convolution. The modulation is applied
to activations (scale in, convolve with shared weights, demodulate out), which is exactly the
per-sample weight scaling of the paper and is fast at any batch size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from genhub.config import Configurable

NoiseMode = Literal["random", "const", "none"]
Noise = torch.Generator | Sequence[torch.Generator] | None
"""Where random noise comes from: one generator for the batch (training), one CPU generator per
image (serving: the same seed gives the same image in any batch), or None (torch's global one)."""
NOISE_MODES: tuple[str, ...] = ("random", "const", "none")
GAIN = math.sqrt(2)
"""Leaky ReLU (slope 0.2) outputs are scaled by √2 to keep unit variance (StyleGAN's gain)."""


def channels_at(resolution: int, channel_base: int, channel_max: int) -> int:
    """Feature maps at ``resolution``²: StyleGAN2's min(base / resolution, max)."""
    return max(1, min(channel_base // resolution, channel_max))


def style_bands(num_ws: int) -> dict[str, tuple[int, int]]:
    """Coarse (4²–8²: pose, face shape), middle (16²–32²: features, hair style) and fine (the
    rest: colour, texture) style layers as half-open ranges [start, stop) for ``num_ws`` styles."""
    return {"coarse": (0, min(4, num_ws)), "middle": (min(4, num_ws), min(8, num_ws)),
            "fine": (min(8, num_ws), num_ws)}


def lrelu(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, 0.2) * GAIN


class EqualLinear(nn.Module):
    """A linear layer with equalized learning rate: weights stored N(0, 1/lr_mul²) and scaled at
    run time by lr_mul/√fan_in, so Adam's step size is the same for every layer (ProGAN)."""

    def __init__(self, in_features: int, out_features: int, bias_init: float = 0.0, lr_mul: float = 1.0,
                 activate: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / lr_mul)
        self.bias = nn.Parameter(torch.full((out_features,), float(bias_init) / lr_mul))
        self.scale, self.lr_mul, self.activate = lr_mul / math.sqrt(in_features), lr_mul, activate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)
        return lrelu(out) if self.activate else out


class EqualConv2d(nn.Module):
    """A convolution with equalized learning rate (same padding)."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        self.scale, self.padding = 1 / math.sqrt(in_channels * kernel * kernel), kernel // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.padding)


class ModulatedConv2d(nn.Module):
    """StyleGAN2's modulated convolution. A style s = A(w) (N, C_in), biased to 1 at init, scales
    the weights' input channels per sample; with ``demodulate`` each output channel is divided by
    the norm of its scaled weights, so for unit-variance, independent inputs the outputs have unit
    variance again (Eq. 1–3 of the paper). ``up`` doubles the input's size first."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, w_dim: int, demodulate: bool = True,
                 up: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel, kernel))
        self.affine = EqualLinear(w_dim, in_channels, bias_init=1.0)
        self.scale, self.padding = 1 / math.sqrt(in_channels * kernel * kernel), kernel // 2
        self.demodulate, self.up = demodulate, up

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        style = self.affine(w)                                   # (N, C_in)
        weight = self.weight * self.scale
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = x * style[:, :, None, None]
        if len(x) > 1:
            # Channels-last lets oneDNN (CPU) and cuDNN pick faster kernels for a batch: 24 faces on 2 CPU
            # cores take 394 ms instead of 684; a single image gains nothing (bench/stylegan_speed.py).
            x, weight = x.contiguous(memory_format=torch.channels_last), weight.contiguous(
                memory_format=torch.channels_last)
        out = F.conv2d(x, weight, padding=self.padding)
        if self.demodulate:
            # ‖w'_o‖² = Σ_i s_i² Σ_k w_oik²: one (N, C_in) × (C_in, C_out) product.
            norm = style.square() @ weight.square().sum((2, 3)).t()
            out = out * torch.rsqrt(norm + 1e-8)[:, :, None, None]
        return out


class SynthesisLayer(nn.Module):
    """Modulated 3×3 conv, then per-pixel noise × a learned strength (0 at init), bias, leaky ReLU."""

    def __init__(self, in_channels: int, out_channels: int, w_dim: int, resolution: int, up: bool = False) -> None:
        super().__init__()
        self.conv = ModulatedConv2d(in_channels, out_channels, 3, w_dim, up=up)
        self.noise_strength = nn.Parameter(torch.zeros(()))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.resolution = resolution
        # A fixed noise image for noise_mode="const" (saved with the weights: reproducible anywhere).
        self.register_buffer("noise_const", torch.randn(resolution, resolution,
                                                        generator=torch.Generator().manual_seed(resolution)))

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise_mode: NoiseMode = "random",
                rng: Noise = None) -> torch.Tensor:
        x = self.conv(x, w)
        if noise_mode == "random":
            shape = (1, self.resolution, self.resolution)
            if isinstance(rng, (list, tuple)):   # one generator per image: an image's noise ignores its batch
                noise = torch.stack([torch.randn(shape, generator=g).to(x.device) for g in rng])
            else:
                noise = torch.randn(len(x), *shape, device=x.device, generator=rng)
            x = x + noise * self.noise_strength
        elif noise_mode == "const":
            x = x + self.noise_const * self.noise_strength
        return lrelu(x + self.bias[:, None, None])


class ToRGB(nn.Module):
    """Modulated 1×1 conv to RGB, not demodulated (StyleGAN2)."""

    def __init__(self, in_channels: int, w_dim: int) -> None:
        super().__init__()
        self.conv = ModulatedConv2d(in_channels, 3, 1, w_dim, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(3))

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return self.conv(x, w) + self.bias[:, None, None]


class SynthesisBlock(nn.Module):
    """One resolution of the skip generator: (upsampling) conv, conv, RGB; the 4² block starts
    from the learned constant and has one conv."""

    def __init__(self, in_channels: int, out_channels: int, w_dim: int, resolution: int) -> None:
        super().__init__()
        self.first = resolution == 4
        if self.first:
            self.const = nn.Parameter(torch.randn(out_channels, 4, 4))
            self.layers = nn.ModuleList([SynthesisLayer(out_channels, out_channels, w_dim, 4)])
        else:
            self.layers = nn.ModuleList([SynthesisLayer(in_channels, out_channels, w_dim, resolution, up=True),
                                         SynthesisLayer(out_channels, out_channels, w_dim, resolution)])
        self.to_rgb = ToRGB(out_channels, w_dim)

    @property
    def num_ws(self) -> int:
        """Styles this block reads: its convs' and its RGB layer's."""
        return len(self.layers) + 1

    def forward(self, x: torch.Tensor | None, rgb: torch.Tensor | None, ws: torch.Tensor,
                noise_mode: NoiseMode, rng: Noise) -> tuple[torch.Tensor, torch.Tensor]:
        if self.first:
            x = self.const.unsqueeze(0).expand(len(ws), -1, -1, -1)
        for i, layer in enumerate(self.layers):
            x = layer(x, ws[:, i], noise_mode, rng)
        y = self.to_rgb(x, ws[:, len(self.layers)])
        if rgb is not None:
            y = y + F.interpolate(rgb, scale_factor=2, mode="bilinear", align_corners=False)
        return x, y


class MappingNetwork(nn.Module):
    """z → w: pixel norm (z / RMS(z)), then ``layers`` equalized FC layers with leaky ReLU at a
    hundredth of the learning rate (StyleGAN's lr_mul = 0.01)."""

    def __init__(self, z_dim: int, w_dim: int, layers: int, lr_mul: float) -> None:
        super().__init__()
        dims = [z_dim] + [w_dim] * layers
        self.net = nn.Sequential(*[EqualLinear(a, b, lr_mul=lr_mul, activate=True) for a, b in zip(dims, dims[1:])])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = z * torch.rsqrt(z.square().mean(1, keepdim=True) + 1e-8)
        return self.net(z)


class Generator(Configurable, nn.Module):
    """The StyleGAN2 generator (see the module docstring)."""

    def __init__(self, z_dim: int = 256, w_dim: int = 256, resolution: int = 64, channel_base: int = 4096,
                 channel_max: int = 256, mapping_layers: int = 8, mapping_lr_mul: float = 0.01,
                 w_avg_beta: float = 0.995) -> None:
        super().__init__()
        if resolution < 4 or resolution & (resolution - 1):
            raise ValueError(f"resolution must be a power of two ≥ 4, got {resolution}")
        self.z_dim, self.w_dim, self.resolution, self.w_avg_beta = z_dim, w_dim, resolution, w_avg_beta
        self.mapping = MappingNetwork(z_dim, w_dim, mapping_layers, mapping_lr_mul)
        sizes = [2 ** k for k in range(2, int(math.log2(resolution)) + 1)]
        blocks, previous = [], 0
        for size in sizes:
            channels = channels_at(size, channel_base, channel_max)
            blocks.append(SynthesisBlock(previous, channels, w_dim, size))
            previous = channels
        self.blocks = nn.ModuleList(blocks)
        # Block b reads styles starting where block b−1's convs ended (its RGB style is shared).
        self.starts, start = [], 0
        for block in self.blocks:
            self.starts.append(start)
            start += len(block.layers)
        self.num_ws = start + 1
        self.register_buffer("w_avg", torch.zeros(w_dim))

    def mapping_ws(self, z: torch.Tensor, psi: float = 1.0, cutoff: int | None = None) -> torch.Tensor:
        """z (N, z_dim) → styles (N, num_ws, w_dim), truncated towards ``w_avg`` by ψ for the
        styles before ``cutoff`` (None: all). In training mode, updates ``w_avg``."""
        w = self.mapping(z)
        if self.training:
            with torch.no_grad():
                self.w_avg.lerp_(w.detach().mean(0), 1 - self.w_avg_beta)
        ws = w.unsqueeze(1).repeat(1, self.num_ws, 1)
        return self.truncate(ws, psi, cutoff)

    def truncate(self, ws: torch.Tensor, psi: float = 1.0, cutoff: int | None = None) -> torch.Tensor:
        """ws (N, num_ws, w_dim) with w ← w_avg + ψ(w − w_avg) for the styles before ``cutoff``."""
        if psi == 1:
            return ws
        cutoff = self.num_ws if cutoff is None else cutoff
        ws = ws.clone()
        ws[:, :cutoff] = self.w_avg.lerp(ws[:, :cutoff], psi)
        return ws

    def synthesis(self, ws: torch.Tensor, noise_mode: NoiseMode = "random", rng: Noise = None) -> torch.Tensor:
        """Styles (N, num_ws, w_dim) → images (N, 3, R, R), nominally in [-1, 1]. ``rng`` draws the
        noise for ``noise_mode="random"`` (see `Noise`)."""
        if noise_mode not in NOISE_MODES:
            raise ValueError(f"noise_mode must be one of {', '.join(NOISE_MODES)}, got {noise_mode!r}")
        x = rgb = None
        for block, start in zip(self.blocks, self.starts):
            x, rgb = block(x, rgb, ws[:, start:start + block.num_ws], noise_mode, rng)
        return rgb

    def forward(self, z: torch.Tensor, psi: float = 1.0, cutoff: int | None = None, noise_mode: NoiseMode = "random",
                rng: Noise = None) -> torch.Tensor:
        return self.synthesis(self.mapping_ws(z, psi, cutoff), noise_mode, rng)

    def style_weights(self) -> torch.Tensor:
        """The affine layers' weights of every modulated convolution, each normalised as SeFa does,
        stacked along the style inputs: (Σ C_in, w_dim). SeFa's directions are the top
        eigenvectors of AᵀA."""
        mats = [m.affine.weight * m.affine.scale for m in self.modules() if isinstance(m, ModulatedConv2d)]
        return torch.cat([a / a.norm(dim=1, keepdim=True) for a in mats])


class DiscriminatorBlock(nn.Module):
    """Residual block: two 3×3 convs then 2× average pooling, beside a pooled 1×1 skip; summed and
    scaled by 1/√2 (StyleGAN2's residual discriminator)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv0 = EqualConv2d(in_channels, in_channels, 3)
        self.conv1 = EqualConv2d(in_channels, out_channels, 3)
        self.skip = EqualConv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = self.skip(F.avg_pool2d(x, 2))
        x = F.avg_pool2d(lrelu(self.conv1(lrelu(self.conv0(x)))), 2)
        return (x + skip) / math.sqrt(2)


class Discriminator(Configurable, nn.Module):
    """Residual discriminator: RGB (N, 3, R, R) in [-1, 1] → logits (N,). Ends with ProGAN's
    minibatch standard deviation over groups of ``mbstd_group`` images, a 3×3 conv and two FC layers."""

    def __init__(self, resolution: int = 64, channel_base: int = 4096, channel_max: int = 256,
                 mbstd_group: int = 4) -> None:
        super().__init__()
        self.mbstd_group = mbstd_group
        self.from_rgb = EqualConv2d(3, channels_at(resolution, channel_base, channel_max), 1)
        blocks, size = [], resolution
        while size > 4:
            blocks.append(DiscriminatorBlock(channels_at(size, channel_base, channel_max),
                                             channels_at(size // 2, channel_base, channel_max)))
            size //= 2
        self.blocks = nn.Sequential(*blocks)
        channels = channels_at(4, channel_base, channel_max)
        self.conv = EqualConv2d(channels + 1, channels, 3)
        self.fc = EqualLinear(channels * 16, channels, activate=True)
        self.out = EqualLinear(channels, 1)

    def minibatch_stddev(self, x: torch.Tensor) -> torch.Tensor:
        """Append one channel: the mean over features of the standard deviation within each group
        of consecutive images (the whole batch when it does not divide into groups). Consecutive,
        not strided as in StyleGAN2's code: the shared loop scores real and fake images in one
        batch, [reals, fakes], and a group must not mix the two."""
        n, c, h, w = x.shape
        group = min(self.mbstd_group, n) if n % min(self.mbstd_group, n) == 0 else n
        y = x.reshape(-1, group, c, h, w)
        y = (y.var(1, unbiased=False) + 1e-8).sqrt().mean((1, 2, 3))      # (N / group,)
        y = y.repeat_interleave(group).reshape(-1, 1, 1, 1).expand(-1, 1, h, w)
        return torch.cat([x, y], 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.blocks(lrelu(self.from_rgb(x)))
        x = lrelu(self.conv(self.minibatch_stddev(x)))
        return self.out(self.fc(x.flatten(1))).squeeze(1)


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """Generator output in [-1, 1] → [0, 1], clamped."""
    return images.add(1).div(2).clamp(0, 1)
