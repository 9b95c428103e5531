"""The released PixelCNN variants and their data facts. Kept apart from train.py so that
importing the plugin stays light."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from genhub.training.data import DIGITS


@dataclass(frozen=True)
class VariantRecipe:
    levels: int
    model: dict[str, Any] = field(default_factory=dict)
    epochs: int = 1
    batch_size: int = 32
    lr: float = 1e-3
    summary: str = ""


_ARCH = {"channels": 16, "layers": 8, "kernel": 5, "skip_channels": 32, "classes": 10}

# 64 channels and 12 layers is as wide and deep as the cached sampler allows for a bottom-half
# completion of 8 digits in under a second on 2 CPU cores (0.76 s measured); the epochs are what
# one H200 ran in the time it was lent.
_WIDE = {**_ARCH, "channels": 64, "layers": 12, "skip_channels": 128}

RECIPES = {
    "binarized": VariantRecipe(2, {**_WIDE, "levels": 2}, epochs=40, batch_size=64,
                               summary="binarized MNIST, one Bernoulli per pixel, class-conditional"),
    "grayscale": VariantRecipe(256, {**_WIDE, "levels": 256}, epochs=40, batch_size=64,
                               summary="256-level MNIST, 256-way softmax per pixel, class-conditional"),
}


def data_facts(levels: int) -> dict[str, Any]:
    common = {"dataset": "mnist", "image_size": 28, "channels": 1, "value_range": [0.0, 1.0],
              "classes": list(DIGITS), "levels": levels}
    if levels == 2:
        return {**common,
                "binarization": "dynamic: x ~ Bernoulli(pixel / 255), resampled every batch",
                "test_binarization": "one fixed Bernoulli(pixel / 255) draw of the 10,000 test images, seed 0",
                "description": "MNIST (LeCun, Cortes & Burges): the 60,000 training digits, dynamically binarized; "
                               "NLL on the 10,000 test digits binarized once with seed 0."}
    return {**common, "description": "MNIST (LeCun, Cortes & Burges): the 60,000 training digits at their 256 "
                                     "gray levels (pixel k -> k/255); NLL on the 10,000 test digits in bits/dim."}
