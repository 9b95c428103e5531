"""Find, verify, load and save released weights: safetensors + config.json, nothing pickled.

Resolution order for plugin ``p``, variant ``v`` (first hit wins):

1. ``<override>/<p>/<v>/`` when a weights folder is given (``--weights-dir`` /
   ``GENHUB_WEIGHTS``): your own trained weights, not checked against the release hash.
2. ``weights/<p>/<v>/`` in this repository: the released weights, hash-checked.
3. ``<Plugin.weights_dir>/<v>/``, inside an installed plugin package that ships its weights,
   hash-checked.
4. The Hugging Face Hub: ``hf_hub_download`` of exactly ``config.json`` and the safetensors
   file at the pinned revision (honours ``HF_HUB_OFFLINE`` and ``HF_HOME``), hash-checked.

`from_pretrained` is the one call that does all of it (resolve, verify, build, load, eval mode);
`resolve_weights` and `load_weights` are its two halves. Writing a weights folder is the release
step's job (`genhub.training.release`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from genhub.plugin import CONFIG_FILENAME, Plugin, WeightsSpec, find_spec

REPO_WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
WEIGHTS_ENV = "GENHUB_WEIGHTS"


class WeightsError(RuntimeError):
    """Weights could not be found or loaded. The message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class ResolvedWeights:
    """Files found for one variant, and where they came from."""

    weights_file: Path
    config_file: Path
    origin: str
    """Human-readable source: a folder path, or ``hf://owner/name@revision``."""
    pinned: bool
    """Whether the file must hash to the spec's sha256 (released weights)."""


@dataclass
class LoadedWeights:
    """A built model with its weights, on its device, in eval mode, no gradients.

    ``config`` is the whole ``config.json`` (plugin, variant, model, data, training, metrics);
    ``model.config`` (`genhub.config.Configurable`) is its constructor arguments alone.
    """

    model: nn.Module
    config: dict[str, Any]
    spec: WeightsSpec
    device: torch.device
    origin: str
    """Where the files came from: a folder path, or ``hf://owner/name@revision``."""
    sha256: str
    """Hex SHA-256 of the safetensors file (equal to ``spec.sha256`` for released weights)."""
    load_seconds: float
    """Wall time of hashing, reading, building and loading, in seconds."""
    weights_file: Path
    """The safetensors file that was loaded (in a folder or the Hugging Face cache)."""


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def how_to_get(plugin: str, spec: WeightsSpec) -> str:
    """The commands that would put this variant's weights in place, for error messages."""
    return (
        f"train them: `genhub train {plugin} --variant {spec.variant}` "
        f"(then serve with `--weights-dir runs`), or download them while online: "
        f"`hf download {spec.repo_id} config.json {spec.filename} --revision {spec.revision}`"
    )


def resolve_weights(
    plugin: str,
    spec: WeightsSpec,
    *,
    override_dir: Path | None = None,
    repo_dir: Path = REPO_WEIGHTS_DIR,
    package_dir: Path | None = None,
) -> ResolvedWeights:
    """Locate ``config.json`` and the safetensors file of one variant (see module docstring).

    ``package_dir`` is the plugin's own ``weights_dir`` (its folders are ``<variant>/``, with no
    plugin level, since the package holds one plugin).

    Raises WeightsError naming every place looked at when nothing is found.
    """
    if override_dir is None and os.environ.get(WEIGHTS_ENV):
        override_dir = Path(os.environ[WEIGHTS_ENV])
    looked: list[str] = []
    places = [(override_dir and Path(override_dir) / plugin, False), (Path(repo_dir) / plugin, True),
              (package_dir, True)]
    for root, pinned in places:
        if root is None:
            continue
        folder = Path(root) / spec.variant
        weights_file, config_file = folder / spec.filename, folder / CONFIG_FILENAME
        if weights_file.is_file() or config_file.is_file():
            if not weights_file.is_file():
                raise WeightsError(f"{plugin}/{spec.variant}: {weights_file} is missing "
                                   f"(found {config_file}); {how_to_get(plugin, spec)}")
            if not config_file.is_file():
                raise WeightsError(f"{plugin}/{spec.variant}: {config_file} is missing "
                                   f"(found {weights_file}); {how_to_get(plugin, spec)}")
            return ResolvedWeights(weights_file, config_file, str(folder), pinned)
        looked.append(str(folder))
    return _download(plugin, spec, looked)


