"""Train a Gated PixelCNN variant on MNIST with the shared `fit` loop; the loss is the
per-image negative log-likelihood in nats; labels are dropped for 10 % of each batch, so one
model samples both with and without a class."""

from __future__ import annotations

import math
import time
from dataclasses import asdict
from pathlib import Path

import torch

from genhub.imaging.grid import grid_image
from genhub.plugin import TrainRequest
from genhub.plugins.pixelcnn.model import GatedPixelCNN, nll_nats
from genhub.plugins.pixelcnn.variants import RECIPES, data_facts
from genhub.training.data import load_idx_dataset
from genhub.training.loop import FitConfig, fit
from genhub.weights import save_weights

UNCONDITIONED_SHARE = 0.1


def prepare(images: torch.Tensor, levels: int, seed: int | None = None) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28): k/255, or one seeded binarization for levels=2
    (``seed`` None keeps the gray values, for dynamic binarization later)."""
    x = images.float().div(255).unsqueeze(1)
    if levels == 2 and seed is not None:
        return torch.bernoulli(x, generator=torch.Generator().manual_seed(seed))
    return x


@torch.no_grad()
def mean_nll(model: GatedPixelCNN, x: torch.Tensor, y: torch.Tensor | None, batch: int = 500) -> float:
    """Mean −log p(x | y) in nats over images x (N, 1, 28, 28) (y None: unconditioned)."""
    device = next(model.parameters()).device
    total = 0.0
    for i in range(0, len(x), batch):
        xb = x[i:i + batch].to(device)
        yb = None if y is None else y[i:i + batch].to(device)
        total += nll_nats(model(xb, yb), xb, model.levels).sum().item()
    return total / len(x)


@torch.no_grad()
def mixture_nll(model: GatedPixelCNN, x: torch.Tensor, batch: int = 500) -> float:
    """Mean −log p(x) in nats of the label mixture p(x) = Σ_y p(x | y) / classes: an unconditional
    density, comparable with unconditional models' NLL (and within log(classes) of −log p(x | y))."""
    device = next(model.parameters()).device
    total = 0.0
    for i in range(0, len(x), batch):
        xb = x[i:i + batch].to(device)
        per_class = torch.stack([nll_nats(model(xb, torch.full((len(xb),), y, device=device)), xb, model.levels)
                                 for y in range(model.classes)])                       # (classes, N)
        total += (math.log(model.classes) - torch.logsumexp(-per_class.double(), 0)).sum().item()
    return total / len(x)


def train(request: TrainRequest) -> Path:
    if request.variant not in RECIPES:
        raise ValueError(f"unknown PixelCNN variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    levels = recipe.levels
    images, labels = load_idx_dataset("mnist", "train", request.data_dir, request.train_limit)
    test_images, test_labels = load_idx_dataset("mnist", "test", request.data_dir,
                                                2000 if request.train_limit is None else 256)
    train_x = prepare(images, levels)
    test_x = prepare(test_images, levels, seed=0)
    config = FitConfig(epochs=request.epochs or recipe.epochs, batch_size=request.batch_size or recipe.batch_size,
                       lr=request.lr or recipe.lr, max_steps=request.max_steps, seed=request.seed,
                       grad_clip=1.0, lr_schedule="cosine", log_every=25)

    def loss_fn(model, batch, step):
        x, y = batch
        if levels == 2:
            x = torch.bernoulli(x)
        drop = torch.rand(len(y), device=y.device) < UNCONDITIONED_SHARE
        y = torch.where(drop, torch.full_like(y, recipe.model["classes"]), y)  # the "no class" label
        nll = nll_nats(model(x, y), x, levels).mean()
        return {"loss": nll / 784, "nll_nats": nll}

    def evaluate(model):
        return {"nll_nats": mean_nll(model, test_x, test_labels)}

    torch.manual_seed(request.seed)
    model = GatedPixelCNN(**recipe.model)
    started = time.perf_counter()
    result = fit(model, [train_x, labels], loss_fn, config, request.out_dir, torch.device(request.device),
                 resume=request.resume, evaluate=evaluate, title=f"pixelcnn/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model.cpu()
    nll = mean_nll(model, test_x, test_labels)
    metrics = {"test_nll_nats_first_2000": round(nll, 3)} if levels == 2 else {
        "test_nll_bits_per_dim_first_2000": round(nll / (784 * math.log(2)), 4)}
    full = {
        "plugin": "pixelcnn", "variant": request.variant, "model": recipe.model, "data": data_facts(levels),
        "training": {**{k: v for k, v in asdict(config).items() if k != "log_every"},
                     "unconditioned_share": UNCONDITIONED_SHARE, "steps": result.steps,
                     "seconds": round(result.seconds, 1), "device": request.device, "train_examples": len(train_x),
                     "command": request.command, "wall_seconds": round(time.perf_counter() - started, 1)},
        "metrics": metrics,
    }
    out = Path(request.out_dir)
    sha = save_weights(out, model, full)
    from genhub.plugins.pixelcnn.card import write_card
    from genhub.plugins.pixelcnn.sample import complete, region_mask

    labels = torch.arange(20) % 10
    drawn = complete(model, torch.zeros(20, 1, 28, 28), region_mask("everything", 20), labels, seed=0)
    grid_image(drawn.images, nrow=10, scale=2).save(out / "samples.png")
    write_card(out, full, sha)
    print(f"wrote {out} (sha256 {sha})")
    return out
