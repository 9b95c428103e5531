"""The spoken-digit judge: a small CNN on log-mel spectrograms of 8 kHz clips, trained by the
project on FSDD's training takes; it scores whether generated audio says the requested digit.
Besides the ten digits it has an eleventh class, `NOT_A_DIGIT` (silence, noise, hum, babble:
`genhub.training.evaluation.not_digits`), so that a clip that says nothing is not scored as
some digit."""

from __future__ import annotations

import functools
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from genhub.config import Configurable
from genhub.plugin import WeightsSpec
from genhub.weights import Family, from_pretrained

SAMPLE_RATE = 8000
CLIP_SAMPLES = 8000
"""Clips are cut or zero-padded to 1 s."""
NOT_A_DIGIT = 10
"""The judge's class for a clip that says no digit."""
LABELS = (*(str(d) for d in range(10)), "not a digit")
"""The judge's classes, by index."""

SPEECH_JUDGE = WeightsSpec(variant="fsdd", repo_id="genhub/classifier-fsdd", revision="v2",
                           sha256="30a4f719e2f4304e5b56a29420f15023115c938dd1637235ce82c45e43f5b6ff",
                           summary="FSDD spoken-digit classifier (the judge)")


def fit_length(wave: torch.Tensor, length: int = CLIP_SAMPLES) -> torch.Tensor:
    """(T,) -> (length,): cut, or zero-pad at the end."""
    return F.pad(wave[:length], (0, max(0, length - len(wave))))


class SpokenDigitClassifier(Configurable, nn.Module):
    """Waveforms (N, 8000) at 8 kHz in [-1, 1] -> logits (N, classes): the digits 0-9, then
    `NOT_A_DIGIT` when ``classes`` is 11."""

    def __init__(self, mels: int = 40, channels: int = 32, classes: int = 11) -> None:
        super().__init__()
        import torchaudio

        self.features = torchaudio.transforms.MelSpectrogram(SAMPLE_RATE, n_fft=256, hop_length=80, n_mels=mels)
        c = channels

        def block(cin: int, cout: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                    nn.MaxPool2d(2)]

        self.body = nn.Sequential(*block(1, c), *block(c, 2 * c), *block(2 * c, 4 * c),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(4 * c, classes))

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        spec = torch.log(self.features(wave) + 1e-6)                       # (N, mels, frames)
        spec = (spec - spec.mean((1, 2), keepdim=True)) / (spec.std((1, 2), keepdim=True) + 1e-5)
        return self.body(spec.unsqueeze(1))


SPEECH_JUDGES = Family("classifier", (SPEECH_JUDGE,), lambda config: SpokenDigitClassifier(**config))
"""The spoken-digit judge for `genhub.weights.from_pretrained`."""


@functools.cache
def load_speech_judge(device: str = "cpu") -> tuple[SpokenDigitClassifier, dict[str, Any]]:
    """The released spoken-digit judge (eval mode, cached) and its config. Raises WeightsError
    when the weights are missing or corrupt."""
    loaded = from_pretrained(SPEECH_JUDGES, device=device)
    return loaded.model, loaded.config


@torch.no_grad()
def read_digits(model: SpokenDigitClassifier, clips: list[torch.Tensor] | torch.Tensor) -> torch.Tensor:
    """Class probabilities (N, classes) for clips at 8 kHz (column `NOT_A_DIGIT`: says no digit)."""
    batch = torch.stack([fit_length(c.float()) for c in clips])
    return torch.softmax(model(batch.to(next(model.parameters()).device)), 1).cpu()
