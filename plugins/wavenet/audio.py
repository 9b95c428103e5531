"""μ-law <-> waveform for the WaveNet, through torchaudio.functional."""

from __future__ import annotations

import torch

from genhub.plugins.wavenet.variants import MU


def encode(wave: torch.Tensor) -> torch.Tensor:
    """Waveform in [-1, 1] -> μ-law levels int64 in 0..255."""
    import torchaudio.functional as AF

    return AF.mu_law_encoding(wave.clamp(-1, 1), MU + 1).long()


def decode(levels: torch.Tensor) -> torch.Tensor:
    """μ-law levels in 0..255 -> float32 waveform in [-1, 1]."""
    import torchaudio.functional as AF

    return AF.mu_law_decoding(levels, MU + 1).float()


def normalize(wave: torch.Tensor, peak: float = 0.9) -> torch.Tensor:
    """Scale a clip so its largest |sample| is ``peak`` (silent clips are left alone)."""
    top = wave.abs().max()
    return wave * (peak / top) if top > 1e-4 else wave
