"""The released variants (one per dynamics) and the data facts recorded in every config.json.
Kept apart from train.py so that importing the plugin stays light."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genhub_dynamics.data import BASE_SPEED, HORIZON, SPEED_RANGE


@dataclass(frozen=True)
class Recipe:
    """Architecture and training defaults of one variant."""

    model: dict[str, Any]
    epochs: int = 2
    batch_size: int = 64
    lr: float = 2e-3
    decoded_frames: int = 8
    """Frames of the horizon decoded per sequence and step, drawn at random: the decoder is most of
    the cost, and the loss over a random half of the frames is an unbiased estimate of the whole."""
    consistency: float = 1.0
    """Weight of the penalty keeping rolled-out states on the encoder's manifold (`negative_elbo`)."""
    summary: str = ""


RECIPES = {
    "ode": Recipe(model={"dynamics": "ode", "latent_dim": 16, "solver_step": 0.5},
                  summary="neural ODE dynamics: any time step"),
    "lstm": Recipe(model={"dynamics": "lstm", "latent_dim": 16},
                   summary="LSTM dynamics: whole frames"),
}

DATA_FACTS = {
    "dataset": "mnist",
    "image_size": 28,
    "channels": 1,
    "value_range": [0.0, 1.0],
    "horizon_frames": HORIZON,
    "base_speed_degrees_per_frame": BASE_SPEED,
    "speed_range_degrees_per_frame": list(SPEED_RANGE),
    "description": (f"Rotating MNIST made on the fly from the MNIST digits (LeCun, Cortes & Burges; CC BY-SA 3.0): "
                    f"each training sequence is one digit turned about its centre from upright through "
                    f"{HORIZON} frames at a speed of {SPEED_RANGE[0]:.1f}° to {SPEED_RANGE[1]:.1f}° per frame, "
                    f"either direction, drawn per sequence; 5,000 training digits held out for validation; "
                    f"metrics on the 10,000 test digits."),
}
