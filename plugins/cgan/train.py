"""Train a conditional GAN on the shared adversarial loop (`genhub.training.adversarial`).

The batches are (image, label) pairs of an IDX dataset with a validation split held out; the
EMA generator that scores best on it (the judge's label accuracy of fresh samples) is kept,
its batch-norm statistics re-estimated, and released with the discriminator (which ranks
samples for "best of N"). The test set is scored once, at the end.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from genhub.plugin import SampleRequest, TrainRequest
from genhub.plugins.cgan.model import ConditionalGAN, Discriminator, Generator, from_unit
from genhub.plugins.cgan.variants import RECIPES, VariantRecipe, data_facts
from genhub.training.adversarial import GANConfig, GANResult, GANTask, steps_for_epochs, train_adversarial
from genhub.training.data import IDX_DATASETS, carve_validation, load_idx_dataset
from genhub.training.ema import recompute_batchnorm
from genhub.training.gan_objectives import OBJECTIVES


def conditional_task(z_dim: int, aux_weight: float = 0.0) -> GANTask:
    """Batches are (images in [-1, 1], labels); fakes reuse the batch's labels with fresh z."""

    def fake(g: Generator, batch, rng: torch.Generator):
        _, labels = batch
        z = torch.randn(len(labels), z_dim, device=labels.device, generator=rng)
        return g(z, labels), labels

    def critic(d: Discriminator, images: torch.Tensor, labels: torch.Tensor):
        logits, classes = d.realness_and_classes(images, labels)
        if classes is None or not aux_weight:
            return logits
        return logits, aux_weight * F.cross_entropy(classes, labels, reduction="none")

    return GANTask(fake=fake, real=lambda batch: (batch[0], batch[1]), critic=critic)


