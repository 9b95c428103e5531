"""Train a conditional GAN: K discriminator steps per generator step, any objective of
`genhub.training.gan_objectives`, an EMA of the generator, checkpoints every ``save_every`` steps.

The weights folder holds the EMA generator (batch-norm statistics re-estimated) and the
discriminator; its config records the judge's scores of 10,000 samples.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import torch
from tqdm import tqdm

from genhub.imaging.grid import grid_image
from genhub.plugin import SampleRequest, TrainRequest
from genhub.plugins.cgan.model import ConditionalGAN, from_unit
from genhub.plugins.cgan.variants import RECIPES, VariantRecipe, data_facts
from genhub.training.checkpoint import has_checkpoint, load_checkpoint, save_checkpoint
from genhub.training.curves import append_log, plot_loss_curve, read_log
from genhub.training.data import IDX_DATASETS, load_idx_dataset
from genhub.training.ema import recompute_batchnorm, update_ema
from genhub.training.gan_objectives import OBJECTIVES, gradient_penalty, make_optimizer
from genhub.weights import save_weights


class TrainingState(torch.nn.Module):
    """Everything a checkpoint restores: the model (EMA generator + discriminator) and the raw generator."""

    def __init__(self, model: ConditionalGAN) -> None:
        super().__init__()
        self.model = model
        self.generator = copy.deepcopy(model.generator)


def train_gan(recipe: VariantRecipe, out_dir: Path, *, data_dir=None, device: str = "cpu", steps: int | None = None,
              batch_size: int | None = None, lr: float | None = None, train_limit: int | None = None,
              seed: int = 0, resume: bool = True, save_every: int = 500, title: str = "cgan") -> TrainingState:
    """Run the adversarial loop; return the trained state (on CPU, eval mode). Writes
    ``out_dir/checkpoint/``, ``log.jsonl`` and ``loss_curve.png``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    objective = OBJECTIVES[recipe.objective]
    dev = torch.device(device)
    images, labels = load_idx_dataset(recipe.dataset, "train", data_dir, train_limit)
    x = from_unit(images.float().div(255).unsqueeze(1)).to(dev)   # (N, 1, 28, 28) in [-1, 1]
    y = labels.to(dev)
    torch.manual_seed(seed)
    model = ConditionalGAN(classes=len(IDX_DATASETS[recipe.dataset].classes), spectral=objective.spectral_norm,
                           **recipe.model)
    state = TrainingState(model).to(dev)
    g, d = state.generator, model.discriminator
    opt_g = make_optimizer(objective, g.parameters(), lr)
    opt_d = make_optimizer(objective, d.parameters(), lr)
    optimizers = {"generator": opt_g, "discriminator": opt_d}
    total = steps or recipe.steps
    batch = batch_size or recipe.batch_size
    ckpt, log_path = out_dir / "checkpoint", out_dir / "log.jsonl"
    step, seconds = 0, 0.0
    if resume and has_checkpoint(ckpt):
        progress = load_checkpoint(ckpt, state, optimizers)
        step, seconds = progress["step"], progress["seconds"]
        print(f"resuming from {ckpt}: step {step}")
    elif log_path.exists():
        log_path.unlink()
    generator = torch.Generator(device=dev).manual_seed(seed * 7919 + step)

    def real_batch() -> tuple[torch.Tensor, torch.Tensor]:
        index = torch.randint(len(x), (batch,), device=dev, generator=generator)
        return x[index], y[index]

    def fake_batch(labels_: torch.Tensor) -> torch.Tensor:
        return g(torch.randn(len(labels_), model.z_dim, device=dev, generator=generator), labels_)

    state.train()
    sums: dict[str, float] = {}
    bar = tqdm(total=total, initial=step, desc=title, dynamic_ncols=True)
    started = time.perf_counter()
    while step < total:
        for _ in range(objective.d_steps):
            real, real_y = real_batch()
            with torch.no_grad():
                fake = fake_batch(real_y)
            loss_d = objective.d_loss(d(real, real_y), d(fake, real_y))
            if objective.gradient_penalty:
                penalty = gradient_penalty(lambda im, y_=real_y: d(im, y_), real, fake)
                loss_d = loss_d + objective.gradient_penalty * penalty
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            if objective.clip is not None:
                with torch.no_grad():
                    for p in d.parameters():
                        p.clamp_(-objective.clip, objective.clip)
        fake_y = torch.randint(model.classes, (batch,), device=dev, generator=generator)
        loss_g = objective.g_loss(d(fake_batch(fake_y), fake_y))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        # Short runs (smoke tests, the objective comparison) warm the EMA up from the start.
        update_ema(model.generator, g, min(recipe.ema_decay, (1 + step) / (10 + step)))
        step += 1
        for k, v in (("loss_d", loss_d), ("loss_g", loss_g)):
            sums[k] = sums.get(k, 0.0) + v.item()
        bar.update(1)
        if step % 100 == 0 or step == total:
            n = step % 100 or 100
            append_log(log_path, {"split": "train", "step": step, **{k: v / n for k, v in sums.items()}})
            bar.set_postfix(d=f"{sums['loss_d'] / n:.3f}", g=f"{sums['loss_g'] / n:.3f}")
            sums = {}
        if step % save_every == 0 or step == total:
            seconds += time.perf_counter() - started
            started = time.perf_counter()
            save_checkpoint(ckpt, state, optimizers, {"step": step, "seconds": seconds})
            plot_loss_curve(read_log(log_path), out_dir / "loss_curve.png", title)
    bar.close()
    state.seconds = seconds
    state.steps = step
    state.cpu()
    recompute_batchnorm(model.generator, lambda: model.generator(
        torch.randn(256, model.z_dim), torch.arange(256) % model.classes))
    state.eval()
    return state


