"""Contract tests, parametrized over every discovered built-in plugin and variant: a new
plugin folder is tested the moment it exists.

The tiny-config tests build each plugin's ``tiny_config`` model (random weights, no download)
and run the contract on it; the fixture translation plugin ``invert`` joins them, so the
"translate" task is tested before a built-in plugin translates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gradio as gr
import pytest
import torch
from torch import nn

from genhub.app import PluginContext
from genhub.options import checked_values
from genhub.plugin import Plugin, SampleRequest, Samples, TrainRequest, WeightsSpec
from genhub.registry import PluginRecord, discover
from genhub.store import ModelStore
from genhub.weights import from_pretrained
from tests.fixtures.third_party.genhub_invert import PLUGIN as INVERT

RECORDS = discover(autoload=False)
PLUGINS = [r.plugin for r in RECORDS if r.plugin is not None]
VARIANTS = [pytest.param(p, s, id=f"{p.name}/{s.variant}") for p in PLUGINS for s in p.variants]
TINY = [pytest.param(p, id=p.name) for p in [*PLUGINS, INVERT]]
GENERATORS = [param for param in TINY if param.values[0].task == "generate"]
TRANSLATORS = [param for param in TINY if param.values[0].task == "translate"]
TINY_PARAMETERS = 200_000
"""A tiny model has fewer parameters than this: it builds and samples in seconds on a CPU."""
INPUT_SHAPES = {"image": [(1, 1, 13, 17), (2, 3, 16, 16)], "audio": [(1, 800), (2, 400)]}
"""Inputs a translator must take: grey and colour images of any size; clips of any length."""
INPUT_RATE = 8000


def load(plugin: Plugin, spec: WeightsSpec):
    return from_pretrained(plugin, spec.variant)


@pytest.mark.parametrize("record", RECORDS, ids=[r.name for r in RECORDS])
def test_every_builtin_plugin_loads(record):
    assert record.error is None, record.error
    assert record.origin == f"folder plugins/{record.name}"


@pytest.mark.parametrize("plugin,spec", VARIANTS)
def test_shipped_weights_load_strictly_with_a_complete_config(plugin, spec):
    loaded = load(plugin, spec)
    assert loaded.sha256 == spec.sha256
    assert not loaded.model.training
    data = loaded.config["data"]
    assert "value_range" in data or "sample_rate" in data, "config.json must state the preprocessing facts"
    assert loaded.config["plugin"] == plugin.name and loaded.config["variant"] == spec.variant
    assert loaded.config["training"]["command"].startswith("genhub train"), "the card needs the training command"


@pytest.mark.parametrize("plugin,spec", VARIANTS)
def test_seeded_samples_have_the_documented_shape_range_and_repeat(plugin, spec):
    loaded = load(plugin, spec)
    first = plugin.sample(loaded.model, loaded.config, SampleRequest(count=3, seed=7))
    again = plugin.sample(loaded.model, loaded.config, SampleRequest(count=3, seed=7))
    other = plugin.sample(loaded.model, loaded.config, SampleRequest(count=3, seed=8))
    assert first.data.dtype == torch.float32 and first.data.shape[0] == 3
    if first.kind == "image":
        assert first.data.ndim == 4
        assert first.data.shape[1:] == (loaded.config["data"]["channels"], loaded.config["data"]["image_size"],
                                        loaded.config["data"]["image_size"])
        assert 0.0 <= first.data.min() and first.data.max() <= 1.0
    else:
        assert first.kind == "audio" and first.data.ndim == 2 and first.sample_rate
        assert first.data.abs().max() <= 1.0
    assert torch.equal(first.data, again.data)
    assert not torch.equal(first.data, other.data)


@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_tab_builds_inside_blocks(plugin):
    store = ModelStore([r for r in RECORDS if r.plugin is plugin], torch.device("cpu"))
    with gr.Blocks() as demo:
        with gr.Tab(plugin.title):
            plugin.build_tab(PluginContext(plugin, store))
    endpoints = [d.api_name for d in demo.fns.values() if d.api_name]
    assert any(name.startswith(f"{plugin.name}_") for name in endpoints), \
        f"name the tab's API endpoints {plugin.name}_<action>; found {endpoints}"


def tiny(plugin: Plugin) -> tuple[nn.Module, dict[str, Any]]:
    """The plugin's tiny model in eval mode (random weights, seeded) and the config ``sample`` gets."""
    torch.manual_seed(0)
    return plugin.build_model(dict(plugin.tiny_config["model"])).eval(), dict(plugin.tiny_config)


def at_bounds(plugin: Plugin, end: int) -> dict[str, Any]:
    """Every sample option at one end of what it declares (end 0: minimum or first choice, -1:
    maximum or last choice); options without either at their default."""
    values = {}
    for option in plugin.sample_options:
        ends = option.choices or ((option.minimum, option.maximum) if None not in (option.minimum, option.maximum)
                                  else None)
        if ends is not None:
            values[option.name] = ends[end]
    return checked_values(plugin.sample_options, values)


