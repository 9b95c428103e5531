"""The model card's wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText

DYNAMICS = {
    "ode": "a neural ODE dz/dt = f(z) (MLP field, fixed-step RK4 via torchdiffeq), so frames can be asked for at "
           "any real-valued time",
    "lstm": "an LSTM cell stepping one frame at a time, z_{t+1} = z_t + W·h_{t+1}",
}
METRIC_NAMES = {
    "test_mse_1x": "test MSE per pixel, frames 0-15 (training horizon)",
    "test_mse_2x": "test MSE per pixel, frames 16-31 (2× the horizon, extrapolated)",
    "test_static_mse_1x": "baseline (last context frame held still), frames 0-15",
    "test_static_mse_2x": "baseline (last context frame held still), frames 16-31",
    "judge_accuracy_1x_first2000": "MNIST judge reads the digit, generated frames 0-15 turned back upright, first "
                                   "2,000 test digits (%)",
    "judge_accuracy_2x_first2000": "MNIST judge reads the digit, generated frames 16-31 turned back upright, first "
                                   "2,000 test digits (%)",
    "judge_accuracy_1x": "MNIST judge reads the digit, generated frames 0-15 turned back upright (%)",
    "judge_accuracy_2x": "MNIST judge reads the digit, generated frames 16-31 turned back upright (%)",
}


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and notes of a weights folder, from its config.json."""
    model, variant = config["model"], config["variant"]
    return CardText(
        title=f"genhub-dynamics — {variant}",
        summary=(f"A dynamic generation network: a VAE whose {model['latent_dim']}-D latent state follows "
                 f"{DYNAMICS[model['dynamics']]}. It reads the first {model['context_frames']} frames of a digit "
                 "turning at a constant speed and renders the rest of the turn, and beyond. Load it with genhub "
                 f"and the genhub-dynamics package: `genhub sample dynamics --variant {variant} --input digit.png "
                 "--out turn.png`."),
        task="image-to-image", metric_names=METRIC_NAMES,
        sections={"Evaluation": "`python -m genhub_dynamics.bench` scores every test digit once, each turning at a "
                                "seeded speed from the training range, 32 frames from its first 3: pixel MSE per "
                                "frame against the truly rotated digit, and the MNIST judge's reading of the "
                                "generated frames turned back upright, beside its reading of the true frames "
                                "treated the same way and of blank and noise frames."},
        samples_caption="Eight test digits: 32 frames each (2× the training horizon) from the first 3:")
