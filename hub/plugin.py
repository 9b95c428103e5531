"""The plugin contract: everything a model family hands to the hub, written down once.

A plugin is one `Plugin` object named ``PLUGIN``, found either in a folder
``plugins/<name>/__init__.py`` (built-in) or through the entry-point group
``genhub.plugins`` of an installed package::

    [project.entry-points."genhub.plugins"]
    mymodel = "genhub_mymodel:PLUGIN"

Both kinds go through the same loader (`genhub.registry`). A `Plugin` checks itself when it
is constructed, so a mistake raises `PluginError` naming the plugin at registration time.

What a plugin must provide (the fields of `Plugin`):

=================  ==========================================================================
``name``           identifier, ``[a-z][a-z0-9_]*``; the folder / entry-point name
``title``          the tab's title, e.g. "VAE latent explorer"
``description``    one paragraph shown at the top of the tab and in ``genhub list``
``variants``       released weights, one `WeightsSpec` per variant; the first is the default
``build_model``    ``config -> nn.Module``: the untrained architecture, from config.json
``train``          ``TrainRequest -> Path``: trains one variant, writes a weights folder
``sample``         ``(model, config, SampleRequest) -> Samples``: seeded, deterministic
``build_tab``      ``TabContext -> None``: builds the tab's components (called inside gr.Tab)
``sample_options`` extra ``--name value`` options of ``genhub sample`` for this plugin
``order``          where the tab goes among the others: lower first, ties by name (default 100)
=================  ==========================================================================

This module imports neither gradio nor the plugins, so that training and the CLI stay light.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import torch
    from torch import nn

CONFIG_FILENAME = "config.json"
WEIGHTS_FILENAME = "model.safetensors"
ENTRY_POINT_GROUP = "genhub.plugins"
MAX_SEED = 2**31 - 1
"""Seeds are whole numbers in [0, MAX_SEED], in the UI, the API and the CLI alike."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VARIANT = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def lazy(target: str) -> Callable[..., Any]:
    """``"package.module:function"`` -> a function that imports the target when first called, then
    calls it. A plugin names its ``train`` and ``build_tab`` this way, so serving never imports the
    training stack and training or sampling never imports gradio."""
    module, _, name = target.partition(":")
    if not module or not name:
        raise PluginError(f"lazy target must look like 'package.module:function', got {target!r}")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"Imports {target} on first use and calls it."
    return call


class PluginError(ValueError):
    """A plugin broke the contract; the message names the plugin and the field."""


@dataclass(frozen=True)
class WeightsSpec:
    """Where one released variant's weights live, pinned.

    The hub looks for ``weights/<plugin>/<variant>/`` in the repository first, then downloads
    ``filename`` and ``config.json`` from the Hugging Face Hub repo ``repo_id`` at ``revision``.
    Either way the safetensors file must hash to ``sha256``.
    """

    variant: str
    """Variant name, e.g. ``"mnist-2d"``; also the folder name under ``weights/<plugin>/``."""
    repo_id: str
    """Hugging Face Hub model repo, ``"owner/name"``."""
    revision: str
    """Pinned Hub revision: a commit hash, or a tag that `genhub push` created."""
    sha256: str
    """Lower-case hex SHA-256 of the safetensors file."""
    summary: str = ""
    """One line for selectors and ``genhub list``, e.g. "2-D latent, MLP"."""
    filename: str = WEIGHTS_FILENAME


@dataclass(frozen=True)
class TrainRequest:
    """What `genhub train` asks of a plugin's ``train``. ``None`` means the variant's default."""

    variant: str
    out_dir: Path
    """Folder to write ``model.safetensors``, ``config.json``, model card, log and loss curve."""
    data_dir: Path | None = None
    """Root of the datasets (``--data-dir`` / ``GENHUB_DATA``); None: the library's download."""
    device: str = "cpu"
    epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    max_steps: int | None = None
    """Stop after this many optimizer steps (smoke tests)."""
    train_limit: int | None = None
    """Use only the first N training examples (smoke tests)."""
    seed: int = 0
    resume: bool = True
    """Continue from ``out_dir/checkpoint`` when it exists."""
    command: str = ""
    """The command line that started training, recorded in the model card."""


@dataclass(frozen=True)
class SampleRequest:
    """A seeded sampling request. The same request on the same weights gives the same samples."""

    count: int
    seed: int = 0
    options: Mapping[str, Any] = field(default_factory=dict)
    """Plugin-specific values, keyed by `SampleOption.name`."""


@dataclass(frozen=True)
class Samples:
    """What ``sample`` returns.

    - ``kind="image"``: ``data`` is float32 ``(N, C, H, W)`` in [0, 1].
    - ``kind="audio"``: ``data`` is float32 ``(N, T)`` in [-1, 1] at ``sample_rate`` Hz.
    """

    kind: Literal["image", "audio"]
    data: torch.Tensor
    sample_rate: int | None = None