def translation_input(kind: str, shape: tuple[int, ...], seed: int = 0) -> tuple[torch.Tensor, int | None]:
    generator = torch.Generator().manual_seed(seed)
    if kind == "image":
        return torch.rand(shape, generator=generator), None
    return torch.rand(shape, generator=generator) * 2 - 1, INPUT_RATE


def run(plugin: Plugin, model: nn.Module, config: Mapping[str, Any], options: Mapping[str, Any],
        seed: int = 0, count: int = 3, shape: tuple[int, ...] | None = None) -> Samples:
    """One ``sample`` call; a translator gets an input of ``shape`` (default: its first test shape)."""
    if plugin.task == "generate":
        request = SampleRequest(count, seed, options)
    else:
        x, rate = translation_input(plugin.input_kind, shape or INPUT_SHAPES[plugin.input_kind][0])
        request = SampleRequest(len(x), seed, options, input=x, input_sample_rate=rate)
    samples = plugin.sample(model, config, request)
    assert isinstance(samples, Samples), f"sample must return Samples, got {type(samples).__name__}"
    assert len(samples.data) == request.count, "one sample per requested count (per input, for a translation)"
    return samples


@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_every_builtin_plugin_declares_a_tiny_config_and_its_train_flags(plugin):
    assert plugin.tiny_config is not None, "declare tiny_config: the contract tests build it without weights"
    assert plugin.train_options, "declare train_options: genhub train refuses every flag a plugin does not list"


@pytest.mark.parametrize("plugin", TINY)
def test_the_tiny_config_builds_a_tiny_module(plugin):
    model, _ = tiny(plugin)
    assert isinstance(model, nn.Module)
    assert sum(p.numel() for p in model.parameters()) < TINY_PARAMETERS


@pytest.mark.parametrize("plugin", GENERATORS)
def test_tiny_generation_repeats_for_a_seed_and_differs_across_seeds(plugin):
    model, config = tiny(plugin)
    options = checked_values(plugin.sample_options, {})
    first, again, other = (run(plugin, model, config, options, seed) for seed in (7, 7, 8))
    assert first.kind == again.kind and first.sample_rate == again.sample_rate
    assert torch.equal(first.data, again.data), "the same seed must give the same samples"
    assert not torch.equal(first.data, other.data), "another seed must give other samples"


@pytest.mark.parametrize("plugin", TRANSLATORS)
def test_tiny_translation_gives_one_output_per_input_of_any_size(plugin):
    model, config = tiny(plugin)
    options = checked_values(plugin.sample_options, {})
    for shape in INPUT_SHAPES[plugin.input_kind]:
        first = run(plugin, model, config, options, shape=shape)
        again = run(plugin, model, config, options, shape=shape)
        assert torch.equal(first.data, again.data), "the same input and seed must give the same output"


@pytest.mark.parametrize("plugin", TINY)
def test_sample_accepts_every_option_at_both_ends_of_its_declared_range(plugin):
    model, config = tiny(plugin)
    for end in (0, -1):
        run(plugin, model, config, at_bounds(plugin, end), count=1)



def _tiny_request(plugin: Plugin, out_dir, data_dir) -> TrainRequest:
    """A few steps of ``genhub train`` on the tiny config, with whichever generic flags it honours."""
    honoured = {option.name for option in plugin.train_options}
    wanted = {"max_steps": 2, "train_limit": 64, "batch_size": 8, "epochs": 1}
    return TrainRequest(variant=plugin.default_variant, out_dir=out_dir, data_dir=data_dir, resume=False,
                        command=f"genhub train {plugin.name} (contract test, tiny config)",
                        model=plugin.tiny_config["model"], **{k: v for k, v in wanted.items() if k in honoured})


@pytest.mark.slow
@pytest.mark.parametrize("plugin", TINY)
def test_the_tiny_config_trains_saves_loads_back_and_serves_its_tab(plugin, data_dir, tmp_path):
    out = tmp_path / plugin.name / plugin.default_variant
    plugin.train(_tiny_request(plugin, out, data_dir))
    loaded = from_pretrained(plugin, weights_dir=tmp_path)
    assert loaded.origin == str(out) and not loaded.model.training
    assert {**loaded.config["model"], **plugin.tiny_config["model"]} == loaded.config["model"], \
        "config.json records the tiny architecture it trained"
    assert sum(p.numel() for p in loaded.model.parameters()) < TINY_PARAMETERS
    first = run(plugin, loaded.model, loaded.config, {}, seed=5)
    assert torch.equal(first.data, run(plugin, loaded.model, loaded.config, {}, seed=5).data)
    store = ModelStore([PluginRecord(plugin.name, "contract test", plugin=plugin)], torch.device("cpu"),
                       weights_dir=tmp_path)
    assert store.get(plugin.name).sha256 == loaded.sha256, "the hub serves the folder just trained"
    with gr.Blocks(), gr.Tab(plugin.title):
        plugin.build_tab(PluginContext(plugin, store))
