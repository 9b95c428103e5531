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
``build_model``    ``config["model"] -> nn.Module``: the untrained architecture
``train``          ``TrainRequest -> Path``: trains one variant, writes a weights folder
``sample``         ``(model, config, SampleRequest) -> Samples``: seeded, deterministic
``build_tab``      ``TabContext -> None``: builds the tab's components (called inside gr.Tab)
``task``           ``"generate"`` (from a seed, the default) or ``"translate"`` (an input in,
                   an output out; its size may follow the input's)
``input_kind``     what a translate plugin takes: ``"image"`` or ``"audio"``; None to generate
``sample_options`` options of ``sample`` (`Option`): ``genhub sample`` flags, checks, controls
``train_options``  options of ``train`` (`Option`): the generic flags it honours (`train_flags`) and
                   its own; ``genhub train`` refuses any other flag
``tiny_config``    a config.json-shaped dict for a very small model (``"model"``: its constructor
                   arguments), so the contract tests build and sample it without weights
``order``          where the tab goes among the others: lower first, ties by name (default 100)
``weights_dir``    a folder inside an installed plugin package holding ``<variant>/`` weights
                   folders, shipped with the package (None: the repo's ``weights/`` or the Hub)
``tab_examples``   the test images the tab offers, ``{"mnist": 2000}``: a Space ships them
=================  ==========================================================================

What passes between hub and plugin: `TrainRequest` in, a weights folder out; `SampleRequest`
(count, seed, option values, and for a translation the input) in, `Samples` out. `Samples`
and `SampleRequest` check the shape, dtype and range of their tensors when constructed.

This module imports neither gradio nor the plugins, so that training and the CLI stay light.
"""

from __future__ import annotations

import importlib
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from genhub.media import check_audio, check_images
from genhub.options import Option

if TYPE_CHECKING:
    import gradio as gr
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
    call.target = target  # type: ignore[attr-defined] - read by the contract kit to check it resolves
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
    in_tab: bool = True
    """Offered in the tab's variant selector (and so to the tab's API endpoints). False keeps a
    variant that does not yet do what the tab promises out of the tab, while ``genhub sample``,
    ``genhub list``, training and the benches still reach it. The first variant must be in the tab."""


TRAIN_FLAGS: Mapping[str, Option] = MappingProxyType({option.name: option for option in (
    Option("epochs", int, None, "passes over the training set; default: the variant's recipe", minimum=1),
    Option("batch_size", int, None, "examples per optimizer step; default: the variant's recipe", minimum=1),
    Option("lr", float, None, "learning rate; default: the variant's recipe", minimum=1e-8, maximum=10),
    Option("max_steps", int, None, "stop after this many optimizer steps", minimum=1),
    Option("train_limit", int, None, "use only the first N training examples (a validation split is carved from "
           "them)", minimum=2),
    Option("minutes", float, None, "stop once this many minutes of training have passed (checkpointed), the "
           "schedule unfinished if it is not done", minimum=0.01),
)})
"""The generic training flags, by name: each one's value arrives as the `TrainRequest` field of
that name. A plugin lists those it honours in ``train_options`` (see `train_flags`)."""


def train_flags(*names: str) -> tuple[Option, ...]:
    """The generic training flags a plugin honours, for ``Plugin.train_options``::

        train_options=train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit")

    ``genhub train`` refuses a flag the plugin does not list, so none is silently ignored."""
    unknown = [name for name in names if name not in TRAIN_FLAGS]
    if unknown:
        raise PluginError(f"train_flags: no generic flag {unknown[0]!r}; they are {', '.join(TRAIN_FLAGS)}")
    return tuple(TRAIN_FLAGS[name] for name in names)


@dataclass(frozen=True)
class TrainRequest:
    """What `genhub train` asks of a plugin's ``train``. ``None`` means the variant's default.

    A generic field (epochs, batch_size, lr, max_steps, train_limit) is None unless the plugin
    lists it in ``train_options`` and the user set it."""

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
    minutes: float | None = None
    """A time budget: stop training once this many minutes have passed."""
    seed: int = 0
    resume: bool = True
    """Continue from ``out_dir/checkpoint`` when it exists."""
    command: str = ""
    """The command line that started training, recorded in the model card."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """Values of the plugin's own ``train_options`` (not the generic flags), keyed by name."""
    model: Mapping[str, Any] | None = None
    """Constructor arguments laid over the variant's architecture (None: the variant's own).
    The contract tests train each plugin's ``tiny_config["model"]`` for a few steps this way."""

    def architecture(self, recipe_model: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor arguments to train: the variant's ``recipe_model`` with ``model`` laid over."""
        return {**recipe_model, **(self.model or {})}


@dataclass(frozen=True)
class SampleRequest:
    """A seeded sampling request. The same request on the same weights gives the same samples.

    Checked when constructed (ValueError): ``count`` ≥ 1, ``seed`` in [0, MAX_SEED], and an
    ``input`` in the contract's form. A single input item is given a batch axis here, so a
    plugin always receives a batch: an image (C, H, W) becomes (1, C, H, W), a clip (T,) (1, T).
    """

    count: int
    """How many samples; for a translation, the number of inputs (one output each)."""
    seed: int = 0
    options: Mapping[str, Any] = field(default_factory=dict)
    """Values of the plugin's ``sample_options``, keyed by `Option.name` (checked by the caller
    with `genhub.options.checked_values`)."""
    input: torch.Tensor | None = None
    """Translation only: images float32 (N, C, H, W), C in {1, 3}, in [0, 1], any H and W; or
    clips float32 (N, T) in [-1, 1] at ``input_sample_rate`` Hz."""
    input_sample_rate: int | None = None
    """Hz of an audio ``input``; None for an image or no input."""

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, numbers.Integral) or self.count < 1:
            raise ValueError(f"count must be a whole number ≥ 1, got {self.count!r}")
        if (isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral)
                or not 0 <= self.seed <= MAX_SEED):
            raise ValueError(f"seed must be a whole number from 0 to {MAX_SEED}, got {self.seed!r}")
        object.__setattr__(self, "count", int(self.count))
        object.__setattr__(self, "seed", int(self.seed))
        if self.input is None:
            if self.input_sample_rate is not None:
                raise ValueError("input_sample_rate is given but there is no input")
            return
        batch = _input_batch(self.input, self.input_sample_rate)
        object.__setattr__(self, "input", batch)
        if len(batch) != self.count:
            raise ValueError(f"a translation gives one output per input: count must be {len(batch)} "
                             f"(the number of inputs), got {self.count}")

    @property
    def input_kind(self) -> Literal["image", "audio"] | None:
        """"image", "audio", or None when there is no input."""
        if self.input is None:
            return None
        return "image" if self.input.ndim == 4 else "audio"


