"""The planner: a conditional VAE (Kingma et al. 2014; Sohn et al. 2015) over whole-word plans,
and `PlannedWaveNet`, the planner and a vocoder WaveNet as one model.

A plan is ``frames`` log-mel frames (`genhub.plugins.wavenet.plan`; 80 frames = 1 s). The
encoder reads a plan into a posterior over ``latent`` dimensions; the decoder draws the plan
back from a latent, the digit and the speaker, coarse to fine (frames/8 -> frames, doubling).
A new word is the decoder's plan for a standard-normal latent: the latent carries what the
digit and speaker do not (timing, pitch, loudness), so different seeds say the digit differently.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genhub.config import Configurable
from genhub.plugins.wavenet.model import WaveNet, label_condition


class ResidualConv(nn.Module):
    """x + conv(act(conv(act(x)))) over frames, with the condition added in between."""

    def __init__(self, channels: int, condition_dim: int) -> None:
        super().__init__()
        self.first = nn.Conv1d(channels, channels, 5, padding=2)
        self.condition = nn.Linear(condition_dim, channels)
        self.second = nn.Conv1d(channels, channels, 5, padding=2)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        h = self.first(F.gelu(x)) + self.condition(c)[:, :, None]
        return x + self.second(F.gelu(h))


class MelPlanner(Configurable, nn.Module):
    """Plans (N, mels, frames) <-> latents (N, latent), conditioned on the digit and speaker
    (index ``digits`` / ``speakers``: unspecified, as for `WaveNet.condition`)."""

    def __init__(self, mels: int = 40, frames: int = 80, latent: int = 16, channels: int = 128, digits: int = 10,
                 speakers: int = 6, embed_dim: int = 32) -> None:
        super().__init__()
        if frames % 8:
            raise ValueError(f"frames must be a multiple of 8, got {frames}")
        self.mels, self.frames, self.latent = mels, frames, latent
        self.digits, self.speakers = digits, speakers
        self.digit_embed = nn.Embedding(digits + 1, embed_dim)
        self.speaker_embed = nn.Embedding(speakers + 1, embed_dim)
        c, cond = channels, 2 * embed_dim
        # The encoder is told the digit and speaker too, so the latent need not carry them: the
        # decoder must take them from its condition, and a drawn latent cannot override them.
        self.encoder = nn.Sequential(
            nn.Conv1d(mels + cond, c, 5, padding=2), nn.GELU(),
            nn.Conv1d(c, c, 4, stride=2, padding=1), nn.GELU(),
            nn.Conv1d(c, c, 4, stride=2, padding=1), nn.GELU(),
            nn.Conv1d(c, c, 4, stride=2, padding=1), nn.GELU(),
            nn.Flatten(), nn.Linear(c * frames // 8, 2 * latent))
        self.start = nn.Linear(latent + cond, c * frames // 8)
        self.stages = nn.ModuleList(ResidualConv(c, cond) for _ in range(4))
        self.out = nn.Conv1d(c, mels, 5, padding=2)

    def condition(self, digit: torch.Tensor | None, speaker: torch.Tensor | None, batch: int,
                  device: torch.device) -> torch.Tensor:
        """(N, 2·embed_dim), as `WaveNet.condition`."""
        return label_condition(self, digit, speaker, batch, device)

    def encode(self, plan: torch.Tensor, digit: torch.Tensor | None,
               speaker: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """plan (N, mels, frames) -> posterior mean and log-variance, (N, latent) each."""
        c = self.condition(digit, speaker, len(plan), plan.device)
        mean, log_var = self.encoder(torch.cat([plan, c[:, :, None].expand(-1, -1, plan.shape[2])], 1)).chunk(2, 1)
        return mean, log_var.clamp(-12, 6)

    def decode(self, z: torch.Tensor, digit: torch.Tensor | None, speaker: torch.Tensor | None) -> torch.Tensor:
        """z (N, latent) -> plan (N, mels, frames)."""
        c = self.condition(digit, speaker, len(z), z.device)
        x = self.start(torch.cat([z, c], dim=1)).view(len(z), -1, self.frames // 8)
        for i, stage in enumerate(self.stages):
            if i:  # the first stage works at frames / 8, each later one at twice the last
                x = F.interpolate(x, scale_factor=2, mode="linear", align_corners=False)
            x = stage(x, c)
        return self.out(F.gelu(x))

    def forward(self, plan: torch.Tensor, digit: torch.Tensor | None,
                speaker: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reconstruction (N, mels, frames) from a posterior draw, and the posterior's mean and log-variance."""
        mean, log_var = self.encode(plan, digit, speaker)
        z = mean + torch.randn_like(mean) * (0.5 * log_var).exp()
        return self.decode(z, digit, speaker), mean, log_var

    @torch.no_grad()
    def sample(self, digit: torch.Tensor | None, speaker: torch.Tensor | None, count: int, seed: int,
               scale: float = 1.0) -> torch.Tensor:
        """``count`` new plans (count, mels, frames), seeded: latents ~ N(0, scale²) from ``seed``."""
        device = self.start.weight.device
        z = torch.randn(count, self.latent, generator=torch.Generator().manual_seed(seed)).to(device) * scale
        return self.decode(z, None if digit is None else digit.to(device),
                           None if speaker is None else speaker.to(device))


class PlannedWaveNet(Configurable, nn.Module):
    """A planner and a vocoder: ``planner`` (`MelPlanner` arguments) draws a word's plan, ``vocoder``
    (`WaveNet` arguments, with ``mels`` > 0) says it, one 8 kHz μ-law sample at a time."""

    def __init__(self, vocoder: dict, planner: dict) -> None:
        super().__init__()
        self.vocoder = WaveNet(**vocoder)
        self.planner = MelPlanner(**planner)
        if not self.vocoder.mels or self.vocoder.mels != self.planner.mels:
            raise ValueError("the vocoder must take plans of the planner's mels")

    @property
    def speakers(self) -> int:
        return self.vocoder.speakers

    @property
    def receptive_field(self) -> int:
        return self.vocoder.receptive_field
