"""Train StyleGAN2 on the shared adversarial loop (`genhub.training.adversarial`).

Non-saturating logistic loss, lazy R1 on real images every 16 discriminator steps, Adam
(lr 0.0025, β = (0, 0.99)), style-mixing regularization on 90 % of generated images, DiffAugment
on everything D sees, x-flipped copies of every training face, and an EMA generator, which is
what ships. The budget is generator steps (``--max-steps``) or minutes of training (``--minutes``),
whichever ends first.

Progressive growing is declined: StyleGAN2 replaced it with the skip generator and residual
discriminator, which train all resolutions from the start (Karras et al. 2020, §4).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import torch

from genhub.plugin import TrainRequest
from genhub.plugins.stylegan.augment import POLICY, diff_augment
from genhub.plugins.stylegan.data import SPLIT_SEED, Faces, load_faces, to_model
from genhub.plugins.stylegan.model import Discriminator, Generator
from genhub.plugins.stylegan.variants import RECIPES, VariantRecipe
from genhub.training.adversarial import GANConfig, GANResult, GANTask, train_adversarial


def mixed_styles(g: Generator, n: int, mixing: float, rng: torch.Generator, device: torch.device) -> torch.Tensor:
    """Styles (n, num_ws, w_dim) of fresh z's; with probability ``mixing`` an image's styles switch
    to a second z's from a random layer 1 … num_ws − 1 on (style-mixing regularization)."""
    ws = g.mapping_ws(torch.randn(n, g.z_dim, device=device, generator=rng))
    if not mixing:
        return ws
    other = g.mapping_ws(torch.randn(n, g.z_dim, device=device, generator=rng))
    cutoff = torch.randint(1, g.num_ws, (n, 1), device=device, generator=rng)
    mixed = torch.rand(n, 1, device=device, generator=rng) < mixing
    take = (torch.arange(g.num_ws, device=device)[None] >= cutoff) & mixed    # (n, num_ws)
    return torch.where(take[..., None], other, ws)


def style_task(mixing: float, augment: str) -> GANTask:
    """Batches are (faces uint8 (N, 3, S, S),); the generator ignores them but for their number."""
    def fake(g: Generator, batch, rng):
        ws = mixed_styles(g, len(batch[0]), mixing, rng, batch[0].device)
        return g.synthesis(ws, "random", rng), None

    return GANTask(fake=fake, real=lambda batch: (to_model(batch[0]), None),
                   critic=lambda d, images, _: d(images),
                   augment=diff_augment if augment == "diffaugment" else None)


def train_stylegan(recipe: VariantRecipe, faces: Faces, out_dir: Path, *, device: str = "cpu",
                   steps: int | None = None, batch_size: int | None = None, lr: float | None = None,
                   max_seconds: float | None = None, seed: int = 0, resume: bool = True,
                   save_every: int = 1000, snapshot_every: int | None = None,
                   title: str = "stylegan") -> tuple[Generator, GANResult]:
    """Train ``recipe`` on ``faces``; return (the EMA generator, on CPU in eval mode; the loop's result)."""
    if device.startswith("cuda"):
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(seed)
    generator = Generator(**recipe.model)
    discriminator = Discriminator(resolution=generator.resolution, channel_base=recipe.model["channel_base"],
                                  channel_max=recipe.model["channel_max"])
    data = [torch.cat([faces.train, faces.train.flip(-1)])]   # x-flips: every face both ways
    config = GANConfig(steps=steps or recipe.steps, batch_size=batch_size or recipe.batch_size,
                       objective="nonsaturating", lr=lr or recipe.lr, betas=recipe.betas,
                       ema_decay=recipe.ema_decay, r1_gamma=recipe.r1_gamma, r1_every=16, seed=seed,
                       log_every=min(100, steps or recipe.steps), save_every=save_every,
                       max_seconds=max_seconds, snapshot_every=snapshot_every)
    result = train_adversarial(generator, discriminator, data, style_task(recipe.style_mixing, recipe.augment),
                               config, Path(out_dir), torch.device(device), resume=resume, title=title)
    result.trained_examples = len(faces.train)
    result.validation_examples = len(faces.validation)
    return result.generator_ema.eval(), result


