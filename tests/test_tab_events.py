"""How the tabs' events are wired, driven in-process through the app's own event handlers
(`gradio.Blocks.process_api`) by a page that reacts as Gradio's front end does: one user
action runs one computation, the hub draws a plugin's description and variant selector once,
and switching variant keeps the other controls. And the controls a tab builds from its
plugin's sample options offer what the options declare."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import gradio as gr
import pytest
from gradio.state_holder import SessionState

from genhub.app import create
from genhub.options import Option
from genhub.registry import PLUGINS_ENV, discover


class Page:
    """One browser page of ``demo``, simulated: it keeps every component's value, runs an
    event's listeners through ``demo.process_api`` and then, as Gradio's front end does, fires
    ``.change`` on every component whose value an event set (never ``.input``, which only a
    person's own edit fires) and runs the ``.then`` / ``.success`` listeners that follow."""

    def __init__(self, demo: gr.Blocks) -> None:
        self.demo = demo
        self.state = SessionState(demo)
        self.values = {c["id"]: c["props"].get("value") for c in demo.get_config_file()["components"]}

    def block(self, elem_id: str) -> gr.blocks.Block:
        return next(b for b in self.demo.blocks.values() if getattr(b, "elem_id", None) == elem_id)

    def user_sets(self, block: gr.blocks.Block, value: Any) -> None:
        """A person picks or types ``value``: the component fires input, then change."""
        self.values[block._id] = value
        self.fire(block, "input")
        self.fire(block, "change")

    def fire(self, block: Any, event: str, data: Any = None) -> None:
        for fn in [f for f in self.demo.fns.values() if (block._id, event) in f.targets]:
            self.run(fn, gr.EventData(block, data))

    def run(self, fn: Any, event_data: gr.EventData | None = None) -> None:
        inputs = [self.values[c._id] for c in fn.inputs]
        result = asyncio.run(self.demo.process_api(fn, inputs, state=self.state, event_data=event_data))
        changed = []
        for component, output in zip(fn.outputs, result["data"]):
            is_update = isinstance(output, dict) and output.get("__type__") == "update"
            if is_update and "value" not in output:
                continue
            value = output["value"] if is_update else output
            if json.dumps(value, default=str) != json.dumps(self.values[component._id], default=str):
                self.values[component._id] = value
                changed.append(component)
        for follower in self.demo.fns.values():
            if follower.trigger_after == fn._id:
                self.run(follower)
        for component in changed:
            self.fire(component, "change")


@pytest.fixture(scope="module")
def app(data_dir) -> Iterator[tuple[gr.Blocks, Any]]:
    demo, store = create(discover(["vae", "cgan"], autoload=False), device="cpu")
    yield demo, store


@pytest.fixture
def decodes(app):
    """Counts the VAE decoder's forward passes, per variant."""
    _, store = app
    counts = {"mnist-2d": 0, "mnist-32d": 0}
    hooks = []
    for variant in counts:
        def count(*_: Any, variant: str = variant) -> None:
            counts[variant] += 1
        hooks.append(store.get("vae", variant).model.decoder.register_forward_hook(count))
    yield counts
    for hook in hooks:
        hook.remove()


def test_one_click_on_the_map_and_one_variant_change_decode_once_each(app, decodes):
    demo, _ = app
    page = Page(demo)
    page.fire(demo, "load")  # the VAE tab is the first: its map and digit are drawn on load
    assert decodes == {"mnist-2d": 1, "mnist-32d": 0}, "opening the tab decodes its digit once"
    latent_map, digit = page.block("vae-latent-map"), page.block("vae-digit")
    before = page.values[digit._id]
    # The plot spans pixels 30..430 of the map for z in [-4, 4]²: (330, 130) is z = (2, 2).
    page.fire(latent_map, "select", {"index": [330, 130], "value": None, "selected": True})
    assert decodes == {"mnist-2d": 2, "mnist-32d": 0}, "one click, one decode"
    assert page.values[page.block("vae-u")._id] == pytest.approx(2.0)
    assert page.values[digit._id] != before, "the click's digit is shown"
    page.user_sets(page.block("vae-variant"), "mnist-32d")
    assert decodes == {"mnist-2d": 2, "mnist-32d": 1}, "one variant change, one decode"
    page.user_sets(page.block("vae-u"), 0.5)
    assert decodes == {"mnist-2d": 2, "mnist-32d": 2}, "moving a slider decodes once"


def test_switching_the_cgan_variant_keeps_the_chosen_class(app):
    demo, _ = app
    page = Page(demo)
    boxes = [b for b in demo.blocks.values() if isinstance(b, gr.Dropdown) and b.label == "Class"]
    assert len(boxes) == 3
    page.user_sets(boxes[0], "3")
    page.user_sets(page.block("cgan-variant"), "fashion-mnist")
    assert [page.values[b._id] for b in boxes] == ["3", "7", "7"], "each Class keeps its class index"
    shown = dict((value, name) for name, value in page.state[boxes[0]._id].choices)
    assert shown["3"] == "Dress" and shown["all"] == "all", "the choices carry the new variant's class names"
    page.user_sets(page.block("cgan-variant"), "mnist")
    assert page.values[boxes[0]._id] == "3"


def test_the_hub_draws_each_description_and_variant_selector_once(app):
    demo, _ = app
    config = demo.get_config_file()
    for plugin in ("vae", "cgan"):
        description = next(r.plugin.description for r in discover([plugin], autoload=False))
        shown = [c for c in config["components"] if c["type"] == "markdown" and c["props"].get("value") == description]
        assert len(shown) == 1, f"{plugin}: the description appears {len(shown)} times"
        selectors = [c for c in config["components"]
                     if c["type"] == "dropdown" and c["props"].get("label") == "Variant"
                     and c["props"].get("elem_id", "").startswith(plugin)]
        assert len(selectors) == 1 and selectors[0]["props"]["visible"] is True
    choices = [c for c in config["components"] if c["props"].get("elem_id") == "vae-variant"][0]["props"]["choices"]
    assert [value for _, value in choices] == ["mnist-2d", "mnist-32d"]
    assert all(label.startswith(f"{value} — ") for label, value in choices), "each choice shows its summary"


OPTION_CONTROLS = {
    "vae": {},
    "cgan": {"label": "cgan-class"},
    "pixelcnn": {"label": "pixelcnn-label", "temperature": "pixelcnn-temperature"},
    "wavenet": {"label": "wavenet-digit", "speaker": "wavenet-speaker", "seconds": "wavenet-seconds",
                "temperature": "wavenet-temperature"},
    # Its work side is a dropdown of a few sizes out of 0-1024; the API and CLI take any of them.
    "cyclegan": {"direction": "cyclegan-direction"},
    "stylegan": {"psi": "stylegan-psi", "cutoff": "stylegan-cutoff", "noise_mode": "stylegan-noise"},
}
"""Per built-in plugin: its sample options that its tab offers, and the elem_id of the control."""
UNSPECIFIED = {"cgan": "all", "pixelcnn": "none", "wavenet": "any"}
"""How a tab's dropdown names an option's "unspecified" value (-1 or "")."""


def shown(plugin: str, value: int | str) -> str:
    """An option's value as ``plugin``'s tab shows and sends it on a dropdown."""
    return UNSPECIFIED[plugin] if value in (-1, "") else str(value)
NARROWED = {("pixelcnn", "temperature"): {"maximum": 5.0}, ("wavenet", "temperature"): {"maximum": 2.0}}
"""The tab controls that offer less than their option (genhub sample takes the option's whole range)."""


def test_each_tab_control_built_from_a_sample_option_offers_what_the_option_declares(data_dir, monkeypatch):
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    records = discover(autoload=False)
    assert {r.name for r in records} == set(OPTION_CONTROLS), "every built-in plugin is listed above"
    demo, _ = create(records, device="cpu")
    blocks = [b for b in demo.blocks.values() if getattr(b, "elem_id", None)]
    for record in records:
        options = {option.name: option for option in record.plugin.sample_options}
        for name, elem_id in OPTION_CONTROLS[record.name].items():
            option, where = options[name], f"{record.name}: {name} (#{elem_id})"
            [control] = [b for b in blocks if b.elem_id == elem_id]
            if isinstance(control, gr.Slider):
                wanted = {"minimum": option.minimum, "maximum": option.maximum,
                          **NARROWED.get((record.name, name), {})}
                assert (control.minimum, control.maximum) == (wanted["minimum"], wanted["maximum"]), where
                assert option.minimum <= control.minimum <= control.maximum <= option.maximum, where
                assert (control.value, control.step) == (option.default, option.step), where
            else:  # a dropdown or radio of every value the option allows, named as the tab sends them
                assert isinstance(control, (gr.Dropdown, gr.Radio)) and (record.name, name) not in NARROWED, where
                values = option.choices or range(int(option.minimum), int(option.maximum) + 1)
                assert [value for _, value in control.choices] == [shown(record.name, v) for v in values], where
                assert control.value == shown(record.name, option.default), where


def test_a_control_may_offer_less_than_its_option_never_more():
    temperature = Option("temperature", float, 1.0, "divides the logits", minimum=0.05, maximum=10, step=0.05)
    assert temperature.component(maximum=5).maximum == 5
    for override in ({"maximum": 20}, {"minimum": 0}, {"value": 11}):
        with pytest.raises(ValueError, match="option 'temperature': a control's .* must be a value the option allows"):
            temperature.component(**override)
    speaker = Option("speaker", str, "", "whose voice", choices=("", "theo"))
    assert speaker.component(choices=[("any", ""), "theo"]).choices == [("any", ""), ("theo", "theo")]
    with pytest.raises(ValueError, match="speaker must be one of '', theo; got 'bob'"):
        speaker.component(choices=["", "bob"])


def test_a_variant_kept_out_of_the_tab_is_not_offered_nor_served_but_the_cli_reaches_it(client, tmp_path):
    from genhub.cli import main

    demo, _ = create(discover(["pixelcnn"], autoload=False), device="cpu")
    selector = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "pixelcnn-variant")
    assert [value for _, value in selector.choices] == ["binarized"] and not selector.visible
    with pytest.raises(Exception, match="Variant must be one of binarized; got 'grayscale'"):
        client.predict("grayscale", "test digit", 0, None, None, "bottom half", None, 1, 1.0, "none", 0,
                       api_name="/pixelcnn_complete")
    assert main(["sample", "pixelcnn", "--variant", "grayscale", "--count", "1", "--out", str(tmp_path / "x.npy")]) == 0