def train_gan(recipe: VariantRecipe, out_dir: Path, *, data_dir=None, device: str = "cpu", steps: int | None = None,
              epochs: float | None = None, batch_size: int | None = None, lr: float | None = None,
              train_limit: int | None = None, seed: int = 0, resume: bool = True, save_every: int = 500,
              validate_every: int = 1000, title: str = "cgan") -> tuple[ConditionalGAN, GANResult]:
    """Train ``recipe`` and return (the released model: kept EMA generator + discriminator, on
    CPU in eval mode; the loop's result). ``steps`` or ``epochs`` override the recipe's budget."""
    images, labels = load_idx_dataset(recipe.dataset, "train", data_dir, train_limit)
    x = from_unit(images.float().div(255).unsqueeze(1))                   # (N, 1, 28, 28) in [-1, 1]
    validation_size = min(recipe.validation, max(1, len(x) // 10))
    (x, y), (val_x, val_y) = carve_validation(x, labels, size=validation_size)
    batch = batch_size or recipe.batch_size
    total = steps or (steps_for_epochs(epochs, len(x), batch) if epochs else recipe.steps)
    objective = OBJECTIVES[recipe.objective]
    torch.manual_seed(seed)
    model = ConditionalGAN(**{"classes": len(IDX_DATASETS[recipe.dataset].classes), "spectral": objective.spectral_norm,
                              "aux_classifier": recipe.aux_weight > 0, **recipe.model})
    config = GANConfig(steps=total, batch_size=batch, objective=recipe.objective, lr=lr, ema_decay=recipe.ema_decay,
                       seed=seed, save_every=save_every, validate_every=validate_every)
    validate = validator(recipe.dataset, val_x, val_y, model.z_dim) if train_limit is None else None
    result = train_adversarial(model.generator, model.discriminator, [x, y],
                               conditional_task(model.z_dim, recipe.aux_weight), config, Path(out_dir),
                               torch.device(device), resume=resume, validate=validate,
                               select="label_accuracy" if validate else None, title=title)
    model.generator = result.generator_ema
    model.discriminator = result.discriminator
    recompute_batchnorm(model.generator, lambda: model.generator(
        torch.randn(256, model.z_dim), torch.arange(256) % model.classes))
    result.trained_examples, result.validation_examples = len(x), len(val_x)
    return model.eval(), result


def validator(dataset: str, images: torch.Tensor, labels: torch.Tensor, z_dim: int, per_class: int = 300):
    """Scores of the EMA generator on the validation split: the judge's label accuracy of
    ``per_class`` fresh samples per class (overall and worst class) and the Fréchet distance of
    their judge features to the held-out images'."""
    from genhub.plugins.cgan.model import to_unit
    from genhub.plugins.cgan.sample import noise_block
    from genhub.training.evaluation.classifier import judge, load_judge
    from genhub.training.evaluation.metrics import frechet_distance, label_accuracy, label_accuracy_per_class

    classifier, _ = load_judge(dataset)
    _, real_features = judge(classifier, images.add(1).div(2))

    def validate(generator: Generator) -> dict[str, float]:
        wanted = torch.arange(generator.classes).repeat_interleave(per_class)
        device = next(generator.parameters()).device
        made = to_unit(generator(noise_block(4321, len(wanted), z_dim).to(device), wanted.to(device))).cpu()
        probs, features = judge(classifier, made)
        return {"label_accuracy": label_accuracy(probs, wanted),
                "worst_class_accuracy": min(label_accuracy_per_class(probs, wanted)),
                "frechet_distance": frechet_distance(features, real_features)}

    return validate


def train(request: TrainRequest) -> Path:
    """``genhub train cgan --variant mnist|fashion-mnist``: the budget is generator steps
    (``--max-steps``, or ``--epochs`` passes over the training split; default from the recipe)."""
    if request.variant not in RECIPES:
        raise ValueError(f"unknown CGAN variant {request.variant!r}; known: {', '.join(RECIPES)}")
    recipe = RECIPES[request.variant]
    given = {k: v for k, v in request.options.items() if v is not None}   # None: the recipe decides
    widths = {k: given[k] for k in ("g_channels", "d_channels") if k in given}
    recipe = dataclasses.replace(recipe, objective=given.get("objective", recipe.objective),
                                 model=request.architecture({**recipe.model, **widths}))
    started = time.perf_counter()
    model, result = train_gan(recipe, request.out_dir, data_dir=request.data_dir, device=request.device,
                              steps=request.max_steps, epochs=request.epochs, batch_size=request.batch_size,
                              lr=request.lr, train_limit=request.train_limit, seed=request.seed,
                              resume=request.resume, title=f"cgan/{request.variant}")
    if not result.is_main:
        return Path(request.out_dir)
    return release_cgan(model, request, recipe, result, started)


def release_cgan(model: ConditionalGAN, request: TrainRequest, recipe: VariantRecipe, result: GANResult,
                 started: float | None = None) -> Path:
    """Score ``model`` on the test set (once; skipped for smoke runs on a ``train_limit``) and
    write its weights folder with the shared release step."""
    from genhub.imaging.grid import grid_image
    from genhub.plugins.cgan.card import card_text
    from genhub.plugins.cgan.quality import score_generator
    from genhub.plugins.cgan.sample import sample
    from genhub.training.release import release, training_record

    objective = OBJECTIVES[recipe.objective]
    training = training_record(
        command=request.command, device=request.device, steps=result.steps, seconds=result.seconds, started=started,
        objective=recipe.objective, generator_steps=result.steps, d_steps_per_g_step=objective.d_steps,
        aux_class_weight=recipe.aux_weight, batch_size=request.batch_size or recipe.batch_size,
        ema_decay=recipe.ema_decay, lr=request.lr or objective.lr, validation_examples=result.validation_examples,
        selected=result.best)
    metrics = {} if request.train_limit else score_generator(model, recipe.dataset, request.data_dir, per_class=1000)
    grid = sample(model, {"model": model.config}, SampleRequest(count=100, seed=0))
    out = Path(request.out_dir)
    data = data_facts(recipe.dataset, result.trained_examples, result.validation_examples)
    release(out, model, plugin="cgan", variant=request.variant, data=data,
                  training=training, metrics=metrics, card=card_text,
                  samples=grid_image(grid.data, nrow=10, scale=2))
    return out