def recipe_for(request: TrainRequest) -> VariantRecipe:
    if request.variant not in RECIPES:
        raise ValueError(f"unknown StyleGAN variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    given = {k: v for k, v in request.options.items() if v is not None}
    return dataclasses.replace(recipe, augment=given.get("augment", recipe.augment),
                               model=request.architecture(recipe.model))


def train(request: TrainRequest) -> Path:
    """``genhub train stylegan --variant anime-64 [--minutes M] [--max-steps N] [--augment none]``."""
    recipe = recipe_for(request)
    minutes = request.minutes
    started = time.perf_counter()
    faces = load_faces(recipe.model["resolution"], request.data_dir, recipe.validation, request.train_limit)
    generator, result = train_stylegan(recipe, faces, request.out_dir, device=request.device,
                                       steps=request.max_steps, batch_size=request.batch_size, lr=request.lr,
                                       max_seconds=minutes * 60 if minutes else None, seed=request.seed,
                                       resume=request.resume, snapshot_every=request.options.get("snapshot_every"),
                                       title=f"stylegan/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    return release_stylegan(generator, request.out_dir, recipe, training_facts(request, recipe, result, started),
                            metrics={})


def training_facts(request: TrainRequest, recipe: VariantRecipe, result: GANResult,
                   started: float | None = None) -> dict[str, Any]:
    """config.json's ``"training"`` for a finished run."""
    from genhub.training.release import training_record

    batch = request.batch_size or recipe.batch_size
    return training_record(
        command=request.command, device=request.device, steps=result.steps, seconds=result.seconds,
        started=started, objective="nonsaturating logistic", batch_size=batch, lr=request.lr or recipe.lr,
        betas=list(recipe.betas), r1_gamma=recipe.r1_gamma, r1_every=16, ema_decay=recipe.ema_decay,
        style_mixing=recipe.style_mixing, augment=recipe.augment,
        augment_policy=list(POLICY) if recipe.augment == "diffaugment" else [],
        images_seen=result.steps * batch, train_examples=result.trained_examples,
        validation_examples=result.validation_examples, x_flips=True, progressive_growing=False)


def data_facts(recipe: VariantRecipe) -> dict[str, Any]:
    size = recipe.model["resolution"]
    return {"dataset": "anime_faces", "image_size": size, "channels": 3, "value_range": [0.0, 1.0],
            "validation_seed": SPLIT_SEED, "validation_faces": recipe.validation,
            "description": ("anime_faces/images (10,000 96×96 anime face crops, GitHub antoncoding/Deep_Learning_GAN; "
                            f"no licence stated): resized 96 → {size} (antialiased bilinear, centre crop), "
                            f"{recipe.validation} held out for validation by a permutation seeded {SPLIT_SEED}, the "
                            "rest trained with their mirror images. FID is measured against all 10,000.")}


def release_stylegan(generator: Generator, out_dir: Path, recipe: VariantRecipe, training: dict[str, Any],
                     metrics: dict[str, Any], variant: str = "anime-64") -> Path:
    """Write the EMA generator's weights folder (weights, config, card, seeded samples)."""
    from genhub.imaging.grid import grid_image
    from genhub.plugins.stylegan.card import card_text
    from genhub.plugins.stylegan.model import to_unit
    from genhub.training.release import release

    generator = generator.cpu().eval()
    with torch.no_grad():
        rng = torch.Generator().manual_seed(0)
        z = torch.randn(32, generator.z_dim, generator=rng)
        images = to_unit(generator(z, noise_mode="const"))
    release(out_dir, generator, plugin="stylegan", variant=variant, data=data_facts(recipe), training=training,
            metrics=metrics, card=card_text, samples=grid_image(images, nrow=8, scale=2))
    return Path(out_dir)
