"""The released WaveNet variant and its data facts (kept apart from train.py so that
importing the plugin stays light)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SAMPLE_RATE = 8000
MU = 255
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
"""The speakers in sorted order, as training indexes them; the weights' config.json is authoritative."""
SILENCE = 128
"""μ-law level of 0.0 with μ = 255: the prime every generated clip starts from."""


@dataclass(frozen=True)
class VariantRecipe:
    model: dict[str, Any] = field(default_factory=dict)
    epochs: int = 4
    batch_size: int = 16
    lr: float = 2e-3
    max_samples: int = 4000
    """Clips are cut to this many samples (0.5 s; the mean FSDD clip is 0.44 s): training cost
    grows with it, and 2 CPU cores set the budget."""
    tail: int = 400
    """Samples of silence after a clip's end that still count in the loss: the model learns to stop."""
    summary: str = ""
    planner_epochs: int = 0
    """A planned variant (``model`` = {"vocoder": ..., "planner": ...}): the planner's epochs."""
    planner_batch_size: int = 64
    planner_lr: float = 1e-3
    planner_sigma: float | None = None
    """The planner decoder's standard deviation in plan units; None: the σ-VAE's, set by the error."""


RECIPES = {
    "fsdd-mel": VariantRecipe(
        model={"vocoder": {"levels": 256, "channels": 48, "skip_channels": 64,
                           "dilations": [2**i for i in range(8)] + [1, 2, 4, 8], "digits": 10, "speakers": 6,
                           "embed_dim": 16, "mels": 40, "hop": 100, "plan_channels": 64},
               "planner": {"mels": 40, "frames": 80, "latent": 16, "channels": 128, "digits": 10, "speakers": 6,
                           "embed_dim": 32}},
        epochs=450, batch_size=64, lr=1e-3, planner_epochs=150, planner_sigma=1.0,
        summary="FSDD spoken digits: a planner draws the word's log-mel plan, a WaveNet vocoder says it (8 kHz μ-law)"),
    "fsdd": VariantRecipe(
        model={"levels": 256, "channels": 32, "skip_channels": 64, "dilations": [2**i for i in range(10)],
               "digits": 10, "speakers": 6, "embed_dim": 16, "frame_samples": 400, "frames": 12},
        epochs=27,
        summary="FSDD spoken digits, 8 kHz μ-law, conditioned on digit and speaker"),
}


def data_facts(speakers: list[str], receptive_field: int) -> dict[str, Any]:
    return {
        "dataset": "fsdd", "sample_rate": SAMPLE_RATE, "mu": MU, "quantization": "mu-law, 256 levels",
        "value_range": [-1.0, 1.0], "speakers": speakers, "digits": [str(d) for d in range(10)],
        "receptive_field_samples": receptive_field, "prime_level": SILENCE,
        "preprocessing": "each clip peak-normalized to 0.9, μ-law encoded (torchaudio.functional.mu_law_encoding)",
        "description": "Free Spoken Digit Dataset v1.0.9 (Jakobovski et al., CC BY-SA 4.0): 8 kHz mono recordings of "
                       "6 speakers × 10 digits × 50 takes; takes 5-49 train, takes 0-4 test.",
    }