def train(request: TrainRequest) -> Path:
    """``genhub train cgan --variant mnist|fashion-mnist``; ``--epochs`` is not used: the budget is
    generator steps (``--max-steps``, default from the recipe)."""
    if request.variant not in RECIPES:
        raise ValueError(f"unknown CGAN variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    state = train_gan(recipe, request.out_dir, data_dir=request.data_dir, device=request.device,
                      steps=request.max_steps, batch_size=request.batch_size, lr=request.lr,
                      train_limit=request.train_limit, seed=request.seed, resume=request.resume,
                      title=f"cgan/{request.variant}")
    model = state.model
    from genhub.plugins.cgan.card import write_card
    from genhub.plugins.cgan.quality import score_generator

    model_args = {"classes": model.classes, "spectral": OBJECTIVES[recipe.objective].spectral_norm, **recipe.model}
    full = {
        "plugin": "cgan", "variant": request.variant, "model": model_args, "data": data_facts(recipe.dataset),
        "training": {"objective": recipe.objective, "generator_steps": state.steps,
                     "d_steps_per_g_step": OBJECTIVES[recipe.objective].d_steps,
                     "batch_size": request.batch_size or recipe.batch_size, "ema_decay": recipe.ema_decay,
                     "lr": request.lr or OBJECTIVES[recipe.objective].lr, "steps": state.steps,
                     "seconds": round(state.seconds, 1), "device": request.device, "command": request.command},
        "metrics": {},
    }
    out = Path(request.out_dir)
    if request.train_limit is None:
        full["metrics"] = score_generator(model, recipe.dataset, request.data_dir, per_class=1000)
    sha = save_weights(out, model, full)
    from genhub.plugins.cgan.sample import sample

    grid = sample(model, full, SampleRequest(count=100, seed=0))
    grid_image(grid.data, nrow=10, scale=2).save(out / "samples.png")
    write_card(out, full, sha)
    print(f"wrote {out} (sha256 {sha})")
    return out
