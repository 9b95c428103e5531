"""WaveNet (van den Oord et al. 2016) for 8 kHz μ-law audio, globally conditioned on the
spoken digit and the speaker.

Input: μ-law levels (N, T) int64 in 0..255. Output: logits (N, 256, T); the logits at time t
predict the level at t + 1 from levels ≤ t. A causal convolution (kernel 2), then residual
blocks with dilated causal convolutions (kernel 2, dilations 1, 2, 4 … repeated), the gate
tanh(W_f·x + V_f·h + U_f·p_t) · σ(W_g·x + V_g·h + U_g·p_t) with h the global condition (digit
and speaker embeddings) and p_t an optional position condition, a 1×1 residual and a 1×1 skip per
block; skips summed -> ReLU -> 1×1 -> ReLU -> 1×1.

The position condition is a local condition in the paper's sense whose features are simply "which
frame of the clip is this" (an embedding of t // frame_samples). A receptive field of 128 ms sees
less than a word: without it, the model cannot tell the start of a "seven" from its end.

The plan condition (``mels`` > 0) is the paper's local conditioning on a time-frequency plan:
log-mel frames (`genhub.plugins.wavenet.plan`), one every ``hop`` samples, pass through two
convolutions over frames (so each frame sees its neighbours) and are repeated to the sample rate;
input sample t takes the frame nearest to it. Conditioned on a plan, the WaveNet is a vocoder.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from genhub.config import Configurable


def gate(x: torch.Tensor) -> torch.Tensor:
    """tanh(a) · σ(b) over the two halves of dim 1."""
    a, b = x.chunk(2, dim=1)
    return torch.tanh(a) * torch.sigmoid(b)


def label_condition(model: nn.Module, digit: torch.Tensor | None, speaker: torch.Tensor | None, batch: int,
                    device: torch.device) -> torch.Tensor:
    """The digit and speaker embeddings of ``model`` (its ``digit_embed`` / ``speaker_embed``, whose
    last rows, ``model.digits`` / ``model.speakers``, mean "unspecified"), side by side: (N, 2·embed_dim).
    ``digit`` / ``speaker``: (N,) indices, or None for "unspecified" in every row."""
    if digit is None:
        digit = torch.full((batch,), model.digits, dtype=torch.long, device=device)
    if speaker is None:
        speaker = torch.full((batch,), model.speakers, dtype=torch.long, device=device)
    return torch.cat([model.digit_embed(digit), model.speaker_embed(speaker)], dim=1)


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, skip_channels: int, dilation: int, condition_dim: int,
                 position_dim: int = 0) -> None:
        super().__init__()
        self.dilation = dilation
        self.dilated = nn.Conv1d(channels, 2 * channels, 2, dilation=dilation)
        self.condition = nn.Linear(condition_dim, 2 * channels, bias=False)
        self.position = nn.Linear(position_dim, 2 * channels, bias=False) if position_dim else None
        self.residual = nn.Conv1d(channels, channels, 1)
        self.skip = nn.Conv1d(channels, skip_channels, 1)

    def forward(self, x: torch.Tensor, h: torch.Tensor,
                p: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """x (N, C, T), h (N, D), p: the local condition, (T, E) for every clip or (N, T, E) per clip,
        or None -> (x + residual (N, C, T), skip (N, S, T))."""
        bias = self.condition(h)[:, :, None]
        if self.position is not None:
            local = self.position(p)
            bias = bias + (local.T[None] if local.ndim == 2 else local.transpose(1, 2))
        g = gate(self.dilated(F.pad(x, (self.dilation, 0))) + bias)
        return x + self.residual(g), self.skip(g)


class WaveNet(Configurable, nn.Module):
    def __init__(self, levels: int = 256, channels: int = 32, skip_channels: int = 64,
                 dilations: Sequence[int] = tuple(2**i for i in range(10)), digits: int = 10, speakers: int = 6,
                 embed_dim: int = 16, frame_samples: int = 0, frames: int = 0, mels: int = 0, hop: int = 0,
                 plan_channels: int = 64) -> None:
        """``levels``: μ-law quantization levels; ``channels``: residual width; ``dilations``: one
        block per entry; ``digits`` / ``speakers``: condition vocabularies (each gets one more
        row, "unspecified", for a label dropped in training or left out at sampling);
        ``frame_samples`` / ``frames``: the position condition, on when both are > 0: sample t of
        a clip (t = 0 is the prime) is in frame min(t // frame_samples, frames - 1); one more
        row, "unspecified", serves a clip continued from an unknown point. ``mels`` / ``hop`` /
        ``plan_channels``: the plan condition, on when ``mels`` > 0: log-mel frames of ``mels``
        bins, one every ``hop`` samples, seen through ``plan_channels`` features; it replaces the
        position condition (a plan says where in the word each sample is)."""
        super().__init__()
        if (frame_samples > 0) != (frames > 0):
            raise ValueError("frame_samples and frames are both 0 (no position condition) or both > 0")
        if mels and (frames or hop <= 0):
            raise ValueError("a plan condition (mels > 0) needs hop > 0 and no position condition (frames = 0)")
        self.levels, self.digits, self.speakers = levels, digits, speakers
        self.frame_samples, self.frames = frame_samples, frames
        self.mels, self.hop = mels, hop
        self.dilations = list(dilations)
        self.embed_input = nn.Embedding(levels, channels)                 # = one-hot then a 1×1 conv
        self.causal = nn.Conv1d(channels, channels, 2)
        self.digit_embed = nn.Embedding(digits + 1, embed_dim)
        self.speaker_embed = nn.Embedding(speakers + 1, embed_dim)
        self.position_embed = nn.Embedding(frames + 1, embed_dim) if frames else None
        # Two convolutions over frames: each sample's plan feature sees 3.5 frames either side.
        self.plan_net = nn.Sequential(nn.Conv1d(mels, plan_channels, 5, padding=2), nn.LeakyReLU(0.2),
                                      nn.Conv1d(plan_channels, plan_channels, 3, padding=1), nn.LeakyReLU(0.2)) \
            if mels else None
        local_dim = plan_channels if mels else embed_dim if frames else 0
        self.blocks = nn.ModuleList(ResidualBlock(channels, skip_channels, d, 2 * embed_dim, local_dim)
                                    for d in self.dilations)
        self.head = nn.Sequential(nn.ReLU(), nn.Conv1d(skip_channels, skip_channels, 1), nn.ReLU(),
                                  nn.Conv1d(skip_channels, levels, 1))

    @property
    def receptive_field(self) -> int:
        """Samples (including the current one) that the prediction of the next sample sees."""
        return 2 + sum(self.dilations)

    def condition(self, digit: torch.Tensor | None, speaker: torch.Tensor | None, batch: int,
                  device: torch.device) -> torch.Tensor:
        """Global condition (N, 2·embed_dim); None means "unspecified" for every clip."""
        return label_condition(self, digit, speaker, batch, device)

    def frame_of(self, t: torch.Tensor) -> torch.Tensor:
        """Sample indices (any shape, int64, 0 = the prime) -> their frame indices."""
        return (t // self.frame_samples).clamp(max=self.frames - 1)

    def frame_embeddings(self, positioned: bool = True) -> torch.Tensor:
        """The position table: frames 0 .. frames - 1 (frames, embed_dim), or with ``positioned``
        False only the "unspecified" row (1, embed_dim). Needs a model with a position condition."""
        rows = torch.arange(self.frames) if positioned else torch.tensor([self.frames])
        return self.position_embed(rows.to(self.position_embed.weight.device))

    def positions(self, start: int | None, length: int, device: torch.device) -> torch.Tensor | None:
        """Position condition (length, embed_dim) of samples start .. start + length - 1 (start None:
        unspecified), or None for a model without one."""
        if self.position_embed is None:
            return None
        if start is None:
            index = torch.zeros(length, dtype=torch.long, device=device)
        else:
            index = self.frame_of(torch.arange(start, start + length, device=device))
        return self.frame_embeddings(start is not None)[index]

    def plan_frame_of(self, t: torch.Tensor, frames: int) -> torch.Tensor:
        """Input sample indices (0 = the prime, which predicts the clip's first sample) -> the plan
        frame nearest to the sample each predicts, of a plan with ``frames`` frames."""
        return ((t + self.hop // 2) // self.hop).clamp(max=frames - 1)

    def plan_features(self, plan: torch.Tensor) -> torch.Tensor:
        """plan (N, mels, F) -> per-frame features (N, F, plan_channels)."""
        return self.plan_net(plan).transpose(1, 2)

    def planned(self, plan: torch.Tensor, start: int, length: int) -> torch.Tensor:
        """The plan condition of input samples start .. start + length - 1: (N, length, plan_channels)."""
        index = self.plan_frame_of(torch.arange(start, start + length, device=plan.device), plan.shape[2])
        return self.plan_features(plan)[:, index]

    def forward(self, levels: torch.Tensor, digit: torch.Tensor | None = None,
                speaker: torch.Tensor | None = None, start: int | None = 0,
                plan: torch.Tensor | None = None) -> torch.Tensor:
        """levels (N, T) int64, the clip's samples start .. start + T - 1 (start None: position
        unspecified) -> logits (N, 256, T) for the next sample at every t. A model with a plan
        condition needs ``plan`` (N, mels, F), the clip's log-mel frames from sample 0 on."""
        h = self.condition(digit, speaker, len(levels), levels.device)
        if self.mels:
            if plan is None or start is None:
                raise ValueError("this WaveNet is a vocoder: it needs a plan (log-mel frames) and a known start")
            if plan.ndim != 3 or plan.shape[0] != len(levels) or plan.shape[1] != self.mels:
                raise ValueError(f"a plan must be (batch {len(levels)}, mels {self.mels}, frames); "
                                 f"got {tuple(plan.shape)}")
            p = self.planned(plan, start, levels.shape[1])
        else:
            p = self.positions(start, levels.shape[1], levels.device)
        x = self.causal(F.pad(self.embed_input(levels).transpose(1, 2), (1, 0)))
        skip = 0
        for block in self.blocks:
            x, s = block(x, h, p)
            skip = skip + s
        return self.head(skip)
