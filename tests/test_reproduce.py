"""The "Reproduce the last output" box (genhub.reproduce): every tab gets one, a third-party tab
included, filled after each successful call of its public endpoints with the endpoint, seed,
variant, weights and a runnable client call; a plugin's ``sample_command`` adds the CLI line.
(Bit-for-bit reproduction through the page is tested in tests/test_browser.py.)"""

from __future__ import annotations

import pytest

from genhub.app import create
from genhub.registry import discover
from genhub.reproduce import PLACEHOLDER, python_literal, recipe, sample_command


def follow_up(demo, api_name: str):
    """The step that fills the box after a successful call of ``api_name``."""
    endpoint = next(f for f in demo.fns.values() if f.api_name == api_name)
    steps = [f for f in demo.fns.values() if f.trigger_after == endpoint._id and f.trigger_only_on_success
             and any(getattr(b, "elem_id", "") and b.elem_id.endswith("-reproduce-python") for b in f.outputs)]
    assert len(steps) == 1, f"one success step after {api_name} fills the box"
    return steps[0]


def test_a_third_party_tab_gets_the_box_without_doing_anything(install_plugins):
    install_plugins({"tiny": "genhub_tiny:PLUGIN"})
    demo, _ = create(discover(["tiny"]), device="cpu")
    step = follow_up(demo, "tiny_sample")
    assert step.api_visibility == "private" and not step.preprocess, "the API's own values, not processed ones"
    assert [b.elem_id for b in step.outputs] == ["tiny-reproduce-summary", "tiny-reproduce-python",
                                                 "tiny-reproduce-command"]
    assert step.outputs[0].value == PLACEHOLDER

    summary, python, command = step.fn(None, 3)
    spec = discover(["tiny"])[0].plugin.variants[0]
    assert "`tiny_sample`" in summary and "seed `3`" in summary
    assert f"variant `{spec.variant}`" in summary and spec.revision in summary and spec.sha256[:16] in summary
    assert "seed=3," in python.value and "api_name='/tiny_sample'" in python.value
    compile(python.value, "copied", "exec")
    assert command.visible is False, "no sample_command: no command line"


def test_every_public_endpoint_of_the_builtin_tabs_fills_the_box():
    demo, _ = create(discover(["vae", "cgan"], autoload=False), device="cpu")
    public = [f.api_name for f in demo.fns.values() if f.api_name and f.api_visibility == "public"
              and f.api_name.startswith(("vae_", "cgan_"))]
    assert len(public) >= 10
    for api_name in public:
        follow_up(demo, api_name)
    # The second slider fires the same decode without an API name: it updates the box too.
    decodes = [f for f in demo.fns.values() if f.fn is not None and f.fn.__name__ == "decode_point"
               and f.api_name != "vae_decode" and f.trigger_after is None and f.targets]
    assert decodes and all(any(s.trigger_after == d._id for s in demo.fns.values()) for d in decodes)


def test_files_are_written_as_handle_file_and_a_broken_command_hides_the_line(install_plugins):
    install_plugins({"invert": "genhub_invert:PLUGIN"})
    plugin = discover(["invert"])[0].plugin
    upload = {"path": "/tmp/gradio/abc/digit.png", "url": "http://x/file=digit.png", "orig_name": "digit.png",
              "meta": {"_type": "gradio.FileData"}}
    editor = {"background": upload, "layers": [], "composite": upload}
    assert python_literal(editor) == ("{'background': handle_file('digit.png'), 'layers': [], "
                                      "'composite': handle_file('digit.png')}")

    @sample_command(lambda picture, mix, **_: ["--input", "digit.png", "--amount", str(1 / 0)])
    def translate(picture, mix):
        return picture

    made = recipe(plugin, "invert_translate", {"picture": upload, "mix": 0.5}, None, "http://127.0.0.1:7860/",
                  translate)
    assert "from gradio_client import Client, handle_file" in made.python
    assert "picture=handle_file('digit.png')," in made.python and "seed" not in made.summary
    assert made.command is None, "a sample_command that fails leaves the command line out, not the page broken"


@pytest.mark.parametrize(("label", "expected"), [("all", "-1"), ("7", "7"), ("Sneaker", None)])
def test_the_cgan_grid_command_takes_class_indices(label, expected):
    from genhub.plugins.cgan.ui import grid_command

    made = grid_command("mnist", label, 16, 5)
    assert made is None if expected is None else made[made.index("--label") + 1] == expected
