"""Reading audio files (WAV, FLAC, OGG, MP3 through soundfile's libsndfile; torchaudio.load would need torchcodec)
into mono float32 waveforms in [-1, 1] at a chosen sample rate, with clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

MAX_BYTES = 20 * 2**20
MAX_SECONDS = 30.0
FORMATS = "WAV, FLAC, OGG or MP3"


class AudioInputError(ValueError):
    """An audio file that cannot be used; the message says why and what would work."""


def read_audio(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """A file -> (float32 samples (T,) or (T, channels), sample rate). Raises AudioInputError."""
    import soundfile

    path = Path(path)
    size = path.stat().st_size if path.is_file() else -1
    if size <= 0:
        raise AudioInputError("the audio file is empty or missing")
    if size > MAX_BYTES:
        raise AudioInputError(f"the audio file is {size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    except Exception:  # noqa: BLE001 - soundfile raises several types for non-audio; its text names the path
        raise AudioInputError(f"this is not a readable audio file; upload {FORMATS}") from None
    return data, int(rate)


def to_mono(data: np.ndarray) -> np.ndarray:
    """(T,) or (T, channels) -> (T,) by averaging the channels."""
    return data.mean(axis=1) if data.ndim == 2 else data


def load_clip(path: str | os.PathLike, sample_rate: int, max_seconds: float = MAX_SECONDS) -> torch.Tensor:
    """An uploaded clip -> mono float32 (T,) in [-1, 1] at ``sample_rate`` Hz.

    Stereo is averaged, other rates are resampled (torchaudio.functional.resample); empty,
    silent or longer-than-``max_seconds`` clips raise AudioInputError.
    """
    data, rate = read_audio(path)
    if data.size == 0:
        raise AudioInputError("the audio file holds no samples")
    seconds = len(data) / rate
    if seconds > max_seconds:
        raise AudioInputError(f"the clip is {seconds:.1f} s long; at most {max_seconds:g} s is accepted")
    wave = torch.from_numpy(np.ascontiguousarray(to_mono(data), dtype=np.float32))
    if rate != sample_rate:
        import torchaudio.functional as AF

        wave = AF.resample(wave, rate, sample_rate)
    if not torch.isfinite(wave).all():
        raise AudioInputError("the clip contains invalid (NaN or infinite) samples")
    if wave.abs().max() < 1e-3:
        raise AudioInputError("the clip is silent")
    return wave.clamp(-1, 1)


SILENCE_DB = -60.0
"""Frames quieter than this (RMS, dB relative to full scale) are silence. Speech in FSDD peaks
at -41 to -15 dBFS (its quietest speaker, theo, near -40); a WaveNet's silence, the μ-law
middle level, is about -81."""


def sounding_seconds(clip: torch.Tensor, sample_rate: int, frame_seconds: float = 0.02,
                     floor_db: float = SILENCE_DB) -> float:
    """Seconds of ``clip`` ((T,) float in [-1, 1] at ``sample_rate`` Hz) in frames of
    ``frame_seconds`` whose RMS is above ``floor_db`` dBFS: how much of it is sound, not silence."""
    frame = max(1, int(round(frame_seconds * sample_rate)))
    usable = len(clip) // frame * frame
    if usable == 0:
        return 0.0
    rms = clip[:usable].float().reshape(-1, frame).pow(2).mean(1).sqrt()
    loud = rms > 10 ** (floor_db / 20)
    return float(loud.sum()) * frame / sample_rate
