"""Resumable checkpoints in safetensors + JSON (model, optimizer, progress); no pickles.

Layout of ``<out_dir>/checkpoint/``: ``model.safetensors``, ``optimizer.safetensors``
(every tensor of the optimizer state, keyed ``<param index>.<name>``) and ``state.json``
(epoch, step, the optimizer's param groups and its non-tensor state). Several named
optimizers (a GAN's) are stored as ``optimizer-<name>.safetensors`` each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn

Optimizers = torch.optim.Optimizer | Mapping[str, torch.optim.Optimizer]


def _named(optimizers: Optimizers) -> dict[str, torch.optim.Optimizer]:
    return {"": optimizers} if isinstance(optimizers, torch.optim.Optimizer) else dict(optimizers)


def _file(name: str) -> str:
    return f"optimizer-{name}.safetensors" if name else "optimizer.safetensors"


def save_checkpoint(folder: Path, model: nn.Module, optimizer: Optimizers,
                    progress: dict[str, Any]) -> None:
    """Write a checkpoint atomically: into ``folder.tmp``, then renamed over ``folder``.
    ``optimizer`` is one optimizer or a mapping name -> optimizer."""
    folder = Path(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
              tmp / "model.safetensors")
    groups: dict[str, Any] = {}
    all_scalars: dict[str, Any] = {}
    for name, opt in _named(optimizer).items():
        state_dict = opt.state_dict()
        tensors: dict[str, torch.Tensor] = {}
        scalars: dict[str, dict[str, Any]] = {}
        for index, state in state_dict["state"].items():
            for key, value in state.items():
                if isinstance(value, torch.Tensor):
                    tensors[f"{index}.{key}"] = value.detach().cpu().contiguous()
                else:
                    scalars.setdefault(str(index), {})[key] = value
        save_file(tensors, tmp / _file(name))
        groups[name], all_scalars[name] = state_dict["param_groups"], scalars
    single = isinstance(optimizer, torch.optim.Optimizer)
    state = {"progress": progress, "param_groups": groups[""] if single else groups,
             "scalars": all_scalars[""] if single else all_scalars}
    (tmp / "state.json").write_text(json.dumps(state, indent=1))
    if folder.exists():
        old = folder.with_name(folder.name + ".old")
        os.replace(folder, old)
        os.replace(tmp, folder)
        for f in old.iterdir():
            f.unlink()
        old.rmdir()
    else:
        os.replace(tmp, folder)


def load_checkpoint(folder: Path, model: nn.Module, optimizer: Optimizers) -> dict[str, Any]:
    """Restore model and optimizer(s) from ``folder`` in place; return the saved progress dict."""
    folder = Path(folder)
    model.load_state_dict(load_file(folder / "model.safetensors"), strict=True)
    state = json.loads((folder / "state.json").read_text())
    single = isinstance(optimizer, torch.optim.Optimizer)
    for name, opt in _named(optimizer).items():
        groups = state["param_groups"] if single else state["param_groups"][name]
        scalars = state["scalars"] if single else state["scalars"][name]
        opt_state: dict[int, dict[str, Any]] = {}
        for key_name, value in load_file(folder / _file(name)).items():
            index, key = key_name.split(".", 1)
            opt_state.setdefault(int(index), {})[key] = value
        for index, values in scalars.items():
            opt_state.setdefault(int(index), {}).update(values)
        opt.load_state_dict({"state": opt_state, "param_groups": groups})
    return state["progress"]


def has_checkpoint(folder: Path) -> bool:
    return (Path(folder) / "state.json").is_file()
