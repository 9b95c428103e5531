"""CycleGAN (Zhu et al. 2017): two ResNet generators and two PatchGAN discriminators.

Generator (Johnson et al. 2016, as CycleGAN's ``resnet_Nblocks``): reflection-padded 7×7 conv,
two stride-2 convs (c → 2c → 4c), ``blocks`` residual blocks at 4c, two transposed convs back,
7×7 conv and tanh; instance norm throughout. Fully convolutional: any height and width that are
multiples of `MULTIPLE` map to the same size (`genhub.plugins.cyclegan.translate` pads to it).

Discriminator: the 70×70 PatchGAN (Isola et al. 2017): 4×4 convs, stride 2 three times then 1,
LeakyReLU 0.2, instance norm but on the first layer; one realness score per overlapping patch.

Images are (N, 3, H, W) in [-1, 1] inside the model; drawings are grey, stored in all three
channels so both domains share one shape (and the identity loss is defined).
"""

from __future__ import annotations

import torch
from torch import nn

from genhub.config import Configurable

MULTIPLE = 4
"""Generators take heights and widths divisible by this (two stride-2 downsamplings)."""


def to_unit(x: torch.Tensor) -> torch.Tensor:
    """Model range [-1, 1] -> pixels in [0, 1]."""
    return (x.float() + 1).mul_(0.5).clamp_(0, 1)


def from_unit(x: torch.Tensor) -> torch.Tensor:
    """Pixels in [0, 1] -> the model's [-1, 1]."""
    return x * 2 - 1


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), nn.InstanceNorm2d(channels), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), nn.InstanceNorm2d(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ResnetGenerator(nn.Module):
    def __init__(self, channels: int = 3, width: int = 32, blocks: int = 6) -> None:
        """``channels``: image channels in and out; ``width``: c, the channels of the full-size
        stage (4c at a quarter size, where the ``blocks`` residual blocks work)."""
        super().__init__()
        c = width
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(channels, c, 7), nn.InstanceNorm2d(c),
                                   nn.ReLU(True)]
        for k in (1, 2):                                                                 # H/2, then H/4
            layers += [nn.Conv2d(c * k, c * 2 * k, 3, 2, 1), nn.InstanceNorm2d(c * 2 * k), nn.ReLU(True)]
        layers += [ResidualBlock(4 * c) for _ in range(blocks)]
        for k in (4, 2):                                                                 # H/2, then H
            layers += [nn.ConvTranspose2d(c * k, c * k // 2, 3, 2, 1, output_padding=1),
                       nn.InstanceNorm2d(c * k // 2), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(c, channels, 7), nn.Tanh()]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, C, H, W) in [-1, 1], H and W multiples of `MULTIPLE` -> (N, C, H, W) in [-1, 1]."""
        if x.shape[-1] % MULTIPLE or x.shape[-2] % MULTIPLE:
            raise ValueError(f"the generator takes sides divisible by {MULTIPLE}, got {tuple(x.shape[-2:])}")
        return self.body(x)


class PatchDiscriminator(nn.Module):
    def __init__(self, channels: int = 3, width: int = 64, layers: int = 3) -> None:
        """``layers`` stride-2 convs after the first (3: the 70×70 PatchGAN); widths c, 2c, 4c, 8c (capped)."""
        super().__init__()
        c = width
        body: list[nn.Module] = [nn.Conv2d(channels, c, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        now = c
        for i in range(1, layers + 1):
            nxt = c * min(2 ** i, 8)
            body += [nn.Conv2d(now, nxt, 4, 2 if i < layers else 1, 1), nn.InstanceNorm2d(nxt), nn.LeakyReLU(0.2, True)]
            now = nxt
        body += [nn.Conv2d(now, 1, 4, 1, 1)]
        self.body = nn.Sequential(*body)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, C, H, W) in [-1, 1] -> patch scores (N, P), one per overlapping patch."""
        return self.body(x).flatten(1)


class CycleGAN(Configurable, nn.Module):
    """What the weights file holds: the two generators. ``face_to_drawing`` is G: A → B,
    ``drawing_to_face`` is F: B → A. The discriminators stay in the training checkpoint."""

    def __init__(self, width: int = 32, blocks: int = 6, channels: int = 3) -> None:
        super().__init__()
        self.face_to_drawing = ResnetGenerator(channels, width, blocks)
        self.drawing_to_face = ResnetGenerator(channels, width, blocks)

    def generator(self, direction: str) -> ResnetGenerator:
        """``"a2b"`` (face → drawing) or ``"b2a"`` (drawing → face)."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
        return self.face_to_drawing if direction == "a2b" else self.drawing_to_face


DIRECTIONS = ("a2b", "b2a")


class Discriminators(nn.Module):
    """D_A judges domain A (faces), D_B domain B (drawings); `forward` routes each image by its domain."""

    def __init__(self, channels: int = 3, width: int = 64, layers: int = 3) -> None:
        super().__init__()
        self.a = PatchDiscriminator(channels, width, layers)
        self.b = PatchDiscriminator(channels, width, layers)

    def forward(self, images: torch.Tensor, domain: torch.Tensor) -> torch.Tensor:
        """images (N, C, H, W), domain (N,) of 0 (A) / 1 (B) -> patch scores (N, P)."""
        is_b = domain.bool()
        scores = [self.a(images[~is_b]), self.b(images[is_b])]
        out = images.new_empty(len(images), max(s.shape[1] for s in scores if len(s)) if len(images) else 0)
        out[~is_b], out[is_b] = scores[0], scores[1]
        return out
