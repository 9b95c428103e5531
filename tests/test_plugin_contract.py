"""A plugin is checked when it is constructed; every mistake names the plugin. What passes
between hub and plugin (`SampleRequest`, `Samples`) checks itself the same way."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from genhub.plugin import TRAIN_FLAGS, Option, Plugin, PluginError, SampleRequest, Samples, WeightsSpec, train_flags

SPEC = WeightsSpec("mnist-2d", repo_id="owner/model", revision="v1", sha256="a" * 64)


def make(**changes) -> Plugin:
    fields = dict(name="good", title="A good plugin", description="", variants=(SPEC,),
                  build_model=lambda c: None, train=lambda r: None, sample=lambda m, c, r: None,
                  build_tab=lambda ctx: None)
    return Plugin(**{**fields, **changes})


def test_a_valid_plugin_is_accepted():
    plugin = make()
    assert plugin.default_variant == "mnist-2d"
    assert plugin.spec("mnist-2d") is SPEC


@pytest.mark.parametrize("changes,fragment", [
    ({"name": "Bad Name"}, "name must match"),
    ({"title": " "}, "title must be a non-empty string"),
    ({"variants": ()}, "variants is empty"),
    ({"variants": (SPEC, SPEC)}, "declared twice"),
    ({"variants": (SPEC, dataclasses.replace(SPEC, variant="other"))}, "share the Hub address"),
    ({"variants": (dataclasses.replace(SPEC, sha256="xyz"),)}, "sha256 must be 64"),
    ({"variants": (dataclasses.replace(SPEC, revision="main"),)}, "revision must be pinned"),
    ({"variants": (dataclasses.replace(SPEC, repo_id="no-owner"),)}, "not of the form 'owner/name'"),
    ({"variants": (dataclasses.replace(SPEC, filename="model.bin"),)}, ".safetensors"),
    ({"variants": ("mnist-2d",)}, "must hold WeightsSpec"),
    ({"sample": "not callable"}, "sample must be callable"),
    ({"sample_options": (Option("seed", int, 0, "clashes"),)}, "may not redefine"),
    ({"sample_options": (Option("input", str, "", "clashes"),)}, "may not redefine"),
    ({"sample_options": [Option("a", int, 0, "a list")]}, "must be a tuple of Option objects"),
    ({"sample_options": (Option("a", int, 0, "x"), Option("a", int, 1, "y"))}, "duplicate names"),
    ({"train_options": (Option("data_dir", str, "", "clashes"),)}, "may not redefine"),
    ({"train_options": (Option("epochs", float, 1.0, "not an int"),)}, "must be of type int, as the generic flag is"),
    ({"task": "classify"}, "task must be 'generate' or 'translate'"),
    ({"task": "translate"}, "must set input_kind"),
    ({"input_kind": "image"}, "input_kind is for translate plugins"),
    ({"tiny_config": {"latent_dim": 2}}, 'with a "model" mapping'),
    ({"variants": (dataclasses.replace(SPEC, in_tab=False),)}, "must be offered in the tab"),
])
def test_contract_mistakes_raise_an_error_naming_the_plugin(changes, fragment):
    with pytest.raises(PluginError) as raised:
        make(**{"name": "mistaken", **changes} if "name" not in changes else changes)
    message = str(raised.value)
    assert fragment in message
    assert "plugin 'mistaken'" in message or "plugin 'Bad Name'" in message


def test_unknown_variant_lists_the_known_ones():
    with pytest.raises(KeyError, match="known: mnist-2d"):
        make().spec("nope")


def test_discovering_the_builtins_imports_neither_training_nor_gradio():
    import subprocess
    import sys

    code = ("import sys; from genhub.registry import discover; discover(autoload=False); "
            "print(sorted(m for m in sys.modules if m == 'gradio' or m.endswith(('.train', '.ui'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_lazy_targets_must_name_a_module_and_a_function():
    from genhub.plugin import PluginError, lazy

    with pytest.raises(PluginError, match="package.module:function"):
        lazy("genhub.plugins.cgan.train")
    assert lazy("math:hypot")(3, 4) == 5.0


def test_a_translate_plugin_declares_what_it_takes():
    plugin = make(task="translate", input_kind="audio", tiny_config={"model": {}})
    assert plugin.task == "translate" and plugin.input_kind == "audio"
    assert make().task == "generate" and make().input_kind is None


def test_train_flags_pick_generic_options_by_name_and_refuse_unknown_ones():
    assert [o.name for o in train_flags("lr", "max_steps")] == ["lr", "max_steps"]
    assert train_flags("epochs")[0] is TRAIN_FLAGS["epochs"]
    assert set(TRAIN_FLAGS) == {"epochs", "batch_size", "lr", "max_steps", "train_limit", "minutes"}
    with pytest.raises(PluginError, match="no generic flag 'steps'"):
        train_flags("steps")


def test_samples_accept_the_documented_forms():
    Samples("image", torch.rand(2, 1, 5, 7))
    Samples("image", torch.rand(1, 3, 4, 4))
    Samples("audio", torch.rand(2, 100) * 2 - 1, sample_rate=8000)


@pytest.mark.parametrize("kind,data,rate,fragment", [
    ("image", torch.rand(2, 1, 5, 5).double(), None, "must be float32, got torch.float64"),
    ("image", torch.rand(1, 5, 5), None, "must be 4-D (N, C, H, W), got shape (1, 5, 5)"),
    ("image", torch.rand(1, 2, 5, 5), None, "1 (grey) or 3 (RGB) channels"),
    ("image", torch.full((1, 1, 2, 2), 1.01), None, "must be in [0, 1], found values from 1.01 to 1.01"),
    ("image", torch.tensor([[[[0.5, float("nan")]]]]), None, "NaN or infinite"),
    ("image", torch.rand(0, 1, 5, 5), None, "is empty"),
    ("image", torch.rand(1, 1, 5, 5), 8000, "sample_rate is for audio"),
    ("image", [[0.5]], None, "must be a torch.Tensor"),
    ("audio", torch.full((1, 10), -1.5), 8000, "must be in [-1, 1]"),
    ("audio", torch.zeros(10), 8000, "must be 2-D (N, T)"),
    ("audio", torch.zeros(1, 10), None, "positive whole number of Hz, got None"),
    ("audio", torch.zeros(1, 10), True, "positive whole number of Hz, got True"),
    ("audio", torch.zeros(1, 10), 0, "positive whole number of Hz, got 0"),
    ("video", torch.zeros(1, 10), None, "kind must be 'image' or 'audio'"),
])
def test_samples_refuse_anything_else_with_a_message_saying_what_was_expected(kind, data, rate, fragment):
    with pytest.raises(ValueError) as raised:
        Samples(kind, data, sample_rate=rate)
    assert fragment in str(raised.value)


def test_a_request_gives_a_single_input_a_batch_axis():
    image = SampleRequest(1, input=torch.rand(3, 8, 9))
    assert image.input.shape == (1, 3, 8, 9) and image.input_kind == "image"
    clip = SampleRequest(2, input=torch.zeros(2, 50), input_sample_rate=16000)
    assert clip.input.shape == (2, 50) and clip.input_kind == "audio"
    assert SampleRequest(4, seed=3).input_kind is None


@pytest.mark.parametrize("changes,fragment", [
    ({"count": 0}, "count must be a whole number ≥ 1, got 0"),
    ({"count": True}, "count must be a whole number ≥ 1, got True"),
    ({"seed": -1}, "seed must be a whole number from 0 to 2147483647, got -1"),
    ({"seed": 2**31}, "seed must be a whole number"),
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"input": torch.rand(2, 1, 4, 4)}, "count must be 2 (the number of inputs), got 1"),
    ({"input": torch.rand(1, 4, 4) * 2}, "must be in [0, 1]"),
    ({"input": torch.rand(5)}, "positive whole number of Hz, got None"),
    ({"input": torch.rand(1, 1, 1, 4, 4)}, "an image (C, H, W) or (N, C, H, W), or audio (T,) or (N, T)"),
    ({"input": torch.rand(1, 4, 4), "input_sample_rate": 8000}, "an image has none"),
    ({"input_sample_rate": 8000}, "there is no input"),
])
def test_a_request_refuses_bad_values_with_a_message_naming_them(changes, fragment):
    with pytest.raises(ValueError) as raised:
        SampleRequest(**{"count": 1, **changes})
    assert fragment in str(raised.value)


def test_tab_examples_name_known_datasets_and_match_what_the_tabs_read():
    from genhub.plugin import _EXAMPLE_DATASETS
    from genhub.plugins.pixelcnn import PLUGIN as PIXELCNN
    from genhub.plugins.pixelcnn.ui import TEST_DIGITS
    from genhub.plugins.vae import PLUGIN as VAE
    from genhub.plugins.vae.ui import MAP_POINTS
    from genhub.training.data import IDX_DATASETS

    assert _EXAMPLE_DATASETS == tuple(IDX_DATASETS)
    assert VAE.tab_examples == {"mnist": MAP_POINTS} and PIXELCNN.tab_examples == {"mnist": TEST_DIGITS}
    for wrong in ({"svhn": 10}, {"mnist": 0}, {"mnist": True}, ["mnist"]):
        with pytest.raises(PluginError, match="tab_examples must map dataset names"):
            make(tab_examples=wrong)
