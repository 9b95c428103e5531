"""The released CGAN variants (architecture + training defaults) and their data facts.
Kept apart from train.py so that importing the plugin stays light."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from genhub.training.data import IDX_DATASETS


@dataclass(frozen=True)
class VariantRecipe:
    dataset: str
    """``genhub.training.data`` IDX dataset name; also the judge classifier that scores it."""
    objective: str = "hinge"
    steps: int = 5000
    """Generator steps."""
    batch_size: int = 64
    ema_decay: float = 0.999
    aux_weight: float = 0.0
    """Weight of the discriminator's auxiliary class loss (AC-GAN); 0: no class head."""
    validation: int = 5000
    """Training images held out to choose the kept generator (`genhub.training.data.carve_validation`)."""
    model: dict[str, Any] = field(default_factory=lambda: {"z_dim": 64, "embed_dim": 32,
                                                           "g_channels": 48, "d_channels": 32})
    summary: str = ""


RECIPES = {
    # MNIST: 20,000 generator steps (about 23 passes over the 55,000 training images at batch 64) on one CPU core,
    # with an auxiliary class loss. Fashion-MNIST's released weights: 5,000 steps of the same loop without it.
    "mnist": VariantRecipe("mnist", steps=20000, aux_weight=0.5,
                           summary="MNIST digits, hinge loss + spectral norm + class head, EMA generator"),
    "fashion-mnist": VariantRecipe("fashion-mnist", steps=5000,
                                   summary="Fashion-MNIST, hinge loss + spectral norm, EMA generator"),
}


def data_facts(dataset: str, trained: int = 60_000, held_out: int = 0) -> dict[str, Any]:
    """config.json's ``"data"``: ``trained`` training images used, ``held_out`` more kept for validation."""
    used = f"{trained:,} training images" + (f" ({held_out:,} more held out for validation)" if held_out else "")
    classes = list(IDX_DATASETS[dataset].classes)
    source = "LeCun, Cortes & Burges" if dataset == "mnist" else "Xiao, Rasul & Vollgraf, Zalando"
    return {
        "dataset": dataset, "image_size": 28, "channels": 1, "value_range": [0.0, 1.0], "classes": classes,
        "description": f"{dataset} ({source}): "
                       f"{used}, pixels scaled to [-1, 1] for the GAN, samples returned in [0, 1]; "
                       "scored against the 10,000 test images with the project's judge classifier.",
    }
