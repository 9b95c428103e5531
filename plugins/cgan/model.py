"""Conditional DCGAN for 28×28 images (Mirza & Osindero 2014; Radford et al. 2016), with a
projection discriminator (Miyato & Koyama 2018) and optional spectral norm (Miyato et al. 2018).

G(z, y): [z, embed(y)] -> linear -> (2c, 7, 7) -> up 14 -> up 28, batch norm + ReLU, tanh out.
D(x, y): strided convs with LeakyReLU (no batch norm, so WGAN-GP's per-sample penalty holds),
then ψ(h) + <embed(y), h>. Images are (N, 1, 28, 28) in [-1, 1] inside the model; callers
use `to_unit` for [0, 1].
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from genhub.config import Configurable


def to_unit(x: torch.Tensor) -> torch.Tensor:
    """Generator output in [-1, 1] -> pixels in [0, 1]."""
    return (x.float() + 1).mul_(0.5).clamp_(0, 1)


def from_unit(x: torch.Tensor) -> torch.Tensor:
    """Pixels in [0, 1] -> the model's [-1, 1]."""
    return x * 2 - 1


class Generator(nn.Module):
    def __init__(self, z_dim: int = 64, classes: int = 10, embed_dim: int = 32, channels: int = 64) -> None:
        """``z_dim``: noise size; ``classes``: labels 0..classes-1; ``channels``: width c of the
        14×14 stage (the 7×7 stage has 2c)."""
        super().__init__()
        c = channels
        self.z_dim, self.classes = z_dim, classes
        self.embed = nn.Embedding(classes, embed_dim)
        self.project = nn.Sequential(nn.Linear(z_dim + embed_dim, 2 * c * 49, bias=False),
                                     nn.BatchNorm1d(2 * c * 49), nn.ReLU(inplace=True))
        self.body = nn.Sequential(
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True),  # 14×14
            nn.ConvTranspose2d(c, 1, 4, 2, 1), nn.Tanh(),                                                    # 28×28
        )
        self.channels = c

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """z (N, z_dim), y (N,) int64 -> images (N, 1, 28, 28) in [-1, 1]."""
        h = self.project(torch.cat([z, self.embed(y)], dim=1))
        return self.body(h.view(len(z), 2 * self.channels, 7, 7))


class Discriminator(nn.Module):
    def __init__(self, classes: int = 10, channels: int = 32, spectral: bool = False,
                 aux_classifier: bool = False) -> None:
        """``channels``: width c of the 14×14 stage (then 2c at 7×7, 4c at 4×4);
        ``spectral``: spectral-normalize every weight (SNGAN);
        ``aux_classifier``: also predict the class from the same features (AC-GAN's head),
        a training signal that sharpens class identity; the realness logit does not use it."""
        super().__init__()
        c = channels
        norm = spectral_norm if spectral else (lambda m: m)
        self.body = nn.Sequential(
            norm(nn.Conv2d(1, c, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),            # 14×14
            norm(nn.Conv2d(c, 2 * c, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),        # 7×7
            norm(nn.Conv2d(2 * c, 4 * c, 3, 2, 1)), nn.LeakyReLU(0.2, inplace=True),    # 4×4
            nn.Flatten(),
        )
        features = 4 * c * 16
        self.linear = norm(nn.Linear(features, 1))
        self.embed = norm(nn.Embedding(classes, features))
        self.classify = norm(nn.Linear(features, classes)) if aux_classifier else None

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """x (N, 1, 28, 28) in [-1, 1], y (N,) -> one realness logit per image (N,)."""
        return self.realness_and_classes(x, y)[0]

    def realness_and_classes(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """As `forward`, plus the auxiliary class logits (N, classes), None without the head."""
        h = self.body(x)
        logit = self.linear(h).squeeze(1) + (self.embed(y) * h).sum(1)
        return logit, (self.classify(h) if self.classify is not None else None)


class ConditionalGAN(Configurable, nn.Module):
    """What the weights file holds: the generator (its EMA weights) and the discriminator,
    which ranks samples for "best of N"."""

    def __init__(self, z_dim: int = 64, classes: int = 10, embed_dim: int = 32, g_channels: int = 64,
                 d_channels: int = 32, spectral: bool = False, aux_classifier: bool = False) -> None:
        super().__init__()
        self.generator = Generator(z_dim, classes, embed_dim, g_channels)
        self.discriminator = Discriminator(classes, d_channels, spectral, aux_classifier)

    @property
    def z_dim(self) -> int:
        return self.generator.z_dim

    @property
    def classes(self) -> int:
        return self.generator.classes
