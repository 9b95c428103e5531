"""The release step: a trained model -> a weights folder the hub loads, the same for every plugin.

    <out>/model.safetensors   the weights (CPU, contiguous; nothing pickled)
    <out>/config.json         {plugin, variant, model, data, training, metrics}: one schema for all
    <out>/README.md           the model card (`genhub.training.model_card`)
    <out>/samples.png         when samples are given

A plugin's ``train`` ends with::

    sha256 = release(request.out_dir, model, plugin="vae", variant=request.variant, data=DATA_FACTS,
                     training=training_record(command=request.command, device=request.device,
                                              steps=result.steps, seconds=result.seconds, fit=config),
                     metrics={"test_neg_elbo_nats": 91.2}, card=card_text, samples=grid)

``config["model"]`` is ``model.config``, the model's own record of its constructor arguments
(`genhub.config.Configurable`), never assembled by hand; the release checks that it rebuilds
the model before writing anything.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from genhub.config import to_json
from genhub.plugin import CONFIG_FILENAME, WEIGHTS_FILENAME
from genhub.training.model_card import SAMPLES_FILE, CardFn, write_card
from genhub.weights import read_config, save_weights, sha256_of

if TYPE_CHECKING:
    from PIL.Image import Image

    from genhub.training.loop import FitConfig

CONFIG_KEYS = ("plugin", "variant", "model", "data", "training", "metrics")
"""config.json's keys, in this order, for every plugin (and the judges)."""
REQUIRED = {
    "data": ("dataset", "description"),
    "training": ("command", "steps", "seconds", "device"),
}
"""Keys the model card reads: the dataset's Hub name and what was used of it; the exact command,
optimizer steps, training seconds and device."""


def release(out_dir: Path, model: nn.Module, *, plugin: str, variant: str, data: Mapping[str, Any],
            training: Mapping[str, Any], metrics: Mapping[str, Any], card: CardFn,
            samples: Image | None = None) -> str:
    """Write ``model``'s weights folder into ``out_dir`` (see the module docstring); return the
    hex sha256 of ``model.safetensors``, the value a `WeightsSpec` pins.

    ``data``: preprocessing facts (value range or sample rate, classes …) with ``dataset`` and
    ``description``; ``training``: see `training_record`; ``metrics``: numbers measured on the
    test split (lists allowed, shown only in the config); ``card``: the plugin's wording;
    ``samples``: a picture of seeded samples. Raises ValueError or TypeError, before writing, when
    the config would break the schema or not rebuild ``model``.
    """
    config = release_config(model, plugin=plugin, variant=variant, data=data, training=training, metrics=metrics)
    out = Path(out_dir)
    sha256 = save_weights(out, model, config)
    if samples is not None:
        samples.save(out / SAMPLES_FILE)
    write_card(out, config, card(config), sha256)
    print(f"wrote {out} (sha256 {sha256})")
    return sha256


def release_config(model: nn.Module, *, plugin: str, variant: str, data: Mapping[str, Any],
                   training: Mapping[str, Any], metrics: Mapping[str, Any]) -> dict[str, Any]:
    """config.json for ``model``: the one schema (`CONFIG_KEYS`), checked.

    Raises TypeError when ``model`` does not record its constructor arguments or a value is not
    JSON, ValueError when a `REQUIRED` key is missing or ``model.config`` does not rebuild ``model``.
    """
    model_config = getattr(model, "config", None)
    if not isinstance(model_config, dict):
        raise TypeError(f"{type(model).__name__} does not record its constructor arguments: make it subclass "
                        "genhub.config.Configurable, so that config.json's \"model\" comes from the model itself")
    for section, value in (("data", data), ("training", training)):
        if missing := [k for k in REQUIRED[section] if k not in value]:
            raise ValueError(f"{plugin}/{variant}: config.json's {section!r} lacks {missing}")
    _check_rebuilds(model)
    values = (plugin, variant, model_config, dict(data), dict(training), dict(metrics))
    return {key: to_json(value, f"config.json {key!r}") for key, value in zip(CONFIG_KEYS, values)}


