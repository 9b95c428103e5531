"""Train a Gated PixelCNN variant on MNIST with the shared `fit` loop; the loss is the
per-image negative log-likelihood in nats; labels are dropped for 10 % of each batch, so one
model samples both with and without a class. A validation split carved from the training
images is scored after each epoch; the test digits once, at the end."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import torch

from genhub.imaging.grid import grid_image
from genhub.plugin import TrainRequest
from genhub.plugins.pixelcnn.card import card_text
from genhub.plugins.pixelcnn.model import GatedPixelCNN, nll_nats
from genhub.plugins.pixelcnn.quality import mean_nll, mixture_nll, prepare
from genhub.plugins.pixelcnn.sample import complete, region_mask
from genhub.plugins.pixelcnn.variants import RECIPES, data_facts
from genhub.training.data import carve_validation, load_idx_dataset
from genhub.training.loop import FitConfig, fit
from genhub.training.release import release, training_record

UNCONDITIONED_SHARE = 0.1
VALIDATION_IMAGES = 5_000
"""Training images held out (`carve_validation`) to monitor training and choose recipes; runs on
fewer images (``train_limit``) hold out a tenth, at least one."""


def score_test_set(model: GatedPixelCNN, x: torch.Tensor, labels: torch.Tensor, mixture: bool,
                   subset: str = "") -> dict[str, float]:
    """The released metrics on the test digits x (N, 1, 28, 28): for the binarized variant the NLL
    in nats given the label, without one and, with ``mixture`` (ten passes), of the label mixture;
    for 256 levels the NLL in bits/dim. ``subset`` (e.g. ``"_first_256"``) names a partial test set
    in every key; the released numbers use all 10,000 digits."""
    nll = mean_nll(model, x, labels)
    if model.levels != 2:
        return {f"test_nll_bits_per_dim{subset}": round(nll / (784 * math.log(2)), 4),
                f"test_nll_bits_per_dim_no_label{subset}": round(mean_nll(model, x, None) / (784 * math.log(2)), 4)}
    metrics = {f"test_nll_nats{subset}": round(nll, 3),
               f"test_nll_nats_no_label{subset}": round(mean_nll(model, x, None), 3)}
    if mixture:
        metrics[f"test_nll_nats_label_mixture{subset}"] = round(mixture_nll(model, x), 3)
    return metrics


class KeepBest:
    """The ``evaluate`` hook that also remembers the weights of the best validation NLL, so the
    release is the epoch validation chose, not merely the last. It sees the epochs this process
    runs: a resumed run chooses among the epochs after the resume (and the last one if none ran)."""

    def __init__(self, validation_x: torch.Tensor, validation_labels: torch.Tensor) -> None:
        self.x, self.labels = validation_x, validation_labels
        self.best: float = math.inf
        self.best_epoch = 0
        self.epoch = 0
        self.state: dict[str, torch.Tensor] | None = None

    def __call__(self, model: GatedPixelCNN) -> dict[str, float]:
        self.epoch += 1
        nll = mean_nll(model, self.x, self.labels)
        if nll < self.best:
            self.best, self.best_epoch = nll, self.epoch
            self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        return {"nll_nats": nll}


def train(request: TrainRequest) -> Path:
    if request.variant not in RECIPES:
        raise ValueError(f"unknown PixelCNN variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    recipe = dataclasses.replace(recipe, model=request.architecture(recipe.model))
    levels = recipe.model["levels"]   # the architecture trained, tiny-config overrides included
    images, labels = load_idx_dataset("mnist", "train", request.data_dir, request.train_limit)
    test_limit = None if request.train_limit is None else 256   # smoke runs score a named subset
    test_images, test_labels = load_idx_dataset("mnist", "test", request.data_dir, test_limit)
    (images, labels), (validation_images, validation_labels) = carve_validation(
        images, labels, size=min(VALIDATION_IMAGES, max(1, len(images) // 10)))
    train_x = prepare(images, levels)
    validation_x = prepare(validation_images, levels, seed=0)
    test_x = prepare(test_images, levels, seed=0)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed,
                       grad_clip=1.0, lr_schedule="cosine", log_every=25,
                       max_seconds=request.minutes * 60 if request.minutes else None)

    def loss_fn(model, batch, step):
        x, y = batch
        if levels == 2:
            x = torch.bernoulli(x)
        drop = torch.rand(len(y), device=y.device) < UNCONDITIONED_SHARE
        y = torch.where(drop, torch.full_like(y, recipe.model["classes"]), y)  # the "no class" label
        nll = nll_nats(model(x, y), x, levels).mean()
        return {"loss": nll / 784, "nll_nats": nll}

    evaluate = KeepBest(validation_x, validation_labels)
    torch.manual_seed(request.seed)
    model = GatedPixelCNN(**recipe.model)
    started = time.perf_counter()
    result = fit(model, [train_x, labels], loss_fn, config, request.out_dir, torch.device(request.device),
                 resume=request.resume, evaluate=evaluate, title=f"pixelcnn/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model
    if evaluate.state is not None:
        model.load_state_dict(evaluate.state)
    # The one look at the test set, on the training device; smoke runs skip the ten-pass mixture.
    metrics = score_test_set(model, test_x, test_labels, mixture=request.train_limit is None,
                             subset="" if test_limit is None else f"_first_{test_limit}")
    model = model.cpu()
    training = training_record(command=request.command, device=request.device, steps=result.steps,
                               seconds=result.seconds, fit=config, started=started,
                               unconditioned_share=UNCONDITIONED_SHARE, train_examples=len(train_x),
                               validation_examples=len(validation_x), kept_epoch=evaluate.best_epoch or None,
                               kept_validation_nll_nats=round(evaluate.best, 3) if evaluate.state else None)
    wanted = torch.arange(20) % 10
    drawn = complete(model, torch.zeros(20, 1, 28, 28), region_mask("everything", 20), wanted, seed=0)
    release(request.out_dir, model, plugin="pixelcnn", variant=request.variant, data=data_facts(levels),
            training=training, metrics=metrics, card=card_text, samples=grid_image(drawn.images, nrow=10, scale=2))
    return Path(request.out_dir)
