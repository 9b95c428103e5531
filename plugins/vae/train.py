"""Train a VAE variant on MNIST: dynamic binarization, KL warm-up, the ELBO of a validation split
carved from the training images after each epoch, the test ELBO once at the end."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import torch

from genhub.imaging.grid import grid_image
from genhub.plugin import SampleRequest, TrainRequest
from genhub.plugins.vae.card import card_text
from genhub.plugins.vae.model import VAE, negative_elbo
from genhub.plugins.vae.quality import binarize_fixed, mean_neg_elbo
from genhub.plugins.vae.sample import sample
from genhub.plugins.vae.variants import DATA_FACTS, RECIPES
from genhub.training.data import carve_validation, load_idx_dataset
from genhub.training.loop import FitConfig, fit
from genhub.training.release import release, training_record

VALIDATION_IMAGES = 5_000
"""Training images held out (`carve_validation`) to monitor training and choose recipes; runs on
fewer images (``train_limit``) hold out a tenth, at least one."""


def train(request: TrainRequest) -> Path:
    """Train ``request.variant`` on the training images less a validation split (scored each
    epoch), score the test images once and write the weights folder to ``request.out_dir``."""
    if request.variant not in RECIPES:
        raise ValueError(f"unknown VAE variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    recipe = dataclasses.replace(recipe, model=request.architecture(recipe.model))
    images, _ = load_idx_dataset("mnist", "train", request.data_dir, request.train_limit)
    test_images, _ = load_idx_dataset("mnist", "test", request.data_dir,
                                      None if request.train_limit is None else max(256, request.train_limit // 6))
    (images,), (validation_images,) = carve_validation(images, size=min(VALIDATION_IMAGES, max(1, len(images) // 10)))
    train_x = images.float().div(255).unsqueeze(1)          # (N, 1, 28, 28) in [0, 1]
    validation_x = binarize_fixed(validation_images)
    test_x = binarize_fixed(test_images)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed,
                       lr_schedule=recipe.lr_schedule)
    steps_per_epoch = max(1, len(train_x) // config.batch_size)
    warmup_steps = recipe.kl_warmup_epochs * steps_per_epoch

    def loss_fn(model: torch.nn.Module, batch: list[torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        beta = min(1.0, (step + 1) / warmup_steps) if warmup_steps else 1.0
        return negative_elbo(model, torch.bernoulli(batch[0]), beta)

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        return {"neg_elbo": mean_neg_elbo(model, validation_x)}

    torch.manual_seed(request.seed)
    model = VAE(**recipe.model)
    started = time.perf_counter()
    result = fit(model, [train_x], loss_fn, config, request.out_dir, torch.device(request.device),
                 resume=request.resume, evaluate=evaluate, title=f"vae/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model.cpu()
    metrics = {"test_neg_elbo_nats": round(mean_neg_elbo(model, test_x), 3)}   # the one look at the test set
    training = training_record(command=request.command, device=request.device, steps=result.steps,
                               seconds=result.seconds, fit=config, started=started,
                               kl_warmup_epochs=recipe.kl_warmup_epochs, train_examples=len(train_x),
                               validation_examples=len(validation_x))
    grid = sample(model, {"model": model.config}, SampleRequest(count=64, seed=0))
    release(request.out_dir, model, plugin="vae", variant=request.variant, data=DATA_FACTS, training=training,
            metrics=metrics, card=card_text, samples=grid_image(grid.data, nrow=8, scale=2))
    return Path(request.out_dir)
