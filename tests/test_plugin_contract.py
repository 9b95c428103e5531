"""A plugin is checked when it is constructed; every mistake names the plugin."""

from __future__ import annotations

import dataclasses

import pytest

from genhub.plugin import Plugin, PluginError, SampleOption, WeightsSpec

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
    ({"variants": (dataclasses.replace(SPEC, sha256="xyz"),)}, "sha256 must be 64"),
    ({"variants": (dataclasses.replace(SPEC, revision="main"),)}, "revision must be pinned"),
    ({"variants": (dataclasses.replace(SPEC, repo_id="no-owner"),)}, "not of the form 'owner/name'"),
    ({"variants": (dataclasses.replace(SPEC, filename="model.bin"),)}, ".safetensors"),
    ({"variants": ("mnist-2d",)}, "must hold WeightsSpec"),
    ({"sample": "not callable"}, "sample must be callable"),
    ({"sample_options": (SampleOption("seed", int, 0, "clashes"),)}, "may not redefine"),
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
