"""The plan: log-mel frames that say what a clip sounds like, frame by frame.

A vocoder WaveNet (`model.WaveNet` with ``mels`` > 0) turns a plan into audio; `planner.MelPlanner`
draws a plan for a digit in a speaker's voice. Both read plans made here, from 8 kHz clips
peak-normalized as the WaveNet's training clips are (`audio.normalize`).

Plan values: (ln(mel magnitude) + 4) / 4. In peak-normalized FSDD clips, recording included,
they lie in about [-0.2, 1.9] (1st to 99th percentile); digital silence is `SILENT_PLAN`
(about -1.88).
"""

from __future__ import annotations

import functools
import math

import torch
import torch.nn.functional as F

from genhub.plugins.wavenet.audio import normalize
from genhub.plugins.wavenet.variants import SAMPLE_RATE

MELS = 40
HOP = 100
"""Samples per plan frame: 12.5 ms at 8 kHz, 80 frames a second."""
N_FFT, WINDOW = 512, 400
FLOOR = 1e-5
SILENT_PLAN = (math.log(FLOOR) + 4) / 4
"""The plan value of digital silence."""


@functools.cache
def _mel_transform():
    import torchaudio

    return torchaudio.transforms.MelSpectrogram(SAMPLE_RATE, n_fft=N_FFT, win_length=WINDOW, hop_length=HOP,
                                                f_min=20.0, f_max=SAMPLE_RATE / 2, n_mels=MELS, power=1.0)


def plan_of(waves: torch.Tensor) -> torch.Tensor:
    """Waveforms (N, T) or (T,) in [-1, 1] at 8 kHz, already normalized -> plans (N, MELS, 1 + T // HOP)
    (or (MELS, frames)); frame f is centred on sample f·HOP."""
    with torch.no_grad():
        mel = _mel_transform()(waves.float())
    return (torch.log(mel.clamp(min=FLOOR)) + 4) / 4


def clip_plan(wave: torch.Tensor, samples: int) -> torch.Tensor:
    """One clip (T,) in [-1, 1] -> the plan (MELS, 1 + samples // HOP) of the clip peak-normalized,
    then cut or padded with silence to ``samples``."""
    wave = normalize(wave[:samples])
    return plan_of(F.pad(wave, (0, samples - len(wave))))


def fit_frames(plan: torch.Tensor, frames: int) -> torch.Tensor:
    """plan (..., MELS, F) -> (..., MELS, frames): cut, or continued with silence."""
    if plan.shape[-1] >= frames:
        return plan[..., :frames]
    return F.pad(plan, (0, frames - plan.shape[-1]), value=SILENT_PLAN)
