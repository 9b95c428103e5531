"""Variational autoencoder (Kingma & Welling 2014) for 28×28 binarized digits.

q(z|x) = N(μ(x), diag σ²(x)) from the encoder, z = μ + σ·ε with ε ~ N(0, I)
(reparameterization), prior p(z) = N(0, I), Bernoulli decoder p(x|z) with logits from the
decoder. Images are ``(B, 1, 28, 28)`` floats in [0, 1]; all log-likelihoods are in nats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from genhub.config import Configurable

LOG_2PI = math.log(2 * math.pi)


class MLPEncoder(nn.Module):
    def __init__(self, in_features: int, hidden_dims: Sequence[int], latent_dim: int) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        width = in_features
        for h in hidden_dims:
            layers += [nn.Linear(width, h), nn.ELU()]
            width = h
        layers.append(nn.Linear(width, 2 * latent_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 1, 28, 28) -> (B, 2·d)
        return self.net(x)


class MLPDecoder(nn.Module):
    def __init__(self, latent_dim: int, hidden_dims: Sequence[int], image_shape: tuple[int, int, int]) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = latent_dim
        for h in reversed(hidden_dims):
            layers += [nn.Linear(width, h), nn.ELU()]
            width = h
        layers += [nn.Linear(width, math.prod(image_shape)), nn.Unflatten(1, image_shape)]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:  # (B, d) -> logits (B, 1, 28, 28)
        return self.net(z)


class ConvEncoder(nn.Module):
    """Two stride-2 stages (28 -> 14 -> 7), then a fully connected layer."""

    def __init__(self, image_channels: int, channels: int, hidden_dim: int, latent_dim: int, image_size: int) -> None:
        super().__init__()
        c = channels
        self.features = nn.Sequential(
            nn.Conv2d(image_channels, c, 3, 1, 1), nn.ELU(),
            nn.Conv2d(c, c, 4, 2, 1), nn.ELU(),            # (B, c, 14, 14)
            nn.Conv2d(c, 2 * c, 3, 1, 1), nn.ELU(),
            nn.Conv2d(2 * c, 2 * c, 4, 2, 1), nn.ELU(),    # (B, 2c, 7, 7)
            nn.Flatten(),
        )
        side = image_size // 4
        self.head = nn.Sequential(nn.Linear(2 * c * side * side, hidden_dim), nn.ELU(),
                                  nn.Linear(hidden_dim, 2 * latent_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class ConvDecoder(nn.Module):
    """Mirror of `ConvEncoder`: fully connected to (2c, 7, 7), two transposed-conv stages."""

    def __init__(self, latent_dim: int, channels: int, hidden_dim: int, image_channels: int, image_size: int) -> None:
        super().__init__()
        c, side = channels, image_size // 4
        self.fc = nn.Sequential(nn.Linear(latent_dim, hidden_dim), nn.ELU(),
                                nn.Linear(hidden_dim, 2 * c * side * side), nn.ELU(),
                                nn.Unflatten(1, (2 * c, side, side)))
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * c, 2 * c, 4, 2, 1), nn.ELU(),   # (B, 2c, 14, 14)
            nn.Conv2d(2 * c, c, 3, 1, 1), nn.ELU(),
            nn.ConvTranspose2d(c, c, 4, 2, 1), nn.ELU(),           # (B, c, 28, 28)
            nn.Conv2d(c, image_channels, 3, 1, 1),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(self.fc(z))


class VAE(Configurable, nn.Module):
    """A VAE whose constructor arguments are exactly config.json's ``"model"`` section.

    Args:
        latent_dim: dimension d of z.
        architecture: ``"mlp"`` (fully connected) or ``"conv"`` (convolutional).
        hidden_dims: widths of the MLP's hidden layers, encoder order (decoder mirrors them).
        channels: base channel count c of the conv architecture (stages use c and 2c).
        hidden_dim: width of the conv architecture's fully connected layer.
        image_size: side of the square input, divisible by 4 for ``"conv"``.
        image_channels: input channels (1 for digits).
    """

    def __init__(self, latent_dim: int = 2, architecture: str = "mlp", hidden_dims: Sequence[int] = (512, 512),
                 channels: int = 64, hidden_dim: int = 512, image_size: int = 28, image_channels: int = 1) -> None:
        super().__init__()
        if latent_dim < 1:
            raise ValueError(f"latent_dim must be >= 1, got {latent_dim}")
        self.latent_dim = latent_dim
        self.image_shape = (image_channels, image_size, image_size)
        if architecture == "mlp":
            self.encoder: nn.Module = MLPEncoder(math.prod(self.image_shape), hidden_dims, latent_dim)
            self.decoder: nn.Module = MLPDecoder(latent_dim, hidden_dims, self.image_shape)
        elif architecture == "conv":
            if image_size % 4:
                raise ValueError(f"conv architecture needs image_size divisible by 4, got {image_size}")
            self.encoder = ConvEncoder(image_channels, channels, hidden_dim, latent_dim, image_size)
            self.decoder = ConvDecoder(latent_dim, channels, hidden_dim, image_channels, image_size)
        else:
            raise ValueError(f"architecture must be 'mlp' or 'conv', got {architecture!r}")

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, 1, 28, 28) in [0, 1] -> μ (B, d), log σ² (B, d)."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar.clamp(-12.0, 8.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, d) -> Bernoulli logits (B, 1, 28, 28); ``sigmoid`` gives pixel means in [0, 1]."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One reparameterized pass: -> (logits (B, 1, 28, 28), μ (B, d), log σ² (B, d))."""
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        return self.decode(z), mu, logvar


