"""`train_adversarial`: the one GAN training loop (CGAN today; StyleGAN and CycleGAN next).

Each generator step follows ``d_steps`` discriminator steps, with any objective of
`genhub.training.gan_objectives`; the loop keeps an EMA of the generator (the weights that ship),
applies the objective's gradient penalty or weight clipping, an optional lazy R1 penalty
(Mescheder et al. 2018; every ``r1_every`` D steps, scaled by it, as StyleGAN2) and an optional
augmentation of every image D sees (real and fake alike, as DiffAugment / ADA). It checkpoints
and resumes, logs, draws the loss curves, and scores a validation split: the best scoring EMA
generator is kept beside the last one.

Under ``torchrun`` every process draws its own batches; parameters start equal (broadcast from
rank 0) and gradients are averaged over the processes before each optimizer step, as
StyleGAN3's loop does. Doing it by hand instead of wrapping in DistributedDataParallel keeps
``torch.autograd.grad`` (R1, WGAN-GP) usable. gloo on CPU, NCCL on CUDA.

A family plugs in by describing its batches (`GANTask`); the loop knows nothing of labels,
images sizes or how many inputs a generator takes.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from safetensors.torch import save_file
from torch import nn
from tqdm import tqdm

from genhub.training.checkpoint import has_checkpoint, load_checkpoint, save_checkpoint
from genhub.training.curves import append_log, plot_loss_curve, read_log, truncate_log
from genhub.training.distributed import Distributed, all_reduce_mean, setup_distributed, teardown_distributed
from genhub.training.ema import update_ema
from genhub.training.gan_objectives import OBJECTIVES, gradient_penalty, make_optimizer

Batch = Sequence[torch.Tensor]


@dataclass(frozen=True)
class GANTask:
    """How one family's batches meet the loop.

    ``fake(generator, batch, rng) -> (images, condition)``: generated images for a real batch's
    conditions (a CGAN draws z and reuses the batch's labels; an unconditional GAN ignores the
    batch but for its size; a translation GAN maps the batch's inputs).
    ``real(batch) -> (images, condition)``: what the discriminator sees of a real batch.
    ``critic(discriminator, images, condition) -> logits (N,)``, or ``(logits, aux)`` with ``aux``
    a per-image auxiliary loss (N,) that the discriminator minimises on real images and the
    generator on its fakes (AC-GAN's class loss, Odena et al. 2017), weighted by the task.
    ``generator_extra(generator, batch, fake_images) -> {name: scalar}``: extra generator losses
    (CycleGAN's cycle consistency), summed into the generator loss and logged. Optional.
    ``augment(images, rng) -> images``: applied to every image the discriminator sees. Optional.
    ``replay(fake_images, condition, rng) -> (images, condition)``: what the discriminator's step
    sees of the fakes, e.g. CycleGAN's pool of past generated images (Shrivastava et al. 2017).
    The generator's step always sees its current fakes. Optional.
    """

    fake: Callable[[nn.Module, Batch, torch.Generator], tuple[torch.Tensor, Any]]
    real: Callable[[Batch], tuple[torch.Tensor, Any]]
    critic: Callable[[nn.Module, torch.Tensor, Any], torch.Tensor | tuple[torch.Tensor, torch.Tensor]]
    generator_extra: Callable[[nn.Module, Batch, torch.Tensor], dict[str, torch.Tensor]] | None = None
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None
    replay: Callable[[torch.Tensor, Any, torch.Generator], tuple[torch.Tensor, Any]] | None = None
    join: Callable[[Any, Any], Any] = lambda a, b: torch.cat([a, b]) if a is not None else None
    """Concatenate a real and a fake condition, so D sees both in one batch (one forward)."""


@dataclass(frozen=True)
class GANConfig:
    steps: int
    """Generator steps."""
    batch_size: int
    """Global batch, split evenly over the processes."""
    objective: str = "hinge"
    lr: float | None = None
    """None: the objective's own learning rate."""
    betas: tuple[float, float] | None = None
    """Adam's (β1, β2); None: the objective's own."""
    decay_from: int | None = None
    """From this generator step on, both learning rates fall linearly to 0 at ``steps`` (CycleGAN's
    schedule); None keeps them constant."""
    ema_decay: float = 0.999
    r1_gamma: float = 0.0
    """R1 weight γ (the penalty is γ/2·E‖∇D(x)‖² on real images); 0 turns it off."""
    r1_every: int = 16
    seed: int = 0
    log_every: int = 100
    save_every: int = 500
    validate_every: int = 1000
    max_seconds: float | None = None
    """Stop (checkpointed, as at ``steps``) once this much training time has passed: a run sized
    by a time budget rather than a step count; the steps reached are in the result."""
    snapshot_every: int | None = None
    """Also keep the EMA generator every this many steps as ``snapshots/ema-<step>.safetensors``
    (compare a run's stages, or two runs at equal images seen); None: no snapshots."""

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(f"unknown GAN objective {self.objective!r}; known: {', '.join(OBJECTIVES)}")
        for name in ("steps", "batch_size", "r1_every", "log_every", "save_every", "validate_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"GANConfig.{name} must be at least 1, got {getattr(self, name)}")


@dataclass
class GANResult:
    generator_ema: nn.Module
    """The EMA generator of the best validation score (the last one without a validator), eval mode, CPU."""
    discriminator: nn.Module
    is_main: bool
    steps: int = 0
    seconds: float = 0.0
    best: dict[str, Any] = field(default_factory=dict)
    """The validation record of the kept generator: ``{"step": …, metric: …}``."""
    history: list[dict[str, Any]] = field(default_factory=list)
    trained_examples: int = 0
    validation_examples: int = 0
    """Set by the caller that carved the validation split, for the training record."""


Validator = Callable[[nn.Module], dict[str, float]]
"""``(EMA generator in eval mode, under no_grad) -> metrics``; run on the main process."""


class _State(nn.Module):
    """What a checkpoint restores besides the optimizers."""

    def __init__(self, generator: nn.Module, discriminator: nn.Module, ema: nn.Module) -> None:
        super().__init__()
        self.generator, self.discriminator, self.ema = generator, discriminator, ema
        self.best_ema = copy.deepcopy(ema)


def train_adversarial(generator: nn.Module, discriminator: nn.Module, data: Batch, task: GANTask,
                      config: GANConfig, out_dir: Path, device: torch.device, *, resume: bool = True,
                      validate: Validator | None = None, select: str | None = None,
                      title: str = "gan") -> GANResult:
    """Train ``generator`` against ``discriminator`` on the tensors ``data`` (same first
    dimension, on any device; batches are drawn uniformly with replacement).

    ``validate`` scores the EMA generator every ``validate_every`` steps and at the end;
    ``select`` names the metric to maximise when choosing which EMA generator to keep (None:
    keep the last). Writes ``out_dir/checkpoint/``, ``log.jsonl`` and ``loss_curve.png``.
    """
    out_dir = Path(out_dir)
    place, device = setup_distributed(device)
    objective = OBJECTIVES[config.objective]
    ema = copy.deepcopy(generator).requires_grad_(False)
    state = _State(generator, discriminator, ema).to(device)
    _broadcast(state, place)
    opt_g = make_optimizer(objective, generator.parameters(), config.lr, config.betas)
    opt_d = make_optimizer(objective, discriminator.parameters(), config.lr, config.betas)
    optimizers = {"generator": opt_g, "discriminator": opt_d}
    for optimizer in optimizers.values():
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
    ckpt, log_path = out_dir / "checkpoint", out_dir / "log.jsonl"
    step, seconds, best = 0, 0.0, {}
    if place.is_main:
        out_dir.mkdir(parents=True, exist_ok=True)
    if resume and has_checkpoint(ckpt):
        progress = load_checkpoint(ckpt, state, optimizers)
        step, seconds, best = progress["step"], progress["seconds"], progress.get("best", {})
        if place.is_main:
            truncate_log(log_path, step)
            print(f"resuming from {ckpt}: step {step}")
    elif place.is_main and log_path.exists():
        log_path.unlink()
    data = [t.to(device) for t in data]
    if config.batch_size % place.world_size:
        raise ValueError(f"batch size {config.batch_size} does not split evenly over {place.world_size} processes")
    local_batch = config.batch_size // place.world_size
    rng = torch.Generator(device=device)

    def draw() -> list[torch.Tensor]:
        index = torch.randint(len(data[0]), (local_batch,), device=device, generator=rng)
        return [t[index] for t in data]

    def seen(images: torch.Tensor) -> torch.Tensor:
        return task.augment(images, rng) if task.augment else images

    d_calls = step * objective.d_steps
    sums: dict[str, torch.Tensor] = {}
    count = 0
    state.train()
    ema.eval()
    bar = tqdm(total=config.steps, initial=step, desc=title, dynamic_ncols=True, disable=not place.is_main)
    started = time.perf_counter()
    try:
        while step < config.steps:
            # Random draws depend only on (seed, rank, step): a resumed run continues exactly as an unbroken one.
            rng.manual_seed(config.seed * 1_000_003 + place.rank * 7919 + step)
            if config.decay_from is not None:
                # Set from the step alone, so a resumed run follows the same schedule.
                for optimizer in optimizers.values():
                    for group in optimizer.param_groups:
                        group["lr"] = group["initial_lr"] * _decay(step, config.decay_from, config.steps)
            for _ in range(objective.d_steps):
                batch = draw()
                real, real_c = task.real(batch)
                with torch.no_grad():
                    fake, fake_c = task.fake(generator, batch, rng)
                    if task.replay:
                        fake, fake_c = task.replay(fake, fake_c, rng)
                both = seen(torch.cat([real, fake]))   # one forward for real and fake: one set of batch statistics
                logits, aux = _split(task.critic(discriminator, both, task.join(real_c, fake_c)))
                loss_d = objective.d_loss(logits[: len(real)], logits[len(real):])
                losses = {"loss_d": loss_d}
                if aux is not None:
                    losses["aux_d"] = aux[: len(real)].mean()
                    loss_d = loss_d + losses["aux_d"]
                if objective.gradient_penalty:
                    penalty = gradient_penalty(lambda im, c=real_c: _split(task.critic(discriminator, seen(im), c))[0],
                                               real, fake, rng)
                    loss_d = loss_d + objective.gradient_penalty * penalty
                    losses["gradient_penalty"] = penalty
                if config.r1_gamma and d_calls % config.r1_every == 0:
                    r1 = _r1(discriminator, task, real, real_c, seen)
                    loss_d = loss_d + config.r1_gamma / 2 * config.r1_every * r1
                    losses["r1"] = r1
                opt_d.zero_grad(set_to_none=True)
                loss_d.backward()
                _average_gradients(discriminator, place)
                opt_d.step()
                d_calls += 1
                if objective.clip is not None:
                    with torch.no_grad():
                        for p in discriminator.parameters():
                            p.clamp_(-objective.clip, objective.clip)
            batch = draw()
            fake, fake_c = task.fake(generator, batch, rng)
            logits, aux = _split(task.critic(discriminator, seen(fake), fake_c))
            loss_g = objective.g_loss(logits)
            losses["loss_g"] = loss_g
            if aux is not None:
                losses["aux_g"] = aux.mean()
                loss_g = loss_g + losses["aux_g"]
            if task.generator_extra:
                for name, value in task.generator_extra(generator, batch, fake).items():
                    loss_g = loss_g + value
                    losses[name] = value
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            _average_gradients(generator, place)
            opt_g.step()
            # Short runs (smoke tests) warm the EMA up from the start instead of averaging in the initial weights.
            update_ema(ema, generator, min(config.ema_decay, (1 + step) / (10 + step)))
            step += 1
            count += 1
            # Summed on the device: converting to float every step would stall a GPU.
            for k, v in losses.items():
                sums[k] = sums[k] + v.detach() if k in sums else v.detach().clone()
            bar.update(1)
            out_of_time = bool(config.max_seconds) and seconds + time.perf_counter() - started >= config.max_seconds
            if config.max_seconds and place.enabled:   # every process stops at the same step
                flag = torch.tensor([float(out_of_time)], device=device)
                dist.all_reduce(flag, op=dist.ReduceOp.MAX)
                out_of_time = bool(flag.item())
            if step % config.log_every == 0 or step == config.steps or out_of_time:
                means = all_reduce_mean({k: float(v) / count for k, v in sums.items()}, place)
                if place.is_main:
                    append_log(log_path, {"split": "train", "step": step, **{k: round(v, 5) for k, v in means.items()}})
                    bar.set_postfix(d=f"{means['loss_d']:.3f}", g=f"{means['loss_g']:.3f}")
                sums, count = {}, 0
            last = step == config.steps or out_of_time
            if validate is not None and (step % config.validate_every == 0 or last) and place.is_main:
                record = _validate(ema, validate, step)
                append_log(log_path, {"split": "validation", **record})
                if select is None or not best or record[select] >= best[select]:
                    best = record
                    state.best_ema.load_state_dict(ema.state_dict())
                tqdm.write(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()))
                state.train()
                ema.eval()
            if config.snapshot_every and step % config.snapshot_every == 0 and place.is_main:
                snapshots = out_dir / "snapshots"
                snapshots.mkdir(exist_ok=True)
                save_file({k: v.detach().cpu().contiguous() for k, v in ema.state_dict().items()},
                          str(snapshots / f"ema-{step:07d}.safetensors"))
            if step % config.save_every == 0 or step == config.steps or out_of_time:
                seconds += time.perf_counter() - started
                started = time.perf_counter()
                if place.is_main:
                    save_checkpoint(ckpt, state, optimizers, {"step": step, "seconds": seconds, "best": best})
                    plot_loss_curve(read_log(log_path), out_dir / "loss_curve.png", title)
            if out_of_time:
                break
    except BaseException:
        if place.enabled and dist.is_initialized():
            dist.destroy_process_group()  # no barrier: the other processes fail at their next collective call
        raise
    finally:
        bar.close()
    _check_in_sync(nn.ModuleList([generator, discriminator, ema]), place)
    teardown_distributed(place)
    state.cpu().eval()
    kept = state.best_ema if best and select is not None else ema
    return GANResult(kept, discriminator, place.is_main, step, seconds, best,
                     read_log(log_path) if place.is_main else [])


def steps_for_epochs(epochs: float, examples: int, batch_size: int) -> int:
    """Generator steps that draw ``epochs`` passes' worth of examples at ``batch_size``."""
    return max(1, math.ceil(epochs * examples / batch_size))


def _decay(step: int, start: int, end: int) -> float:
    """The learning-rate factor at ``step``: 1 until ``start``, then linear to 0 at ``end``."""
    if step < start:
        return 1.0
    return max(0.0, 1.0 - (step - start) / max(1, end - start))


def _r1(discriminator: nn.Module, task: GANTask, real: torch.Tensor, condition: Any,
        seen: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """E‖∇ₓ D(x)‖² over real images."""
    real = real.detach().requires_grad_(True)
    logits, _ = _split(task.critic(discriminator, seen(real), condition))
    grad, = torch.autograd.grad(logits.sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


def _split(output: torch.Tensor | tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
    return output if isinstance(output, tuple) else (output, None)


def _validate(ema: nn.Module, validate: Validator, step: int) -> dict[str, Any]:
    ema.eval()
    with torch.no_grad():
        metrics = validate(ema)
    return {"step": step, **{k: round(float(v), 5) for k, v in metrics.items()}}


def _broadcast(module: nn.Module, place: Distributed) -> None:
    """Every process starts from rank 0's parameters and buffers."""
    if place.enabled:
        for tensor in [*module.parameters(), *module.buffers()]:
            dist.broadcast(tensor.data, src=0)


def _check_in_sync(module: nn.Module, place: Distributed) -> None:
    """Every process must end with the same parameters (they average every gradient)."""
    if not place.enabled:
        return
    checksum = torch.stack([p.detach().double().sum() for p in module.parameters()]).sum().view(1)
    high, low = checksum.clone(), -checksum.clone()
    dist.all_reduce(high, op=dist.ReduceOp.MAX)
    dist.all_reduce(low, op=dist.ReduceOp.MAX)
    if not torch.isclose(high, -low, rtol=1e-9, atol=1e-9).item():
        raise RuntimeError(f"the training processes' parameters diverged (checksums {-low.item()} .. {high.item()})")


def _average_gradients(module: nn.Module, place: Distributed) -> None:
    """Mean of each gradient over the processes, in one flat all-reduce."""
    if not place.enabled:
        return
    params = [p for p in module.parameters() if p.grad is not None]
    if not params:
        return
    flat = torch.cat([p.grad.flatten() for p in params]).div_(place.world_size)
    dist.all_reduce(flat)
    for p, g in zip(params, flat.split([p.numel() for p in params])):
        p.grad.copy_(g.view_as(p))
