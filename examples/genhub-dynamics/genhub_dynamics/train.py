"""Train one dynamics variant on rotating MNIST (`genhub train dynamics --variant ode|lstm`):
sequences rendered from the training digits at fresh random speeds every step, a validation
split carved from the training digits scored after each epoch, the test digits scored once at
the end."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import torch
from genhub.imaging.grid import grid_image
from genhub.plugin import TrainRequest
from genhub.training.data import carve_validation, load_idx_dataset
from genhub.training.loop import FitConfig, LossFn, fit
from genhub.training.release import release, training_record

from genhub_dynamics.card import card_text
from genhub_dynamics.data import HORIZON, random_speeds, rotating_sequences
from genhub_dynamics.model import DynamicsVAE, negative_elbo
from genhub_dynamics.quality import frame_errors, predict, seeded_sequences
from genhub_dynamics.variants import DATA_FACTS, RECIPES, Recipe

VALIDATION_DIGITS = 5_000


def train(request: TrainRequest) -> Path:
    """Train ``request.variant`` and write its weights folder to ``request.out_dir``."""
    if request.variant not in RECIPES:
        raise ValueError(f"unknown dynamics variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    recipe = dataclasses.replace(recipe, model=request.architecture(recipe.model))
    if request.options.get("consistency") is not None:
        recipe = dataclasses.replace(recipe, consistency=request.options["consistency"])
    digits, _ = load_idx_dataset("mnist", "train", request.data_dir, request.train_limit)
    (digits,), (held_out,) = carve_validation(digits, size=min(VALIDATION_DIGITS, max(1, len(digits) // 10)))
    train_x = digits.float().div(255).unsqueeze(1)                     # (N, 1, 28, 28) in [0, 1]
    validation = seeded_sequences(held_out.float().div(255).unsqueeze(1)[:1000], seed=1)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed,
                       lr_schedule="cosine", grad_clip=10.0)
    loss_fn = recipe_loss(recipe)

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        errors = frame_errors(model, validation)
        return {"mse_horizon": errors["mse_1x"], "mse_extrapolated": errors["mse_2x"]}

    torch.manual_seed(request.seed)
    model = DynamicsVAE(**recipe.model)
    started = time.perf_counter()
    result = fit(model, [train_x], loss_fn, config, request.out_dir, torch.device(request.device),
                 resume=request.resume, evaluate=evaluate, title=f"dynamics/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model.cpu().eval()
    test_x, _ = load_idx_dataset("mnist", "test", request.data_dir,
                                 None if request.train_limit is None else max(64, request.train_limit // 6))
    test_set = seeded_sequences(test_x.float().div(255).unsqueeze(1), seed=0)
    errors = frame_errors(model, test_set)
    metrics = {"test_mse_1x": round(errors["mse_1x"], 5), "test_mse_2x": round(errors["mse_2x"], 5),
               "test_static_mse_1x": round(errors["static_mse_1x"], 5),
               "test_static_mse_2x": round(errors["static_mse_2x"], 5)}
    training = training_record(command=request.command, device=request.device, steps=result.steps,
                               seconds=result.seconds, fit=config, started=started,
                               decoded_frames=recipe.decoded_frames, consistency=recipe.consistency,
                               train_examples=len(train_x),
                               validation_examples=len(held_out))
    strip = predict(model, test_set, torch.arange(2 * HORIZON, dtype=torch.float32), slice(0, 8))
    release(request.out_dir, model, plugin="dynamics", variant=request.variant, data=DATA_FACTS, training=training,
            metrics=metrics, card=card_text, samples=grid_image(strip.detach().flatten(0, 1), nrow=2 * HORIZON))
    return Path(request.out_dir)


def recipe_loss(recipe: Recipe) -> LossFn:
    """The recipe's training loss for `genhub.training.loop.fit`: a batch of digits (N, 1, 28, 28)
    in [0, 1] -> sequences over the horizon at fresh random speeds -> `negative_elbo`."""
    decoded = min(recipe.decoded_frames, HORIZON)

    def loss_fn(model: torch.nn.Module, batch: list[torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        # Fresh speeds every step (from the loop's seeded generator): the digits are the data, the
        # motion is drawn anew, so no two epochs show the same sequences.
        speeds = random_speeds(len(batch[0]))
        times = torch.arange(HORIZON, dtype=torch.float32)
        frames = rotating_sequences(batch[0], speeds.to(batch[0].device), times.to(batch[0].device))
        return negative_elbo(_unwrap(model), frames, decoded_frames=decoded, consistency=recipe.consistency)

    return loss_fn


def _unwrap(model: torch.nn.Module) -> DynamicsVAE:
    # The loss calls encode/trajectory/decode rather than forward; under torchrun DDP would then
    # not average gradients, so this recipe is for one process (it trains in minutes on a CPU).
    if getattr(model, "module", None) is not None:
        raise RuntimeError("genhub-dynamics trains in one process; run it without torchrun")
    return model