def _download(plugin: str, spec: WeightsSpec, looked: list[str]) -> ResolvedWeights:
    # Imported lazily: only needed when the weights are not in a local folder.
    from huggingface_hub import constants, hf_hub_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    origin = f"hf://{spec.repo_id}@{spec.revision}"
    try:
        config_file = hf_hub_download(spec.repo_id, CONFIG_FILENAME, revision=spec.revision)
        weights_file = hf_hub_download(spec.repo_id, spec.filename, revision=spec.revision)
    except LocalEntryNotFoundError as err:
        offline = "offline (HF_HUB_OFFLINE=1)" if constants.HF_HUB_OFFLINE else "unable to reach the Hub"
        raise WeightsError(
            f"{plugin}/{spec.variant}: no weights in {', '.join(looked)} and {origin} is not in the "
            f"Hugging Face cache ({constants.HF_HUB_CACHE}), and genhub is {offline}. "
            f"To fix it, {how_to_get(plugin, spec)}."
        ) from err
    except Exception as err:  # noqa: BLE001 - repository missing, auth, HTTP errors: say which
        raise WeightsError(
            f"{plugin}/{spec.variant}: downloading {origin} failed: {type(err).__name__}: {err}. "
            f"To fix it, {how_to_get(plugin, spec)}."
        ) from err
    return ResolvedWeights(Path(weights_file), Path(config_file), origin, pinned=True)


def read_config(path: Path) -> dict[str, Any]:
    """Parse config.json; it must be an object with a ``"model"`` object (constructor kwargs)."""
    try:
        config = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WeightsError(f"{path} is not readable JSON: {err}") from err
    if not isinstance(config, dict) or not isinstance(config.get("model"), dict):
        raise WeightsError(f"{path} must be a JSON object with a \"model\" object of constructor arguments")
    return config


def load_weights(
    plugin: str,
    spec: WeightsSpec,
    resolved: ResolvedWeights,
    build_model: Callable[[Mapping[str, Any]], nn.Module],
    device: torch.device,
) -> LoadedWeights:
    """Verify, build and strictly load a variant onto ``device``; eval mode, no gradients.

    Every failure (bad JSON, hash mismatch, truncated or corrupt file, wrong tensor names or
    shapes) raises WeightsError saying which file and what to do.
    """
    start = time.perf_counter()
    name = f"{plugin}/{spec.variant}"
    config = read_config(resolved.config_file)
    digest = sha256_of(resolved.weights_file)
    if resolved.pinned and digest != spec.sha256:
        raise WeightsError(
            f"{name}: {resolved.weights_file} has sha256 {digest[:12]}…, but the release pins "
            f"{spec.sha256[:12]}…: the file is corrupt, truncated or not the released one. "
            f"Restore it (`git checkout -- weights/{plugin}/{spec.variant}` or delete it and "
            f"download again), or serve your own weights with `--weights-dir`."
        )
    try:
        state = load_file(resolved.weights_file, device="cpu")
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightsError(f"{name}: {resolved.weights_file} is not a valid safetensors file ({err}); "
                           f"{how_to_get(plugin, spec)}") from err
    try:
        model = build_model(config["model"])
    except Exception as err:  # noqa: BLE001 - any bad constructor argument
        raise WeightsError(f"{name}: cannot build the model from {resolved.config_file}: "
                           f"{type(err).__name__}: {err}") from err
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        detail = " ".join(str(err).split())[:600]
        raise WeightsError(f"{name}: {resolved.weights_file} does not fit the architecture in "
                           f"{resolved.config_file}: {detail}") from err
    model.requires_grad_(False).eval().to(device)
    return LoadedWeights(model, config, spec, device, resolved.origin, digest,
                         time.perf_counter() - start, resolved.weights_file)


