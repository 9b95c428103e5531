"""Train CycleGAN on the shared adversarial loop (`genhub.training.adversarial`).

The loop sees one "generator" (the `CycleGAN` pair) and one "discriminator" (`Discriminators`,
D_A and D_B routed by domain). A batch is (faces a, drawings b); the fakes are (F(b), G(a)),
labelled with the domain they pretend to be in, so one least-squares critic call scores both
directions. The generator's extra losses are cycle consistency and identity.

The loop's least-squares generator loss is ½·mean over both directions, a quarter of the
paper's L_GAN(G) + L_GAN(F); the extra losses are scaled by the same quarter, so the ratios are
the paper's (λ = 10 for the cycle, 0.5·λ for identity).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import torch

from genhub.plugin import TrainRequest
from genhub.plugins.cyclegan.data import (
    SPLIT_SEED,
    TEST_PER_DOMAIN,
    VALIDATION_PER_DOMAIN,
    Domains,
    load_anime,
    load_folder,
    to_model,
)
from genhub.plugins.cyclegan.model import CycleGAN, Discriminators, to_unit
from genhub.plugins.cyclegan.pool import ImagePool
from genhub.plugins.cyclegan.variants import RECIPES, VariantRecipe
from genhub.plugins.cyclegan.xdog import XDoG
from genhub.training.adversarial import GANConfig, GANResult, GANTask, train_adversarial
from genhub.training.image_files import ANIME_FOLDER

LOSS_SCALE = 0.25
"""The loop's LSGAN generator loss over the paper's (see the module docstring)."""


def identity_loss(g: CycleGAN, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The paper's identity term ‖G(b) − b‖₁ + ‖F(a) − a‖₁ (means), before weighting."""
    return (g.face_to_drawing(b) - b).abs().mean() + (g.drawing_to_face(a) - a).abs().mean()


def cycle_task(cycle_weight: float = 10.0, identity_weight: float = 0.5, pool_size: int = 50) -> GANTask:
    """Batches are (a, b), each (N, 3, S, S) in [-1, 1]; conditions are domains (0: A, 1: B)."""
    pools = (ImagePool(pool_size), ImagePool(pool_size))

    def domains(n: int, device: torch.device) -> torch.Tensor:
        return torch.arange(2, device=device).repeat_interleave(n)

    def fake(g: CycleGAN, batch, rng):
        a, b = batch
        return torch.cat([g.drawing_to_face(b), g.face_to_drawing(a)]), domains(len(a), a.device)

    def real(batch):
        a, b = batch
        return torch.cat([a, b]), domains(len(a), a.device)

    def replay(images: torch.Tensor, domain: torch.Tensor, rng: torch.Generator):
        n = len(images) // 2
        return torch.cat([pools[0].query(images[:n], rng), pools[1].query(images[n:], rng)]), domain

    def extra(g: CycleGAN, batch, fakes: torch.Tensor) -> dict[str, torch.Tensor]:
        a, b = batch
        fake_a, fake_b = fakes[: len(a)], fakes[len(a):]
        losses = {"cycle": LOSS_SCALE * cycle_weight * ((g.drawing_to_face(fake_b) - a).abs().mean()
                                                        + (g.face_to_drawing(fake_a) - b).abs().mean())}
        if identity_weight:
            losses["identity"] = LOSS_SCALE * identity_weight * cycle_weight * identity_loss(g, a, b)
        return losses

    return GANTask(fake=fake, real=real, critic=lambda d, images, domain: d(images, domain),
                   generator_extra=extra, replay=replay)


@torch.no_grad()
def translate_batches(generator, images: torch.Tensor, batch: int = 50) -> torch.Tensor:
    """uint8 or [-1, 1] images through one generator, in batches -> [0, 1] float on the CPU."""
    device = next(generator.parameters()).device
    x = to_model(images) if images.dtype == torch.uint8 else images
    return torch.cat([to_unit(generator(chunk.to(device))).cpu() for chunk in x.split(batch)])


