"""The dynamic generation network: a VAE whose latent code follows learned dynamics.

A context encoder reads the first ``context_frames`` frames of a sequence and gives the
posterior q(z₀ | frames) of the latent state at time 0. The dynamics carry z₀ forward:

- ``"ode"``: a neural ODE, dz/dt = f(z), integrated by fixed-step RK4 (``torchdiffeq``) to any
  real-valued times, so frames can be asked for at irregular steps;
- ``"lstm"``: an LSTM cell that steps one frame at a time, z_{t+1} = z_t + W·h_{t+1}; between
  whole frames the latent is blended linearly from its neighbours (the LSTM knows no other times).

A shared decoder renders every latent state as a 28×28 frame (Bernoulli logits). Time is in
frames; images are (…, 1, 28, 28) with pixels in [0, 1].
"""

from __future__ import annotations

import math
from typing import Literal

import torch
from genhub.config import Configurable
from torch import nn
from torchdiffeq import odeint

IMAGE_SIZE = 28


class FrameEncoder(nn.Module):
    """(N, 1, 28, 28) in [0, 1] -> (N, features)."""

    def __init__(self, channels: int, features: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels, 4, 2, 1), nn.SiLU(),                 # 14×14
            nn.Conv2d(channels, 2 * channels, 4, 2, 1), nn.SiLU(),      # 7×7
            nn.Flatten(), nn.Linear(2 * channels * 49, features), nn.SiLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class FrameDecoder(nn.Module):
    """(N, latent_dim) -> Bernoulli logits (N, 1, 28, 28)."""

    def __init__(self, latent_dim: int, channels: int) -> None:
        super().__init__()
        self.channels = channels
        self.project = nn.Sequential(nn.Linear(latent_dim, 2 * channels * 49), nn.SiLU())
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * channels, channels, 4, 2, 1), nn.SiLU(),   # 14×14
            nn.Conv2d(channels, channels, 3, 1, 1), nn.SiLU(),
            nn.ConvTranspose2d(channels, 1, 4, 2, 1))                          # 28×28

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(self.project(z).view(len(z), 2 * self.channels, 7, 7))


