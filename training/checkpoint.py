"""Resumable checkpoints in safetensors + JSON (model, optimizer, progress); no pickles.

Layout of ``<out_dir>/checkpoint/``: ``model.safetensors``, ``optimizer.safetensors``
(every tensor of the optimizer state, keyed ``<param index>.<name>``) and ``state.json``
(epoch, step, the optimizer's param groups and its non-tensor state).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn


def save_checkpoint(folder: Path, model: nn.Module, optimizer: torch.optim.Optimizer,
                    progress: dict[str, Any]) -> None:
    """Write a checkpoint atomically: into ``folder.tmp``, then renamed over ``folder``."""
    folder = Path(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
              tmp / "model.safetensors")
    opt = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, state in opt["state"].items():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{index}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars.setdefault(str(index), {})[key] = value
    save_file(tensors, tmp / "optimizer.safetensors")
    state = {"progress": progress, "param_groups": opt["param_groups"], "scalars": scalars}
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


def load_checkpoint(folder: Path, model: nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    """Restore model and optimizer from ``folder`` in place; return the saved progress dict."""
    folder = Path(folder)
    model.load_state_dict(load_file(folder / "model.safetensors"), strict=True)
    state = json.loads((folder / "state.json").read_text())
    tensors = load_file(folder / "optimizer.safetensors")
    opt_state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        opt_state.setdefault(int(index), {})[key] = value
    for index, values in state["scalars"].items():
        opt_state.setdefault(int(index), {}).update(values)
    optimizer.load_state_dict({"state": opt_state, "param_groups": state["param_groups"]})
    return state["progress"]


def has_checkpoint(folder: Path) -> bool:
    return (Path(folder) / "state.json").is_file()
