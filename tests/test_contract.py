"""Contract tests, parametrized over every discovered built-in plugin and variant: a new
plugin folder is tested the moment it exists."""

from __future__ import annotations

import gradio as gr
import pytest
import torch

from genhub.app import PluginContext
from genhub.plugin import Plugin, SampleRequest, WeightsSpec
from genhub.registry import discover
from genhub.store import ModelStore
from genhub.weights import load_weights, resolve_weights

RECORDS = discover(autoload=False)
PLUGINS = [r.plugin for r in RECORDS if r.plugin is not None]
VARIANTS = [pytest.param(p, s, id=f"{p.name}/{s.variant}") for p in PLUGINS for s in p.variants]


def load(plugin: Plugin, spec: WeightsSpec):
    return load_weights(plugin.name, spec, resolve_weights(plugin.name, spec), plugin.build_model,
                        torch.device("cpu"))


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
