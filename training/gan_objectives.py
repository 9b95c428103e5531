"""The GAN objectives of the seed texts, as (discriminator loss, generator loss) on logits.

=================  ==============================================================  ==========
name               losses                                                           paper
=================  ==============================================================  ==========
``minimax``        D: −log D(x) − log(1 − D(G(z)));  G: log(1 − D(G(z)))           Goodfellow 2014
``nonsaturating``  D: as minimax;  G: −log D(G(z))                                   Goodfellow 2014
``lsgan``          D: ½(D(x) − 1)² + ½D(G(z))²;  G: ½(D(G(z)) − 1)²                  Mao 2017
``wgan``           D: D(G(z)) − D(x), weights clipped to ±c;  G: −D(G(z))            Arjovsky 2017
``wgan-gp``        D: as wgan + λ(‖∇D(x̂)‖ − 1)² on interpolates x̂;  G: −D(G(z))      Gulrajani 2017
``hinge``          D: max(0, 1 − D(x)) + max(0, 1 + D(G(z)));  G: −D(G(z)); + SN in D  Miyato 2018
=================  ==============================================================  ==========

Each `Objective` also carries the optimizer settings its paper uses, so a comparison run with
the same architecture and step budget gives every objective a fair start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Objective:
    name: str
    d_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    """(D logits on real (N,), on fake (N,)) -> scalar."""
    g_loss: Callable[[torch.Tensor], torch.Tensor]
    """(D logits on fake (N,)) -> scalar."""
    optimizer: str = "adam"
    lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    d_steps: int = 1
    """Discriminator steps per generator step (K)."""
    spectral_norm: bool = False
    clip: float | None = None
    """WGAN: clip every discriminator weight to [−clip, clip] after each of its steps."""
    gradient_penalty: float = 0.0
    """WGAN-GP: λ of the penalty on interpolates."""


def _bce_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-real).mean() + F.softplus(fake).mean()  # −log σ(r) − log(1 − σ(f))


OBJECTIVES: dict[str, Objective] = {o.name: o for o in (
    Objective("minimax", _bce_d, lambda fake: -F.softplus(fake).mean()),  # log(1 − σ(f))
    Objective("nonsaturating", _bce_d, lambda fake: F.softplus(-fake).mean()),
    Objective("lsgan", lambda r, f: 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f ** 2).mean(),
              lambda f: 0.5 * ((f - 1) ** 2).mean()),
    Objective("wgan", lambda r, f: f.mean() - r.mean(), lambda f: -f.mean(),
              optimizer="rmsprop", lr=5e-5, d_steps=5, clip=0.01),
    Objective("wgan-gp", lambda r, f: f.mean() - r.mean(), lambda f: -f.mean(),
              lr=1e-4, betas=(0.0, 0.9), d_steps=5, gradient_penalty=10.0),
    Objective("hinge", lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean(), lambda f: -f.mean(),
              lr=2e-4, betas=(0.0, 0.9), spectral_norm=True),
)}


def gradient_penalty(critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor,
                     fake: torch.Tensor, rng: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP: mean over the batch of (‖∇ₓ critic(x̂)‖₂ − 1)², x̂ = εx + (1 − ε)x̃, ε ~ U[0, 1] per image,
    drawn from ``rng`` (None: torch's global generator)."""
    eps = torch.rand(len(real), *([1] * (real.ndim - 1)), device=real.device, generator=rng)
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def make_optimizer(objective: Objective, params, lr: float | None = None,
                   betas: tuple[float, float] | None = None) -> torch.optim.Optimizer:
    """The objective's optimizer; ``lr`` and (Adam's) ``betas`` override its own when given."""
    lr = lr or objective.lr
    if objective.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, betas=betas or objective.betas)
