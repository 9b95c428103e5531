"""The StyleGAN variants (architecture + training defaults). Kept apart from train.py so that
importing the plugin stays light."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class VariantRecipe:
    steps: int = 100_000
    """Generator steps (a ceiling: a timed run stops earlier and the images seen are recorded)."""
    batch_size: int = 64
    lr: float = 0.0025
    betas: tuple[float, float] = (0.0, 0.99)
    r1_gamma: float = 0.1
    """R1 weight γ, applied lazily every 16 discriminator steps (StyleGAN2)."""
    ema_decay: float = 0.998
    """Per step at batch 64: a half-life of about 20,000 images (StyleGAN2-ADA's ema_kimg at this batch)."""
    style_mixing: float = 0.9
    """Share of generated training images whose styles switch from one z to another at a random layer."""
    augment: str = "diffaugment"
    """``diffaugment`` (colour, translation, cutout on all of D's inputs) or ``none``."""
    validation: int = 500
    """Faces held out (a seeded permutation) to monitor training; the rest train."""
    model: dict[str, Any] = field(default_factory=lambda: {"z_dim": 256, "w_dim": 256, "resolution": 64,
                                                           "channel_base": 4096, "channel_max": 256})
    summary: str = ""


AUGMENTS = ("diffaugment", "none")

RECIPES = {
    # Sized for serving on 2 CPU cores (one 64×64 face in about 30 ms) rather than for the best FID.
    "anime-64": VariantRecipe(summary="anime faces, 64×64, StyleGAN2 with DiffAugment, EMA generator"),
}