def bernoulli_log_likelihood(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """log p(x|z) summed over pixels: (..., 1, 28, 28) -> (...). ``x`` is binary (or in [0, 1])."""
    return -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").flatten(-3).sum(-1)


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) || N(0, I)) in closed form, summed over latent dimensions: (B, d) -> (B,)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


def negative_elbo(model: nn.Module, x: torch.Tensor, beta: float = 1.0) -> dict[str, torch.Tensor]:
    """Mean over the batch of reconstruction BCE + β·KL (β = 1 is the negative ELBO), in nats."""
    logits, mu, logvar = model(x)
    reconstruction = -bernoulli_log_likelihood(logits, x)
    kl = gaussian_kl(mu, logvar)
    return {"loss": (reconstruction + beta * kl).mean(),
            "bce": reconstruction.mean().detach(), "kl": kl.mean().detach(),
            "neg_elbo": (reconstruction + kl).mean().detach()}


@torch.no_grad()
def importance_weighted_nll(model: VAE, x: torch.Tensor, k: int, chunk: int = 500,
                            generator: torch.Generator | None = None) -> torch.Tensor:
    """−log p(x) estimated with k importance samples from q(z|x) (Burda et al. 2015), per image.

    x: (B, 1, 28, 28) binary -> (B,) nats. Larger k gives a tighter (lower) bound; k = 1 is
    the negative ELBO. Samples are drawn in chunks of ``chunk`` to bound memory.
    """
    mu, logvar = model.encode(x)
    std = (0.5 * logvar).exp()
    log_weights = []
    for start in range(0, k, chunk):
        n = min(chunk, k - start)
        eps = torch.randn((n, *mu.shape), device=mu.device, generator=generator)   # (n, B, d)
        z = mu + std * eps
        logits = model.decode(z.flatten(0, 1)).unflatten(0, (n, len(x)))           # (n, B, 1, 28, 28)
        log_px_z = bernoulli_log_likelihood(logits, x)                             # (n, B)
        log_pz = -0.5 * (z.pow(2) + LOG_2PI).sum(-1)
        log_qz_x = -0.5 * (eps.pow(2) + LOG_2PI + logvar).sum(-1)
        log_weights.append(log_px_z + log_pz - log_qz_x)
    log_w = torch.cat(log_weights)                                                 # (k, B)
    return -(torch.logsumexp(log_w, dim=0) - math.log(k))