def training_record(*, command: str, device: str, steps: int, seconds: float, fit: FitConfig | None = None,
                    started: float | None = None, **settings: Any) -> dict[str, Any]:
    """config.json's ``"training"``: the loop's settings (``fit``, less its log interval), the
    recipe's own ``settings``, then optimizer ``steps``, training ``seconds``, the ``device`` and
    the hardware it was, the wall seconds since ``started`` (a ``time.perf_counter()`` value: the
    training plus the evaluation) and the exact ``command`` (a plugin passes its `TrainRequest`'s)."""
    record = {k: v for k, v in asdict(fit).items() if k != "log_every"} if fit is not None else {}
    record.update(settings)
    record.update(steps=steps, seconds=round(seconds, 1), device=device, hardware=hardware(device), command=command)
    if started is not None:
        record["wall_seconds"] = round(time.perf_counter() - started, 1)
    return record


def hardware(device: str) -> str:
    """The machine behind ``device``, in words: the GPU's name (times the torchrun processes), or
    the CPU's architecture and core count."""
    dev = torch.device(device)
    processes = int(os.environ.get("WORLD_SIZE", "1"))
    times = f"{processes} × " if processes > 1 else ""
    if dev.type == "cuda" and torch.cuda.is_available():
        return times + torch.cuda.get_device_name(dev)
    if dev.type == "mps":
        return "Apple GPU (MPS)"
    return f"{times}{platform.machine() or 'unknown'} CPU, {os.cpu_count()} cores"


def record_metrics(folder: Path, metrics: Mapping[str, Any], card: CardFn) -> dict[str, Any]:
    """Merge ``metrics`` (measured later, e.g. by a bench script) into a local weights folder's
    config.json and rewrite its model card; return the new config. The weights are not touched."""
    folder = Path(folder)
    if not (folder / WEIGHTS_FILENAME).is_file():
        raise ValueError(f"{folder} is not a local weights folder (no {WEIGHTS_FILENAME})")
    config = read_config(folder / CONFIG_FILENAME)
    config["metrics"] = {**config.get("metrics", {}), **to_json(dict(metrics), "metrics")}
    (folder / CONFIG_FILENAME).write_text(json.dumps(config, indent=2) + "\n")
    write_card(folder, config, card(config), sha256_of(folder / WEIGHTS_FILENAME))
    print(f"updated {folder}/{CONFIG_FILENAME} and README.md")
    return config


def float16_state(state: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A state dict with its floating-point tensors in float16 (integer tensors untouched), contiguous."""
    return {name: (tensor.half() if tensor.is_floating_point() else tensor).contiguous()
            for name, tensor in state.items()}


def store_float16(folder: Path, card: CardFn, effect: str) -> str:
    """Rewrite a local weights folder's ``model.safetensors`` with its floating-point tensors in
    float16 (half the bytes; integer tensors untouched), record that and ``effect`` (what the
    rounding measurably changed, with the command that measured it) in ``config["training"]``
    (``stored_as``, ``stored_as_effect``), and rewrite the card; return the file's new sha256,
    the value the plugin's `WeightsSpec` must now pin (with a new Hub revision).

    Models load the file unchanged: ``load_state_dict`` copies it into their float32 parameters.
    Raises ValueError when the folder holds no weights or they are float16 already."""
    from safetensors.torch import load_file, save_file

    folder = Path(folder)
    path = folder / WEIGHTS_FILENAME
    if not path.is_file():
        raise ValueError(f"{folder} is not a local weights folder (no {WEIGHTS_FILENAME})")
    state = load_file(path)
    if not any(tensor.is_floating_point() and tensor.dtype != torch.float16 for tensor in state.values()):
        raise ValueError(f"{path} holds no floating-point tensors wider than float16")
    save_file(float16_state(state), path, metadata={"format": "pt"})
    config = read_config(folder / CONFIG_FILENAME)
    config["training"] = {**config["training"], "stored_as": "float16 (trained in float32)",
                          "stored_as_effect": effect}
    (folder / CONFIG_FILENAME).write_text(json.dumps(config, indent=2) + "\n")
    sha256 = sha256_of(path)
    write_card(folder, config, card(config), sha256)
    print(f"wrote {path} in float16 (sha256 {sha256})")
    return sha256


def _check_rebuilds(model: nn.Module) -> None:
    rebuilt = type(model)(**model.config)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in rebuilt.state_dict().items()}
    if got != expected:
        diff = sorted(set(got.items()) ^ set(expected.items()))[:5]
        raise ValueError(f"{type(model).__name__}(**model.config) does not rebuild the trained model: {diff}")
