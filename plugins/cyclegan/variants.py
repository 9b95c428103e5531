"""The released CycleGAN variants (architecture + training defaults). Kept apart from train.py so
that importing the plugin stays light."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class VariantRecipe:
    size: int = 64
    """Training resolution: images are S×S."""
    steps: int = 10_000
    """Generator steps; the learning rate decays linearly to 0 over the second half."""
    batch_size: int = 4
    lr: float = 2e-4
    cycle_weight: float = 10.0
    """λ of the cycle-consistency loss."""
    identity_weight: float = 0.5
    """The identity loss's weight, as a fraction of λ (0.5: 0.5·λ)."""
    pool_size: int = 50
    ema_decay: float = 0.999
    d_width: int = 32
    d_layers: int = 3
    model: dict[str, Any] = field(default_factory=lambda: {"width": 16, "blocks": 6})
    summary: str = ""


RECIPES = {
    # 64×64 keeps a CPU training run in hours and a 256×256 upload under 300 ms (the generator is fully
    # convolutional and runs at any size); the faces are 96×96, so 128 would only upsample them.
    "anime-xdog": VariantRecipe(summary="anime faces ↔ XDoG line drawings, 64×64, ResNet generators"),
}
