"""The served app, driven through gradio_client: it answers, it rejects bad input with a
clear message and keeps serving, and broken plugins or weights stay inside their tabs."""

from __future__ import annotations

import json
import shutil
import urllib.request

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

from genhub.weights import REPO_WEIGHTS_DIR
from tests.conftest import THIRD_PARTY, served_hub, write_entry_points

ANCHORS = (3, 2, 0)


def decoded(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


def test_a_latent_point_decodes_to_a_digit(client):
    first = decoded(client.predict("mnist-2d", 0.5, -1.0, *ANCHORS, api_name="/vae_decode"))
    again = decoded(client.predict("mnist-2d", 0.5, -1.0, *ANCHORS, api_name="/vae_decode"))
    other = decoded(client.predict("mnist-2d", -2.0, 2.0, *ANCHORS, api_name="/vae_decode"))
    assert first.shape == (224, 224)
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert first.max() > 200 and first.mean() < 128, "a light digit on a dark background"


def test_the_high_dimensional_variant_decodes_points_of_its_plane(client):
    at_anchor = decoded(client.predict("mnist-32d", 0.0, 0.0, *ANCHORS, api_name="/vae_decode"))
    elsewhere = decoded(client.predict("mnist-32d", 1.0, 0.0, *ANCHORS, api_name="/vae_decode"))
    assert at_anchor.shape == (224, 224) and not np.array_equal(at_anchor, elsewhere)


def test_manifold_interpolation_and_map_render(client):
    grid = Image.open(client.predict("mnist-2d", 3.0, 5, *ANCHORS, api_name="/vae_manifold"))
    assert grid.size == (2 * (5 * 29 + 1), 2 * (5 * 29 + 1))
    strip = Image.open(client.predict("mnist-2d", 3, 0, 6, api_name="/vae_interpolate"))
    assert strip.size == (3 * (8 * 30 + 2), 3 * 32), "6 decodings framed by the two originals, one row"
    plane_grid = Image.open(client.predict("mnist-32d", 1.5, 4, *ANCHORS, api_name="/vae_manifold"))
    assert plane_grid.size == (2 * (4 * 29 + 1), 2 * (4 * 29 + 1))
    latent_map = Image.open(client.predict("mnist-2d", 0.0, 0.0, *ANCHORS, api_name="/vae_map"))
    assert latent_map.size == (460, 504)


def digit_picture(tmp_path, mode: str):
    """A drawn "1": a vertical stroke, in the given PIL mode."""
    if mode == "RGBA":  # dark ink on a transparent canvas, as a sketchpad exports it
        image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
        ImageDraw.Draw(image).line([(100, 30), (100, 170)], fill=(0, 0, 0, 255), width=18)
    elif mode == "I;16":
        array = np.zeros((200, 200), dtype=np.uint16)
        array[30:170, 92:110] = 60000
        image = Image.fromarray(array)
    else:  # dark ink on white paper
        image = Image.new("RGB", (200, 200), "white")
        ImageDraw.Draw(image).line([(100, 30), (100, 170)], fill="black", width=18)
    path = tmp_path / f"one-{mode.replace(';', '')}.png"
    image.save(path)
    return path


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "I;16"])
def test_an_uploaded_digit_is_reconstructed_and_placed_on_the_map(client, tmp_path, mode):
    seen, reconstruction, latent_map, landing = client.predict(
        "mnist-2d", handle_file(digit_picture(tmp_path, mode)), *ANCHORS, api_name="/vae_encode_upload")
    seen = decoded(seen)
    assert seen.shape == (224, 224) and seen[:, 100:124].mean() > 100 > seen[:, :40].mean(), \
        "the stroke arrives as light ink in the middle of a dark frame"
    assert decoded(reconstruction).shape == (224, 224)
    assert landing.startswith("μ lands at (u, v) = (")


def test_a_drawing_from_the_sketchpad_is_encoded(client, tmp_path):
    path = handle_file(digit_picture(tmp_path, "RGBA"))
    result = client.predict("mnist-32d", {"background": None, "layers": [path], "composite": path},
                            *ANCHORS, api_name="/vae_encode_drawing")
    assert "projection on the plane" in result[3]


@pytest.mark.parametrize("content,fragment", [
    (b"", r"is empty \(0 bytes\)"),
    (b"this is not an image", "is not an image"),
    (None, "100 million pixels; the limit is 4096×4096"),
    ("blank", "the image is empty: draw or upload a digit"),
])
def test_bad_uploads_get_a_clear_message(client, tmp_path, content, fragment):
    path = tmp_path / "upload.png"
    if content is None:
        Image.new("L", (10000, 10000)).save(path)
    elif content == "blank":
        Image.new("RGB", (64, 64), "white").save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(Exception, match=fragment):
        client.predict("mnist-2d", handle_file(path), *ANCHORS, api_name="/vae_encode_upload")
    assert client.predict("mnist-2d", 0.0, 0.0, *ANCHORS, api_name="/vae_decode"), "still serving"