class ODEField(nn.Module):
    """The vector field f(z) of dz/dt = f(z); autonomous (time-invariant)."""

    def __init__(self, latent_dim: int, hidden: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, latent_dim))

    def forward(self, t: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class LSTMStepper(nn.Module):
    """z_{t+1} = z_t + W·h_{t+1}, (h_{t+1}, c_{t+1}) = LSTMCell(z_t, (h_t, c_t)); (h₀, c₀) from z₀."""

    def __init__(self, latent_dim: int, hidden: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.start = nn.Linear(latent_dim, 2 * hidden)
        self.cell = nn.LSTMCell(latent_dim, hidden)
        self.out = nn.Linear(hidden, latent_dim)

    def forward(self, z0: torch.Tensor, steps: int) -> torch.Tensor:
        """z0 (N, D) -> (N, steps + 1, D): the state at frames 0, 1, …, steps."""
        h, c = torch.tanh(self.start(z0)).split(self.hidden, dim=1)
        z, states = z0, [z0]
        for _ in range(steps):
            h, c = self.cell(z, (h, c))
            z = z + self.out(h)
            states.append(z)
        return torch.stack(states, 1)


class DynamicsVAE(Configurable, nn.Module):
    """Context encoder, latent dynamics and frame decoder (see the module docstring)."""

    def __init__(self, dynamics: Literal["ode", "lstm"] = "ode", latent_dim: int = 16, channels: int = 32,
                 features: int = 256, hidden: int = 128, context_frames: int = 3,
                 solver_step: float = 0.25) -> None:
        """``dynamics``: "ode" or "lstm"; ``latent_dim``: size of z; ``channels``: width of the
        convolutions; ``features``: per-frame encoder features; ``hidden``: width of the ODE's
        field or the LSTM's state; ``context_frames``: frames read to infer z₀ (at times 0, 1, …);
        ``solver_step``: the RK4 step in frames (ODE only)."""
        super().__init__()
        if dynamics not in ("ode", "lstm"):
            raise ValueError(f"dynamics must be 'ode' or 'lstm', got {dynamics!r}")
        if context_frames < 1 or latent_dim < 2 or not 0 < solver_step <= 1:
            raise ValueError("need context_frames ≥ 1, latent_dim ≥ 2 and 0 < solver_step ≤ 1")
        self.dynamics, self.latent_dim, self.context_frames = dynamics, latent_dim, context_frames
        self.solver_step = solver_step
        self.frame_encoder = FrameEncoder(channels, features)
        self.posterior = nn.Sequential(nn.Linear(context_frames * features, features), nn.SiLU(),
                                       nn.Linear(features, 2 * latent_dim))
        self.field = ODEField(latent_dim, hidden) if dynamics == "ode" else None
        self.stepper = LSTMStepper(latent_dim, hidden) if dynamics == "lstm" else None
        self.decoder = FrameDecoder(latent_dim, channels)

    def encode(self, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """context (N, context_frames, 1, 28, 28) in [0, 1], the frames at times 0, 1, … ->
        (mean, log-variance) of q(z₀ | context), each (N, latent_dim)."""
        n, k = context.shape[:2]
        if k != self.context_frames:
            raise ValueError(f"the encoder reads {self.context_frames} context frames, got {k}")
        features = self.frame_encoder(context.reshape(n * k, *context.shape[2:])).reshape(n, -1)
        mean, log_var = self.posterior(features).chunk(2, dim=1)
        return mean, log_var.clamp(-12, 6)

    def trajectory(self, z0: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        """z0 (N, D) and times (F,) in frames, ascending, ≥ 0 -> latent states (N, F, D)."""
        times = times.to(z0)
        if times.ndim != 1 or len(times) == 0 or bool((times < 0).any()) or bool((times.diff() < 0).any()):
            raise ValueError("times must be a non-empty ascending 1-D tensor of non-negative frame times")
        if self.field is not None:
            # odeint starts at the first time given: integrate from 0 and drop it when not asked for.
            from_zero = times[0] > 0
            grid = torch.cat([times.new_zeros(1), times]) if from_zero else times
            if len(grid) == 1:
                return z0[:, None]
            states = odeint(self.field, z0, grid, method="rk4", options={"step_size": self.solver_step})
            return states[1:].transpose(0, 1) if from_zero else states.transpose(0, 1)
        steps = math.ceil(float(times[-1]))
        states = self.stepper(z0, steps)                                   # (N, steps + 1, D)
        low = times.floor().long().clamp(max=steps)
        high = (low + 1).clamp(max=steps)
        weight = (times - low.to(times))[None, :, None]
        return torch.lerp(states[:, low], states[:, high], weight)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent states (..., D) -> Bernoulli logits (..., 1, 28, 28)."""
        lead = z.shape[:-1]
        return self.decoder(z.reshape(-1, self.latent_dim)).reshape(*lead, 1, IMAGE_SIZE, IMAGE_SIZE)

    def forward(self, context: torch.Tensor, times: torch.Tensor, z0: torch.Tensor | None = None) -> torch.Tensor:
        """Frames at ``times`` (N, F, 1, 28, 28) in [0, 1] from the posterior mean of z₀ (or the
        ``z0`` given)."""
        if z0 is None:
            z0 = self.encode(context)[0]
        return torch.sigmoid(self.decode(self.trajectory(z0, times)))


def negative_elbo(model: DynamicsVAE, frames: torch.Tensor, beta: float = 1.0,
                  decoded_frames: int | None = None, consistency: float = 0.0) -> dict[str, torch.Tensor]:
    """frames (N, F, 1, 28, 28) in [0, 1] at times 0, 1, …, F-1, the first ``context_frames`` of
    them read by the encoder -> {"loss": (reconstruction + β·KL) / F, averaged over the batch,
    "reconstruction" (per frame), "kl"}, in nats (Bernoulli cross-entropy, grey levels as targets).

    ``decoded_frames``: decode only this many frames, drawn at random (torch's global generator),
    and scale their sum to all F frames: an unbiased estimate at a fraction of the decoder's cost.

    ``consistency``: weight of a penalty that keeps the rolled-out state on the encoder's
    manifold: for one random later window per sequence (frames s … s + context_frames - 1), the
    squared distance between the state at time s and the encoder's posterior mean of that window
    (added as "consistency", in squared latent units).
    """
    mean, log_var = model.encode(frames[:, :model.context_frames])
    z0 = mean + torch.randn_like(mean) * (0.5 * log_var).exp()
    count = frames.shape[1]
    times = torch.arange(count, dtype=frames.dtype, device=frames.device)
    states = model.trajectory(z0, times)                                      # (N, F, D)
    drift = torch.zeros((), device=frames.device)
    if consistency > 0 and count > model.context_frames:
        rows = torch.arange(len(frames), device=frames.device)
        start = torch.randint(1, count - model.context_frames + 1, (len(frames),)).to(frames.device)
        window = frames[rows[:, None], start[:, None] + torch.arange(model.context_frames, device=frames.device)]
        drift = (states[rows, start] - model.encode(window)[0]).pow(2).sum(1).mean()
    if decoded_frames is not None and decoded_frames < count:
        chosen = torch.randperm(count)[:decoded_frames].sort().values.to(frames.device)
        states, frames = states[:, chosen], frames[:, chosen]
    logits = model.decode(states)
    reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, frames, reduction="none")
    reconstruction = reconstruction.flatten(1).sum(1) * (count / frames.shape[1])   # (N,), all F frames
    kl = 0.5 * (mean.pow(2) + log_var.exp() - 1 - log_var).sum(1)
    return {"loss": ((reconstruction + beta * kl) / count).mean() + consistency * drift,
            "reconstruction": (reconstruction / count).mean(), "kl": kl.mean(), "consistency": drift}