@dataclass(frozen=True)
class Family:
    """Released variants of one architecture that is not a plugin (the judge classifiers):
    exactly what `from_pretrained` needs of a `Plugin`."""

    name: str
    """The folder under ``weights/`` (``weights/<name>/<variant>/``)."""
    variants: tuple[WeightsSpec, ...]
    build_model: Callable[[Mapping[str, Any]], nn.Module]
    """``config["model"]`` -> untrained module."""

    def spec(self, variant: str | None = None) -> WeightsSpec:
        """The spec of ``variant`` (None: the first). Unknown names raise KeyError."""
        return find_spec(self.variants, variant, repr(self.name))


def from_pretrained(
    plugin: str | Plugin | Family,
    variant: str | None = None,
    *,
    device: str | torch.device = "cpu",
    weights_dir: Path | None = None,
) -> LoadedWeights:
    """Resolve, verify, build and strictly load one variant: the one way genhub loads weights.

    Args:
        plugin: a plugin (or judge `Family`), or a plugin's name, looked up among the built-in
            and installed plugins.
        variant: the variant's name; None is the default (first) variant.
        device: where the model goes (``"cpu"``, ``"cuda"``, ``torch.device``…).
        weights_dir: your own weights, ``<weights_dir>/<plugin>/<variant>/``, looked at first and
            not hash-checked (default ``$GENHUB_WEIGHTS``); then ``weights/`` of this repository,
            then the plugin package's own ``weights_dir``, then the Hugging Face Hub at the pinned
            revision, all three checked against the spec's sha256.

    Returns the model in eval mode without gradients, with its config.json and provenance.
    Raises WeightsError, saying what is wrong and how to fix it, for an unknown plugin or
    variant and for missing, corrupt, truncated or mismatched weights.
    """
    if isinstance(plugin, str):
        plugin = plugin_named(plugin)
    try:
        spec = plugin.spec(variant)
    except KeyError as err:
        raise WeightsError(str(err.args[0])) from err
    resolved = resolve_plugin_weights(plugin, spec, override_dir=weights_dir)
    return load_weights(plugin.name, spec, resolved, plugin.build_model, torch.device(device))


def resolve_plugin_weights(plugin: Plugin | Family, spec: WeightsSpec, *,
                           override_dir: Path | None = None) -> ResolvedWeights:
    """`resolve_weights` for one of ``plugin``'s variants, every place looked at (its own package's
    ``weights_dir`` included) as `from_pretrained` looks. Raises WeightsError when nothing is found."""
    return resolve_weights(plugin.name, spec, override_dir=override_dir,
                           package_dir=getattr(plugin, "weights_dir", None))


def plugin_named(name: str) -> Plugin:
    """The built-in or installed plugin called ``name``; WeightsError when none is, or it did not load."""
    from genhub.registry import discover  # the registry imports plugins: only when asked by name

    try:
        records = discover(name, autoload=False)
    except ValueError as err:  # a name that exists nowhere
        raise WeightsError(f"cannot load weights: {err}") from err
    record = next((r for r in records if r.name == name), None)
    if record is None or record.plugin is None:
        error = record.error if record else "its name is taken by another plugin"
        raise WeightsError(f"cannot load weights of plugin {name!r}: it did not load: {error}")
    return record.plugin


def save_weights(folder: Path, model: nn.Module, config: Mapping[str, Any]) -> str:
    """Write ``model.safetensors`` and ``config.json`` into ``folder``; return the file's sha256.

    ``config["model"]`` must rebuild ``model``'s architecture; tensors are saved contiguous on CPU.
    Built-in training calls `genhub.training.release.release`, which checks the config schema,
    calls this and writes the model card.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    weights_file = folder / "model.safetensors"
    save_file(state, weights_file, metadata={"format": "pt"})
    (folder / CONFIG_FILENAME).write_text(json.dumps(dict(config), indent=2) + "\n")
    return sha256_of(weights_file)
