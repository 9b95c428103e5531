"""`fit`: the one training loop every plugin uses (in-memory data, Adam, checkpoints, logs).

Each epoch visits the training tensors in a permutation seeded by ``(seed, epoch)``; under
torchrun each process takes every ``world_size``-th example of it, so results do not depend
on where an interrupted run resumed. A checkpoint is written after every epoch. Training is
monitored on a validation split carved from the training data
(`genhub.training.data.carve_validation`); the test set is scored once, by the caller, at the end.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from genhub.training.checkpoint import has_checkpoint, load_checkpoint, save_checkpoint
from genhub.training.curves import append_log, plot_loss_curve, read_log, truncate_log
from genhub.training.distributed import all_reduce_mean, setup_distributed, teardown_distributed

LossFn = Callable[[nn.Module, Sequence[torch.Tensor], int], dict[str, torch.Tensor]]
"""``(model, batch, step) -> {"loss": scalar to minimise, other scalars to log...}``."""
EvalFn = Callable[[nn.Module], dict[str, float]]
"""``(unwrapped model in eval mode, under no_grad) -> validation metrics``, on examples held out of
the training data (never the test set); run on the main process after every epoch."""


@dataclass(frozen=True)
class FitConfig:
    epochs: int
    batch_size: int
    """Global batch size, split evenly over the processes."""
    lr: float
    max_steps: int | None = None
    seed: int = 0
    weight_decay: float = 0.0
    grad_clip: float | None = None
    log_every: int = 50
    lr_schedule: str = "constant"
    """``"constant"`` or ``"cosine"`` (decay to 5 % of ``lr`` over all epochs)."""
    max_seconds: float | None = None
    """A safety stop: end training (checkpointed) once this much training time has passed, even
    mid-epoch and before the schedule ends; size ``epochs`` to fit the time instead where you can."""


@dataclass
class FitResult:
    model: nn.Module
    """The trained, unwrapped model (eval mode)."""
    is_main: bool
    """True on the process that should write outputs."""
    history: list[dict] = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0


def fit(model: nn.Module, data: Sequence[torch.Tensor], loss_fn: LossFn, config: FitConfig,
        out_dir: Path, device: torch.device, *, resume: bool = True,
        evaluate: EvalFn | None = None, title: str = "training") -> FitResult:
    """Train ``model`` on the tensors ``data`` (same first dimension) and return it.

    Writes ``out_dir/checkpoint/`` after each epoch, ``out_dir/log.jsonl`` and
    ``out_dir/loss_curve.png``. With ``resume`` and an existing checkpoint, continues from it.
    ``evaluate``, given, scores held-out validation data after each epoch: logged as
    ``{"split": "validation", ...}`` and printed as ``validation_<metric>``. ``data`` must not
    contain those examples, and nothing here touches the test set.
    """
    out_dir = Path(out_dir)
    place, device = setup_distributed(device)
    torch.backends.cuda.matmul.allow_tf32 = True  # TF32 matmuls on Ampere+ GPUs; no effect on CPU
    torch.backends.cudnn.allow_tf32 = True
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    ckpt_dir, log_path = out_dir / "checkpoint", out_dir / "log.jsonl"
    epoch, step, seconds = 0, 0, 0.0
    if place.is_main:
        out_dir.mkdir(parents=True, exist_ok=True)
    if resume and has_checkpoint(ckpt_dir):
        progress = load_checkpoint(ckpt_dir, model, optimizer)
        epoch, step, seconds = progress["epoch"], progress["step"], progress.get("seconds", 0.0)
        if place.is_main:
            truncate_log(log_path, step)
            print(f"resuming from {ckpt_dir}: epoch {epoch}, step {step}")
    elif place.is_main and log_path.exists():
        log_path.unlink()
    wrapped = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) \
        if place.enabled else model
    data = [t.to(device) for t in data]
    n = len(data[0])
    local_batch = max(1, config.batch_size // place.world_size)
    steps_per_epoch = math.ceil((n // place.world_size) / local_batch)
    total_steps = config.epochs * steps_per_epoch
    if config.max_steps is not None:
        total_steps = min(total_steps, config.max_steps)

    def lr_at(s: int) -> float:
        if config.lr_schedule == "cosine":
            return config.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, total_steps)))))
        return config.lr

    bar = tqdm(total=total_steps, initial=min(step, total_steps), desc=title, disable=not place.is_main,
               dynamic_ncols=True)
    while epoch < config.epochs and step < total_steps:
        started = time.perf_counter()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(config.seed * 100_003 + epoch))
        # Equal shards: under DDP every process must take the same number of steps.
        order = order[: n - n % place.world_size][place.rank::place.world_size].to(device)
        torch.manual_seed(config.seed * 1_000_003 + epoch * 1_009 + place.rank)
        wrapped.train()
        sums: dict[str, torch.Tensor] = {}
        count = 0
        out_of_time = False
        for begin in range(0, len(order), local_batch):
            if step >= total_steps:
                break
            if config.max_seconds and seconds + time.perf_counter() - started >= config.max_seconds:
                out_of_time = True   # every process has the same clock only roughly: DDP runs should not set it
                break
            index = order[begin:begin + local_batch]
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step)
            metrics = loss_fn(wrapped, [t[index] for t in data], step)
            optimizer.zero_grad(set_to_none=True)
            metrics["loss"].backward()
            if config.grad_clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            step += 1
            count += 1
            # Summed on the device: converting to float every step would stall a GPU.
            for k, v in metrics.items():
                sums[k] = sums[k] + v.detach() if k in sums else v.detach().clone()
            if place.is_main and step % config.log_every == 0:
                means = {k: float(v) / count for k, v in sums.items()}
                bar.set_postfix(loss=f"{means['loss']:.4g}")
                append_log(log_path, {"split": "train", "step": step, "epoch": epoch, **means})
            bar.update(1)
        if not out_of_time:  # a half-run epoch is not done: a resumed run starts it again
            epoch += 1
        seconds += time.perf_counter() - started
        summary = all_reduce_mean({k: float(v) / max(1, count) for k, v in sums.items()}, place)
        if place.is_main:
            record = {"split": "train", "step": step, "epoch": epoch, "seconds": round(seconds, 2), **summary}
            if evaluate is not None:
                model.eval()
                with torch.no_grad():
                    validation = evaluate(model)
                append_log(log_path, {"split": "validation", "step": step, "epoch": epoch, **validation})
                record.update({f"validation_{k}": v for k, v in validation.items()})
            save_checkpoint(ckpt_dir, model, optimizer, {"epoch": epoch, "step": step, "seconds": seconds})
            if epoch % 10 == 0 or epoch == config.epochs or step >= total_steps or out_of_time:
                plot_loss_curve(read_log(log_path), out_dir / "loss_curve.png", title)
            tqdm.write(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()))
        if out_of_time:
            break
    bar.close()
    teardown_distributed(place)
    model.eval()
    return FitResult(model, place.is_main, read_log(log_path) if place.is_main else [], step, seconds)
