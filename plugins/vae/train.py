"""Train a VAE variant on MNIST: dynamic binarization, KL warm-up, test ELBO each epoch."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import torch

from genhub.imaging.grid import grid_image
from genhub.plugin import SampleRequest, TrainRequest
from genhub.plugins.vae.card import write_card
from genhub.plugins.vae.model import VAE, negative_elbo
from genhub.plugins.vae.variants import DATA_FACTS, RECIPES
from genhub.training.data import load_idx_dataset
from genhub.training.loop import FitConfig, fit
from genhub.weights import save_weights


def binarize_fixed(images: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28) in {0, 1}, one seeded Bernoulli draw."""
    x = images.float().div(255).unsqueeze(1)
    return torch.bernoulli(x, generator=torch.Generator().manual_seed(seed))


def train(request: TrainRequest) -> Path:
    """Train ``request.variant`` and write its weights folder to ``request.out_dir``."""
    if request.variant not in RECIPES:
        raise ValueError(f"unknown VAE variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    images, _ = load_idx_dataset("mnist", "train", request.data_dir, request.train_limit)
    test_images, _ = load_idx_dataset("mnist", "test", request.data_dir,
                                      None if request.train_limit is None else max(256, request.train_limit // 6))
    train_x = images.float().div(255).unsqueeze(1)          # (N, 1, 28, 28) in [0, 1]
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
        torch.manual_seed(0)
        device = next(model.parameters()).device
        total = sum(negative_elbo(model, chunk.to(device))["neg_elbo"].item() * len(chunk)
                    for chunk in test_x.split(1000))
        return {"neg_elbo": total / len(test_x)}

    torch.manual_seed(request.seed)
    model = VAE(**recipe.model)
    started = time.perf_counter()
    result = fit(model, [train_x], loss_fn, config, request.out_dir, torch.device(request.device),
                 resume=request.resume, evaluate=evaluate, title=f"vae/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    model = result.model.cpu()
    test = evaluate(model)
    full = {
        "plugin": "vae",
        "variant": request.variant,
        "model": recipe.model,
        "data": DATA_FACTS,
        "training": {**{k: v for k, v in asdict(config).items() if k != "log_every"},
                     "kl_warmup_epochs": recipe.kl_warmup_epochs, "steps": result.steps,
                     "seconds": round(result.seconds, 1), "device": request.device,
                     "train_examples": len(train_x), "command": request.command,
                     "wall_seconds": round(time.perf_counter() - started, 1)},
        "metrics": {"test_neg_elbo_nats": round(test["neg_elbo"], 3)},
    }
    out = Path(request.out_dir)
    sha = save_weights(out, model, full)
    from genhub.plugins.vae.sample import sample

    grid = sample(model, full, SampleRequest(count=64, seed=0))
    grid_image(grid.data, nrow=8, scale=2).save(out / "samples.png")
    write_card(out, full, sha)
    print(f"wrote {out} (sha256 {sha})")
    return out