@pytest.mark.parametrize("args,fragment", [
    (("mnist-2d", "abc", 0.0, *ANCHORS), "u must be a number between -4 and 4; got 'abc'"),
    (("mnist-2d", 1e9, 0.0, *ANCHORS), "u must be a number between -4 and 4; got 1000000000.0"),
    (("mnist-2d", None, 0.0, *ANCHORS), "u must be a number between -4 and 4; got None"),
    (("nope", 0.0, 0.0, *ANCHORS), "Variant must be one of mnist-2d, mnist-32d; got 'nope'"),
    (("mnist-32d", 0.0, 0.0, 3, 3, 0), "the three anchors must be different"),
    (("mnist-32d", 0.0, 0.0, 3, 2, 10**9), "anchor c must be a whole number between 0 and 1999"),
])
def test_out_of_range_or_non_numeric_values_get_a_clear_api_error(client, args, fragment):
    with pytest.raises(Exception, match=fragment):
        client.predict(*args, api_name="/vae_decode")


@pytest.mark.parametrize("args,fragment", [
    (("mnist-2d", 3, 0, 500), "steps must be a number between 2 and 30; got 500"),
    (("mnist-2d", 3, 10**6, 5), "second digit must be a whole number between 0 and 1999"),
    (("mnist-2d", -1, 0, 5), "first digit must be a whole number between 0 and 1999"),
])
def test_interpolation_rejects_bad_values(client, args, fragment):
    with pytest.raises(Exception, match=fragment):
        client.predict(*args, api_name="/vae_interpolate")


def test_the_status_endpoint_reports_every_variant(client):
    client.predict("mnist-2d", 0.0, 0.0, *ANCHORS, api_name="/vae_decode")
    table = client.predict(api_name="/plugin_status")
    rows = {(r[0], r[1]): r for r in table["data"]}
    row = rows[("vae", "mnist-2d")]
    assert row[2] == "folder plugins/vae" and row[3].endswith("weights/vae/mnist-2d")
    assert row[5] == "cpu" and row[7] == "ok" and float(row[6]) > 0


def test_broken_plugins_and_weights_stay_in_their_tabs(tmp_path, data_dir):
    """One hub with: a plugin that fails at import, one whose tab fails to build, one whose
    weights are not cached offline, and corrupt user weights for vae/mnist-2d."""
    site = write_entry_points(tmp_path / "site", {"broken": "genhub_broken:PLUGIN",
                                                  "badtab": "genhub_badtab:PLUGIN", "tiny": "genhub_tiny:PLUGIN"})
    mine = tmp_path / "mine"
    shutil.copytree(REPO_WEIGHTS_DIR / "vae" / "mnist-2d", mine / "vae" / "mnist-2d")
    (mine / "vae" / "mnist-2d" / "model.safetensors").write_bytes(b"\x00" * 100)
    env = {"PYTHONPATH": f"{site}:{THIRD_PARTY}", "HF_HOME": str(tmp_path / "hf"), "GENHUB_DATA": str(data_dir)}
    with served_hub("--weights-dir", str(mine), env=env, log=tmp_path / "serve.log") as url:
        client = Client(url, verbose=False, ssl_verify=False)
        with pytest.raises(Exception, match="not a valid safetensors file"):
            client.predict("mnist-2d", 0.0, 0.0, *ANCHORS, api_name="/vae_decode")
        assert client.predict("mnist-32d", 0.0, 0.0, *ANCHORS, api_name="/vae_decode"), "the other variant works"
        with pytest.raises(Exception, match="not in the Hugging Face cache.*genhub train tiny"):
            client.predict(0, api_name="/tiny_sample")
        state = {(r[0], r[1]): r[7] for r in client.predict(api_name="/plugin_status")["data"]}
        assert state[("broken", "-")].startswith("error: importing the plugin failed: ModuleNotFoundError")
        assert state[("vae", "mnist-2d")].startswith("error: vae/mnist-2d:")
        assert state[("vae", "mnist-32d")] == "ok"
        assert state[("tiny", "v1")].startswith("error:")
        config = json.loads(urllib.request.urlopen(url + "config").read())
        assert visible_markdown_containing(config, "this tab cannot be built (on purpose)")
        assert visible_markdown_containing(config, "genhub_dependency_that_does_not_exist")


def visible_markdown_containing(config: dict, text: str) -> bool:
    """Whether a Markdown holding ``text`` is shown: it and every block around it visible."""
    hidden = {c["id"] for c in config["components"] if c.get("props", {}).get("visible") is False}
    wanted = {c["id"] for c in config["components"]
              if c.get("type") == "markdown" and text in str(c.get("props", {}).get("value", ""))}

    def walk(node: dict, shown: bool) -> bool:
        shown = shown and node["id"] not in hidden
        return (shown and node["id"] in wanted) or any(walk(child, shown) for child in node.get("children", []))

    return walk(config["layout"], True)