def validator(domains: Domains):
    """Scores of the EMA pair on the validation split: cycle L1 per direction in [0, 1] units and,
    where the true drawings are known, the edge F1 of face → drawing."""
    from genhub.plugins.cyclegan.quality import translation_scores

    def validate(g: CycleGAN) -> dict[str, float]:
        scores = translation_scores(g, domains.validation_a, domains.validation_b, domains.validation_a_drawings)
        scores.pop("l1", None)  # the validation log keeps its fields: cycle L1 and the edge scores
        return scores

    return validate


def covering(count: int, n: int, generator: torch.Generator) -> torch.Tensor:
    """``n`` indices into ``count`` items, as whole shuffled passes (the last one cut short): with
    ``count`` < ``n`` each item appears ⌊n/count⌋ or ⌈n/count⌉ times; with ``count`` = ``n`` it is one
    permutation."""
    passes = -(-n // count)
    return torch.cat([torch.randperm(count, generator=generator) for _ in range(passes)])[:n]


def train_cyclegan(recipe: VariantRecipe, domains: Domains, out_dir: Path, *, device: str = "cpu",
                   steps: int | None = None, batch_size: int | None = None, lr: float | None = None, seed: int = 0,
                   resume: bool = True, validate: bool = True, save_every: int = 500, validate_every: int = 1000,
                   title: str = "cyclegan") -> tuple[CycleGAN, GANResult]:
    """Train ``recipe`` on ``domains``; return (the kept EMA pair, on CPU in eval mode; the loop's result)."""
    total = steps or recipe.steps
    torch.manual_seed(seed)
    model = CycleGAN(**recipe.model)
    critics = Discriminators(width=recipe.d_width, layers=recipe.d_layers)
    n = max(len(domains.train_a), len(domains.train_b))
    # Unpaired: each step draws index i for both domains, so B is shuffled once to break any order, and
    # the smaller domain is repeated (whole shuffled passes) up to the larger one's count: every image
    # of both is trained on.
    a = (torch.arange(n) if len(domains.train_a) == n
         else covering(len(domains.train_a), n, torch.Generator().manual_seed(seed + 1)))
    b = covering(len(domains.train_b), n, torch.Generator().manual_seed(seed))
    data = [to_model(domains.train_a[a]), to_model(domains.train_b[b])]
    config = GANConfig(steps=total, batch_size=batch_size or recipe.batch_size, objective="lsgan",
                       lr=lr or recipe.lr, decay_from=total // 2, ema_decay=recipe.ema_decay, seed=seed,
                       log_every=min(100, total), save_every=save_every, validate_every=validate_every)
    task = cycle_task(recipe.cycle_weight, recipe.identity_weight, recipe.pool_size)
    result = train_adversarial(model, critics, data, task, config, Path(out_dir), torch.device(device),
                               resume=resume, validate=validator(domains) if validate else None, title=title)
    result.trained_examples = len(domains.train_a) + len(domains.train_b)
    result.validation_examples = len(domains.validation_a) + len(domains.validation_b)
    return result.generator_ema.eval(), result


def load_domains(request: TrainRequest, recipe: VariantRecipe) -> Domains:
    folder = request.options.get("folder")
    if folder:
        return load_folder(folder, recipe.size, request.train_limit)
    return load_anime(recipe.size, request.data_dir, request.train_limit)


def train(request: TrainRequest) -> Path:
    """``genhub train cyclegan --variant anime-xdog`` (or any variant name with ``--folder`` holding
    ``trainA/ trainB/ testA/ testB/``): the budget is generator steps (``--max-steps``)."""
    folder = request.options.get("folder")
    if request.variant not in RECIPES and not folder:
        raise ValueError(f"unknown CycleGAN variant {request.variant!r}; known: {', '.join(RECIPES)} "
                         "(or give --folder with trainA/ trainB/ testA/ testB/ to train a variant of your own)")
    recipe = RECIPES.get(request.variant, RECIPES["anime-xdog"])
    given = {k: v for k, v in request.options.items() if v is not None}
    recipe = dataclasses.replace(recipe, size=given.get("size", recipe.size),
                                 model=request.architecture(recipe.model))
    started = time.perf_counter()
    domains = load_domains(request, recipe)
    model, result = train_cyclegan(recipe, domains, request.out_dir, device=request.device, steps=request.max_steps,
                                   batch_size=request.batch_size, lr=request.lr, seed=request.seed,
                                   resume=request.resume, validate=request.train_limit is None,
                                   title=f"cyclegan/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    return release_cyclegan(model, request, recipe, domains, result, started)


def data_facts(recipe: VariantRecipe, domains: Domains, folder: str | None) -> dict[str, Any]:
    sizes = {k: len(getattr(domains, k)) for k in ("train_a", "train_b", "validation_a", "validation_b",
                                                     "test_a", "test_b")}
    if folder:
        return {"dataset": Path(folder).name, "image_size": recipe.size, "channels": 3, "value_range": [0.0, 1.0],
                "splits": sizes, "description": f"unpaired folder {Path(folder).name} (trainA/trainB/testA/testB), "
                                                f"shorter side resized to {recipe.size} px, centre crop."}
    return {"dataset": "anime_faces", "image_size": recipe.size, "channels": 3, "value_range": [0.0, 1.0],
            "domains": {"a": "anime faces", "b": "XDoG line drawings of other anime faces"},
            "split_seed": SPLIT_SEED, "test_per_domain": TEST_PER_DOMAIN,
            "validation_per_domain": VALIDATION_PER_DOMAIN,
            "xdog": XDoG().as_dict(), "splits": sizes,
            "description": (f"{ANIME_FOLDER} (10,000 96×96 anime face crops, GitHub antoncoding/Deep_Learning_GAN; "
                            f"no licence stated): a permutation seeded {SPLIT_SEED} splits them into two disjoint "
                            f"halves; half A stays faces, half B becomes XDoG line drawings (no face in both). Each "
                            f"half keeps its last {TEST_PER_DOMAIN} for test and {VALIDATION_PER_DOMAIN} before them "
                            f"for validation. Resized 96 → {recipe.size} (antialiased bilinear), no flips.")}


def release_cyclegan(model: CycleGAN, request: TrainRequest, recipe: VariantRecipe, domains: Domains,
                     result: GANResult, started: float | None = None) -> Path:
    """Score ``model`` on the test split (once; skipped for smoke runs) and write its weights folder."""
    from genhub.imaging.grid import grid_image
    from genhub.plugins.cyclegan.card import card_text
    from genhub.plugins.cyclegan.quality import score_translation
    from genhub.training.release import release, training_record

    training = training_record(
        command=request.command, device=request.device, steps=result.steps, seconds=result.seconds, started=started,
        objective="lsgan", batch_size=request.batch_size or recipe.batch_size, lr=request.lr or recipe.lr,
        lr_schedule="constant, then linear to 0 over the second half", cycle_weight=recipe.cycle_weight,
        identity_weight=recipe.identity_weight * recipe.cycle_weight, pool_size=recipe.pool_size,
        ema_decay=recipe.ema_decay, discriminator={"width": recipe.d_width, "layers": recipe.d_layers},
        images_seen=result.steps * (request.batch_size or recipe.batch_size) * 2,
        validation_examples=result.validation_examples, last_validation=result.history[-1] if result.history else {})
    metrics = {} if request.train_limit else score_translation(model, domains)
    shown = torch.cat([domains.test_a[:8].float() / 255, translate_batches(model.face_to_drawing, domains.test_a[:8]),
                       domains.test_b[:8].float() / 255, translate_batches(model.drawing_to_face, domains.test_b[:8])])
    out = Path(request.out_dir)
    release(out, model, plugin="cyclegan", variant=request.variant,
            data=data_facts(recipe, domains, request.options.get("folder")), training=training, metrics=metrics,
            card=card_text, samples=grid_image(shown, nrow=8, scale=2))
    return out