def _input_batch(data: Any, sample_rate: Any) -> torch.Tensor:
    """An input item or batch -> the checked batch (see `SampleRequest.input`)."""
    import torch

    if not isinstance(data, torch.Tensor) or data.ndim not in (1, 2, 3, 4):
        shape = tuple(data.shape) if hasattr(data, "shape") else type(data).__name__
        raise ValueError(f"SampleRequest.input must be a tensor: an image (C, H, W) or (N, C, H, W), or audio "
                         f"(T,) or (N, T); got {shape}")
    if data.ndim >= 3:
        batch = data if data.ndim == 4 else data.unsqueeze(0)
        check_images(batch, "SampleRequest.input (image)")
        if sample_rate is not None:
            raise ValueError(f"input_sample_rate is for audio input; an image has none, got {sample_rate!r}")
    else:
        batch = data if data.ndim == 2 else data.unsqueeze(0)
        check_audio(batch, sample_rate, "SampleRequest.input (audio)")
    return batch


@dataclass(frozen=True)
class Samples:
    """What ``sample`` returns; checked when constructed (ValueError says what is wrong).

    - ``kind="image"``: ``data`` is float32 ``(N, C, H, W)``, C in {1, 3}, finite, in [0, 1];
      ``sample_rate`` is None.
    - ``kind="audio"``: ``data`` is float32 ``(N, T)``, finite, in [-1, 1] at ``sample_rate``
      Hz (a positive int).
    """

    kind: Literal["image", "audio"]
    data: torch.Tensor
    sample_rate: int | None = None

    def __post_init__(self) -> None:
        if self.kind == "image":
            check_images(self.data, "Samples.data (image)")
            if self.sample_rate is not None:
                raise ValueError(f"Samples: sample_rate is for audio; images have none, got {self.sample_rate!r}")
        elif self.kind == "audio":
            check_audio(self.data, self.sample_rate, "Samples.data (audio)")
        else:
            raise ValueError(f"Samples.kind must be 'image' or 'audio', got {self.kind!r}")


class LoadedModel(Protocol):
    """A variant ready to run: what `TabContext.model` returns. Shared by every session and
    worker thread, so handlers read it and never change it.

    - ``model``: the module ``build_model(config["model"])`` built, with the variant's weights
      loaded, on ``device``, in eval mode; call it under ``torch.no_grad()`` with inputs
      moved to ``device``. Its inputs' and outputs' shapes and ranges are the plugin's own
      (its ``model.py`` documents them).
    - ``config``: the variant's ``config.json`` as a dict: ``"model"`` (the constructor's
      keyword arguments), ``"data"`` (the preprocessing facts: value range or sample rate,
      classes, ...), ``"training"`` (command, metrics).
    - ``spec``: the `WeightsSpec` the weights were resolved from.
    - ``device``: where ``model`` lives.
    """

    model: nn.Module
    config: dict[str, Any]
    spec: WeightsSpec
    device: torch.device


