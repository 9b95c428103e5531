"""The judge: a small CNN classifier per dataset, trained by this project, whose penultimate
layer is the feature space of the Fréchet distance and diversity scores.

Weights live in ``weights/classifier/<dataset>/`` and are resolved and verified like a
plugin's (``genhub.weights``), so the Hub fallback and the sha256 check apply to them too.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from genhub.config import Configurable
from genhub.plugin import WeightsSpec
from genhub.weights import Family, from_pretrained

FEATURE_DIM = 128

JUDGES = {
    "mnist": WeightsSpec(variant="mnist", repo_id="genhub/classifier-mnist", revision="v1",
                         sha256="de137c6757a989abd8a6d3d38be5d79102192c960b5a1bf71d229e122f3dfb1c",
                         summary="MNIST digit classifier (the judge)"),
    "fashion-mnist": WeightsSpec(variant="fashion-mnist", repo_id="genhub/classifier-fashion-mnist",
                                 revision="v1",
                                 sha256="000a630eda8fbd48c5820c25b977d59fa3d7681d461a328a555bfa14cfd7b37c",
                                 summary="Fashion-MNIST classifier (the judge)"),
}


class Classifier(Configurable, nn.Module):
    """(N, 1, 28, 28) in [0, 1] -> logits (N, classes); ``features`` gives the (N, 128) layer
    before the last linear one (after ReLU)."""

    def __init__(self, classes: int = 10, channels: int = 32, dropout: float = 0.3) -> None:
        super().__init__()
        c = channels

        def block(cin: int, cout: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.body = nn.Sequential(
            *block(1, c), *block(c, c), nn.MaxPool2d(2),              # (N, c, 14, 14)
            *block(c, 2 * c), *block(2 * c, 2 * c), nn.MaxPool2d(2),  # (N, 2c, 7, 7)
            nn.Flatten(), nn.Dropout(dropout),
            nn.Linear(2 * c * 49, FEATURE_DIM), nn.BatchNorm1d(FEATURE_DIM), nn.ReLU(inplace=True),
        )
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(FEATURE_DIM, classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x - 0.5) / 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def build_classifier(model_config: Mapping[str, Any]) -> Classifier:
    return Classifier(**model_config)


IMAGE_JUDGES = Family("classifier", tuple(JUDGES.values()), build_classifier)
"""The image judges, one variant per dataset, for `genhub.weights.from_pretrained`."""


@functools.cache
def load_judge(dataset: str = "mnist", device: str = "cpu") -> tuple[Classifier, dict[str, Any]]:
    """The released judge for ``dataset`` (eval mode, cached) and its config.

    Raises ``KeyError`` for an unknown dataset and ``genhub.weights.WeightsError`` when the
    weights are missing or corrupt.
    """
    if dataset not in JUDGES:
        raise KeyError(f"no judge classifier for {dataset!r}; known: {', '.join(JUDGES)}")
    loaded = from_pretrained(IMAGE_JUDGES, dataset, device=device)
    return loaded.model, loaded.config


@torch.no_grad()
def judge(model: Classifier, images: torch.Tensor, batch: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 1, 28, 28) in [0, 1] -> (class probabilities (N, K), features (N, 128)), on CPU."""
    device = next(model.parameters()).device
    probs, feats = [], []
    for chunk in images.split(batch):
        f = model.features(chunk.to(device, torch.float32))
        probs.append(torch.softmax(model.head(f), dim=1).cpu())
        feats.append(f.cpu())
    return torch.cat(probs), torch.cat(feats)