@dataclass(frozen=True)
class SampleOption:
    """An extra ``genhub sample`` option: ``--<name> value``, parsed with ``type``."""

    name: str
    type: Callable[[str], Any]
    default: Any
    help: str


class LoadedModel(Protocol):
    """A variant's model on its device, in eval mode, with the config it was built from."""

    model: nn.Module
    config: dict[str, Any]
    spec: WeightsSpec
    device: torch.device


class TabContext(Protocol):
    """What the hub hands a plugin's ``build_tab``."""

    plugin: Plugin

    def model(self, variant: str | None = None) -> LoadedModel:
        """Load (once, then cached) and return a variant; None is the default variant.

        Raises ``gradio.Error`` with a message fit for the UI when it cannot be loaded
        (missing, corrupt or mismatched weights), so handlers can call it directly.
        """
        ...

    def on_open(self, fn: Callable[..., Any], inputs: Any, outputs: Any) -> None:
        """Run ``fn(*inputs) -> outputs`` whenever the tab is opened (and on page load when it
        is the first tab), after the hub has loaded the default variant."""
        ...

    def events(self, kind: Literal["interactive", "long"] = "interactive") -> dict[str, Any]:
        """Keyword arguments for an event listener that put it in this plugin's queue group of
        that kind: ``button.click(fn, inputs, outputs, api_name=..., **context.events("long"))``.
        Interactive calls (milliseconds) and long jobs (generators that update every fraction of
        a second, stopped by the hub after a time limit) queue apart, so a long job never delays
        an interactive call."""
        ...


@dataclass(frozen=True)
class Plugin:
    """One model family. See the module docstring for the contract."""

    name: str
    title: str
    description: str
    variants: tuple[WeightsSpec, ...]
    build_model: Callable[[Mapping[str, Any]], nn.Module]
    """``config["model"]`` (the constructor's keyword arguments) -> untrained module."""
    train: Callable[[TrainRequest], Path]
    sample: Callable[[nn.Module, Mapping[str, Any], SampleRequest], Samples]
    build_tab: Callable[[TabContext], None]
    sample_options: tuple[SampleOption, ...] = ()
    order: int = 100
    """Tab position: lower first, ties by name. The built-ins use 10-60, so third-party tabs
    come after them unless they ask otherwise."""

    def __post_init__(self) -> None:
        where = f"plugin {self.name!r}"
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise PluginError(f"{where}: name must match [a-z][a-z0-9_]*")
        if not isinstance(self.title, str) or not self.title.strip():
            raise PluginError(f"{where}: title must be a non-empty string")
        if not self.variants:
            raise PluginError(f"{where}: variants is empty; declare at least one WeightsSpec")
        seen: set[str] = set()
        for spec in self.variants:
            _check_spec(where, spec)
            if spec.variant in seen:
                raise PluginError(f"{where}: variant {spec.variant!r} is declared twice")
            seen.add(spec.variant)
        for attr in ("build_model", "train", "sample", "build_tab"):
            if not callable(getattr(self, attr)):
                raise PluginError(f"{where}: {attr} must be callable, got {getattr(self, attr)!r}")
        names = [o.name for o in self.sample_options]
        if len(names) != len(set(names)):
            raise PluginError(f"{where}: sample_options has duplicate names {names}")
        reserved = {"variant", "seed", "count", "out", "device", "weights_dir"}
        if clash := reserved.intersection(names):
            raise PluginError(f"{where}: sample_options may not redefine {sorted(clash)}")

    @property
    def default_variant(self) -> str:
        return self.variants[0].variant

    def spec(self, variant: str | None = None) -> WeightsSpec:
        """The `WeightsSpec` of ``variant`` (None: the default). Unknown names raise KeyError."""
        variant = variant or self.default_variant
        for spec in self.variants:
            if spec.variant == variant:
                return spec
        known = ", ".join(s.variant for s in self.variants)
        raise KeyError(f"plugin {self.name!r} has no variant {variant!r}; known: {known}")


def _check_spec(where: str, spec: object) -> None:
    if not isinstance(spec, WeightsSpec):
        raise PluginError(f"{where}: variants must hold WeightsSpec objects, got {spec!r}")
    at = f"{where}, variant {spec.variant!r}"
    if not _VARIANT.match(spec.variant):
        raise PluginError(f"{at}: variant name must match [a-z0-9][a-z0-9_.-]*")
    if not _REPO_ID.match(spec.repo_id):
        raise PluginError(f"{at}: repo_id {spec.repo_id!r} is not of the form 'owner/name'")
    if not spec.revision or spec.revision in {"main", "master"}:
        raise PluginError(f"{at}: revision must be pinned (a commit hash or tag), got {spec.revision!r}")
    if not _SHA256.match(spec.sha256):
        raise PluginError(f"{at}: sha256 must be 64 lower-case hex digits, got {spec.sha256!r}")
    if not spec.filename.endswith(".safetensors"):
        raise PluginError(f"{at}: filename must be a .safetensors file, got {spec.filename!r}")