class TabContext(Protocol):
    """What the hub hands a plugin's ``build_tab``, which is called inside the plugin's tab
    right under what the hub draws there itself: the plugin's ``description`` and the variant
    selector. A tab never draws either again."""

    plugin: Plugin
    variant: gr.Dropdown
    """The hub's variant selector: a dropdown labelled "Variant" whose choices read
    ``"<variant> — <summary>"`` and whose value is the variant's name, the default variant
    first. Shown only when the plugin has more than one variant, but always there, so a tab
    lists it among an event's inputs (a handler then receives the chosen variant's name, which
    the hub has checked to be a declared one) and listens to it (``context.variant.change``)
    to update what depends on the variant."""

    def model(self, variant: str | None = None) -> LoadedModel:
        """The variant named ``variant`` (None: the default), loaded on first use, then cached.

        Raises ``gradio.Error`` with a message fit for the UI when ``variant`` is not one of the
        plugin's or its weights cannot be loaded (missing, corrupt or mismatched), so handlers
        call it directly: ``loaded = context.model(variant); loaded.model(x)``.
        """
        ...

    def on_open(self, fn: Callable[..., Any], inputs: Any, outputs: Any) -> None:
        """Run ``fn(*inputs) -> outputs`` whenever the tab is opened (and on page load when it
        is the first tab), after the hub has loaded the selected variant."""
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
    task: Literal["generate", "translate"] = "generate"
    """``"generate"``: samples from a seed and the options, no input. ``"translate"``: one output
    per input of ``SampleRequest.input`` (``genhub sample --input FILE``)."""
    input_kind: Literal["image", "audio"] | None = None
    """What a translate plugin takes; None for a generate plugin."""
    sample_options: tuple[Option, ...] = ()
    """``sample``'s options: ``genhub sample`` flags, their checks, Gradio controls."""
    train_options: tuple[Option, ...] = ()
    """``train``'s options: the generic flags it honours (`train_flags`), then its own (they
    arrive in ``TrainRequest.options``). ``genhub train`` refuses any flag not listed."""
    tiny_config: Mapping[str, Any] | None = field(default=None, compare=False)
    """A config in config.json's form for a very small model (seconds to build and sample on a
    CPU): ``"model"``, the keyword arguments of ``build_model``, and whatever else ``sample``
    reads (e.g. ``"data"``). The contract tests call ``build_model(tiny_config["model"])`` and
    ``sample(model, tiny_config, ...)`` on its random weights. None: the plugin is not tested so."""
    order: int = 100
    """Tab position: lower first, ties by name. The built-ins use 10-60, so third-party tabs
    come after them unless they ask otherwise."""
    weights_dir: Path | None = None
    """Weights shipped inside the plugin's own package: ``<weights_dir>/<variant>/`` holds
    ``model.safetensors`` (hashed against the variant's ``sha256``) and ``config.json``. Looked
    at after the hub repository's ``weights/<name>/<variant>/`` and before the Hugging Face Hub,
    so a third-party package need not upload anything. Typically
    ``Path(__file__).parent / "weights"``."""

    tab_examples: Mapping[str, int] = field(default_factory=dict, compare=False)
    """The test images the tab offers to pick from, by dataset name (``"mnist"``,
    ``"fashion-mnist"``) -> how many of the first test images (read with
    `genhub.training.data.example_digits`). ``genhub spaces build`` ships them in the Space, so
    the tab downloads nothing there."""

    def __post_init__(self) -> None:
        where = f"plugin {self.name!r}"
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise PluginError(f"{where}: name must match [a-z][a-z0-9_]*")
        if not isinstance(self.title, str) or not self.title.strip():
            raise PluginError(f"{where}: title must be a non-empty string")
        if not self.variants:
            raise PluginError(f"{where}: variants is empty; declare at least one WeightsSpec")
        if isinstance(self.variants[0], WeightsSpec) and not self.variants[0].in_tab:
            raise PluginError(f"{where}: the first variant is the default and must be offered in the tab (in_tab=True)")
        seen: set[str] = set()
        addresses: dict[tuple[str, str, str], str] = {}
        for spec in self.variants:
            _check_spec(where, spec)
            if spec.variant in seen:
                raise PluginError(f"{where}: variant {spec.variant!r} is declared twice")
            seen.add(spec.variant)
            # The Hub fallback downloads config.json and the file from this address: two variants
            # there would get one file, and one of them would always fail its sha256 check.
            address = (spec.repo_id, spec.revision, spec.filename)
            if address in addresses:
                raise PluginError(f"{where}: variants {addresses[address]!r} and {spec.variant!r} share the Hub "
                                  f"address {spec.repo_id}@{spec.revision}/{spec.filename}; give each its own "
                                  f"repo_id")
            addresses[address] = spec.variant
        for attr in ("build_model", "train", "sample", "build_tab"):
            if not callable(getattr(self, attr)):
                raise PluginError(f"{where}: {attr} must be callable, got {getattr(self, attr)!r}")
        if self.task not in ("generate", "translate"):
            raise PluginError(f"{where}: task must be 'generate' or 'translate', got {self.task!r}")
        if self.task == "translate" and self.input_kind not in ("image", "audio"):
            raise PluginError(f"{where}: a translate plugin must set input_kind to 'image' or 'audio', "
                              f"got {self.input_kind!r}")
        if self.task == "generate" and self.input_kind is not None:
            raise PluginError(f"{where}: input_kind is for translate plugins; a generate plugin takes no input")
        _check_options(where, "sample_options", self.sample_options, _SAMPLE_RESERVED)
        _check_options(where, "train_options", self.train_options, _TRAIN_RESERVED)
        for option in self.train_options:
            generic = TRAIN_FLAGS.get(option.name)
            if generic is not None and option.type is not generic.type:
                raise PluginError(f"{where}: train option {option.name!r} must be of type {generic.type.__name__}, "
                                  f"as the generic flag is; got {option.type.__name__}")
        if not isinstance(self.tab_examples, Mapping) or not all(
                name in _EXAMPLE_DATASETS and isinstance(count, int) and not isinstance(count, bool) and count >= 1
                for name, count in self.tab_examples.items()):
            raise PluginError(f"{where}: tab_examples must map dataset names ({', '.join(_EXAMPLE_DATASETS)}) to "
                              f"counts ≥ 1, got {self.tab_examples!r}")
        if self.weights_dir is not None and not isinstance(self.weights_dir, Path):
            raise PluginError(f"{where}: weights_dir must be a pathlib.Path or None, got {self.weights_dir!r}")
        if self.tiny_config is not None and not (isinstance(self.tiny_config, Mapping)
                                                 and isinstance(self.tiny_config.get("model"), Mapping)):
            raise PluginError(f"{where}: tiny_config must be a config like config.json's, with a \"model\" "
                              f"mapping of build_model's keyword arguments; got {self.tiny_config!r}")

    @property
    def default_variant(self) -> str:
        return self.variants[0].variant

    def spec(self, variant: str | None = None) -> WeightsSpec:
        """The `WeightsSpec` of ``variant`` (None: the default). Unknown names raise KeyError."""
        return find_spec(self.variants, variant, f"plugin {self.name!r}")


_EXAMPLE_DATASETS = ("mnist", "fashion-mnist")
"""Datasets a tab may offer examples of: genhub.training.data.IDX_DATASETS (not imported here:
it imports torch)."""
_SAMPLE_RESERVED = frozenset({"plugin", "variant", "seed", "count", "out", "input", "scale", "nrow", "device",
                              "weights_dir", "help", "command", "run"})
"""Names of ``genhub sample``'s own flags (and argparse's bookkeeping), not free for options."""
_TRAIN_RESERVED = frozenset({"plugin", "variant", "data_dir", "out", "out_dir", "device", "seed", "resume",
                             "no_resume", "options", "help", "command", "run"})


def _check_options(where: str, field_name: str, options: object, reserved: frozenset[str]) -> None:
    if not isinstance(options, tuple) or not all(isinstance(o, Option) for o in options):
        raise PluginError(f"{where}: {field_name} must be a tuple of Option objects, got {options!r}")
    names = [o.name for o in options]
    if len(names) != len(set(names)):
        raise PluginError(f"{where}: {field_name} has duplicate names {names}")
    if clash := reserved.intersection(names):
        raise PluginError(f"{where}: {field_name} may not redefine {sorted(clash)}")


def find_spec(variants: tuple[WeightsSpec, ...], variant: str | None, owner: str) -> WeightsSpec:
    """The spec named ``variant`` among ``variants`` (None: the first, the default). An unknown
    name raises KeyError: "``owner`` has no variant …; known: …"."""
    variant = variant or variants[0].variant
    for spec in variants:
        if spec.variant == variant:
            return spec
    raise KeyError(f"{owner} has no variant {variant!r}; known: {', '.join(s.variant for s in variants)}")


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
