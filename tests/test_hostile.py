"""Hostile and careless input, sent the way an attacker would: raw JSON over Gradio's REST route
(``POST /gradio_api/call/<name>``, then its event stream), files through ``/gradio_api/upload``.

Every case must be answered with our own message (the field, the value, what would be right),
never a server path, and the hub must answer an ordinary request right after it.
"""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image, ImageDraw

ANCHORS = [3, 2, 0]
MAX_SEED = 2**31 - 1


def call(url: str, api: str, data: list[Any], timeout: float = 120) -> tuple[str, Any]:
    """One call over the REST route -> ("complete", outputs) or ("error", message)."""
    posted = httpx.post(f"{url}gradio_api/call/{api}", json={"data": data}, timeout=timeout)
    posted.raise_for_status()
    event_id = posted.json()["event_id"]
    kind, payload = "", None
    with httpx.stream("GET", f"{url}gradio_api/call/{api}/{event_id}", timeout=timeout) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in {"complete", "error"}:
                payload = json.loads(line.split(":", 1)[1])
                break
    if kind == "error":
        return "error", (payload or {}).get("error") if isinstance(payload, dict) else str(payload)
    return kind, payload


def upload(url: str, name: str, content: bytes) -> dict[str, Any]:
    """Upload bytes as a file; return the FileData payload that refers to it."""
    response = httpx.post(f"{url}gradio_api/upload", files={"files": (name, content)}, timeout=60)
    response.raise_for_status()
    return {"path": response.json()[0], "meta": {"_type": "gradio.FileData"}}


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def digit_png() -> bytes:
    image = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(image).line([(100, 30), (100, 170)], fill=0, width=18)
    return png(image)


def truncated_png() -> bytes:
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    return png(Image.fromarray(noise))[:300]


def wav(samples: np.ndarray, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


GIANT = lambda: png(Image.new("L", (12000, 12000)))  # noqa: E731 - 140 KB on disk, 144 megapixels
Files = Callable[[str], Any]


def image_file(content: Callable[[], bytes], name: str = "upload.png") -> Files:
    return lambda url: upload(url, name, content())


def drawing(content: Callable[[], bytes] | None) -> Files:
    """A sketchpad value whose composite is ``content`` (None: nothing drawn)."""
    return lambda url: {"background": None, "layers": [],
                        "composite": upload(url, "composite.png", content()) if content else None}


def mask(content: Callable[[], bytes] | None) -> Files:
    """A mask-editor value with one painted layer ``content`` (None: no layer)."""
    return lambda url: {"background": None, "composite": None,
                        "layers": [upload(url, "layer.png", content())] if content else []}


def vae_upload(value: Any) -> tuple[str, list]:
    return "vae_encode_upload", ["mnist-2d", value, *ANCHORS]


def vae_drawing(value: Any) -> tuple[str, list]:
    return "vae_encode_drawing", ["mnist-2d", value, *ANCHORS]


def pixelcnn(source: str = "test digit", drawing_: Any = None, upload_: Any = None, region: Any = "bottom half",
             painted: Any = None, count: Any = 2, temperature: Any = 1.0, label: Any = "none",
             seed: Any = 0) -> tuple[str, list]:
    return "pixelcnn_complete", ["binarized", source, 0, drawing_, upload_, region, painted, count, temperature,
                                 label, seed]


def decode(u: Any = 0.0, v: Any = 0.0, anchors: list = ANCHORS, variant: Any = "mnist-2d") -> tuple[str, list]:
    return "vae_decode", [variant, u, v, *anchors]


def grid(label: Any = "7", count: Any = 4, seed: Any = 0, reading: Any = False) -> tuple[str, list]:
    return "cgan_grid", ["mnist", label, count, seed, reading]


def say(digit: Any = "3", speaker: Any = "any", seconds: Any = 0.1, temperature: Any = 1.0,
        seed: Any = 0) -> tuple[str, list]:
    return "wavenet_generate", [digit, speaker, seconds, temperature, seed]


def cyclegan(value: Any, direction: Any = "a2b", work_side: Any = 64) -> tuple[str, list]:
    return "cyclegan_translate", ["anime-xdog", value, direction, work_side]


def continuation(clip: Any) -> tuple[str, list]:
    return "wavenet_continue", [clip, "3", "any", 0.1, 1.0, 0]


def vocoding(clip: Any, temperature: Any = 1.0, seed: Any = 0) -> tuple[str, list]:
    return "wavenet_vocode", [clip, temperature, seed]


NOT_UPLOADED = {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}
# (id, request, expected fragment of our message). A request is (api, data); values that are
# callables are files, made and uploaded when the case runs.
CASES: list[tuple[str, Callable[[], tuple[str, list]], str]] = [
    # images: uploads, drawings, masks
    ("upload-empty", lambda: vae_upload(image_file(lambda: b"")), "the image is empty (0 bytes)"),
    ("upload-text", lambda: vae_upload(image_file(lambda: b"<html>hi</html>", "x.html")),
     "not an image that can be read"),
    ("upload-giant", lambda: vae_upload(image_file(GIANT)), "144 million pixels; the limit is 4096×4096"),
    ("upload-25mpx", lambda: vae_upload(image_file(lambda: png(Image.new("L", (5000, 5000))))),
     "5000×5000 pixels; the limit is 4096×4096"),
    ("upload-truncated", lambda: vae_upload(image_file(truncated_png)), "truncated or corrupt"),
    ("upload-blank", lambda: vae_upload(image_file(lambda: png(Image.new("RGB", (64, 64), "white")))),
     "the image is empty: draw or upload a digit"),
    ("upload-1x1", lambda: vae_upload(image_file(lambda: png(Image.new("L", (1, 1), 255)))), "the image is empty"),
    ("upload-missing", lambda: vae_upload(None), "upload an image of a digit first"),
    ("upload-not-uploaded", lambda: vae_upload(NOT_UPLOADED), "was not uploaded to this app"),
    ("upload-a-number", lambda: vae_upload(5), "must be a file uploaded to this app"),
    ("upload-path-not-text", lambda: vae_upload({"path": 123, "meta": {"_type": "gradio.FileData"}}),
     "must be a file uploaded to this app"),
    ("drawing-giant", lambda: vae_drawing(drawing(GIANT)), "144 million pixels"),
    ("drawing-nothing", lambda: vae_drawing(drawing(None)), "draw a digit on the sketchpad first"),
    ("drawing-a-string", lambda: vae_drawing("abc"), "must be a drawing"),
    ("drawing-not-an-image", lambda: vae_drawing(drawing(lambda: b"GIF89a-not-really")), "not an image"),
    ("pixelcnn-mask-giant", lambda: pixelcnn(region="painted", painted=mask(GIANT)), "144 million pixels"),
    ("pixelcnn-mask-none", lambda: pixelcnn(region="painted", painted=mask(None)), "paint the pixels to hide"),
    ("pixelcnn-drawing-empty", lambda: pixelcnn(source="drawing", drawing_=drawing(None)), "draw a digit"),
    ("pixelcnn-upload-text", lambda: pixelcnn(source="upload", upload_=image_file(lambda: b"text")), "not an image"),
    ("cyclegan-upload-text", lambda: cyclegan(image_file(lambda: b"%PDF-1.4", "face.pdf")), "not an image"),
    ("cyclegan-upload-empty", lambda: cyclegan(image_file(lambda: b"")), "the image is empty (0 bytes)"),
    ("cyclegan-upload-giant", lambda: cyclegan(image_file(GIANT)), "144 million pixels; the limit is 4096×4096"),
    ("cyclegan-upload-none", lambda: cyclegan(None), "upload an image first"),
    ("cyclegan-drawing-blank", lambda: ("cyclegan_translate_drawing", ["anime-xdog", drawing(
        lambda: png(Image.new("RGB", (256, 256), "white"))), "b2a", 64]), "the drawing is empty"),
    ("cyclegan-drawing-giant", lambda: ("cyclegan_translate_drawing", ["anime-xdog", drawing(GIANT), "b2a", 64]),
     "144 million pixels"),
    ("cyclegan-direction", lambda: cyclegan(image_file(digit_png), direction="sideways"),
     "Direction must be one of a2b, b2a; got 'sideways'"),
    ("cyclegan-work-side", lambda: cyclegan(image_file(digit_png), work_side=10**6), "must be one of"),
    ("cyclegan-example-99", lambda: ("cyclegan_example", ["anime-xdog", 99, 64]), "between 0 and 15"),
    ("cyclegan-hidden-no-face", lambda: ("cyclegan_hidden", ["anime-xdog", None, "noise", 0.2]),
     "translate a face first"),
    ("cyclegan-hidden-strength", lambda: ("cyclegan_hidden", ["anime-xdog", image_file(digit_png), "noise", "NaN"]),
     "must be a number between 0 and 1"),
    # numbers
    ("u-NaN-text", lambda: decode(u="NaN"), "u must be a number between -4 and 4; got 'NaN'"),
    ("u-word", lambda: decode(u="abc"), "u must be a number between -4 and 4; got 'abc'"),
    ("u-null", lambda: decode(u=None), "u must be a number between -4 and 4; got None"),
    ("u-huge", lambda: decode(u=1e308), "u must be a number between -4 and 4"),
    ("u-list", lambda: decode(u=[1, 2]), "u must be a number between -4 and 4; got [1, 2]"),
    ("u-bool", lambda: decode(u=True), "u must be a number between -4 and 4; got True"),
    ("anchor-word", lambda: decode(anchors=["x", 2, 0], variant="mnist-32d"),
     "anchor a (test #) must be a whole number"),
    ("anchor-fraction", lambda: decode(anchors=[2.5, 2, 0], variant="mnist-32d"), "must be a whole number; got 2.5"),
    ("count-zero", lambda: grid(count=0), "How many must be a number between 1 and 100; got 0"),
    ("seed-negative", lambda: grid(seed=-1), "seed must be a whole number between 0 and 2147483647; got -1"),
    ("seed-2-to-64", lambda: grid(seed=2**64), "seed must be a whole number between 0 and 2147483647"),
    ("temperature-inf", lambda: pixelcnn(temperature="inf"), "temperature must be a number between 0.05 and 5"),
    ("completions-1000", lambda: pixelcnn(count=1000), "completions must be a number between 1 and 16"),
    ("seconds-600", lambda: say(seconds=600), "Length (s) must be a number between 0.05 and 5; got 600"),
    ("wavenet-temperature-text", lambda: say(temperature="hot"), "Temperature (0 = greedy) must be a number"),
    # strings, names, choices
    ("variant-unknown", lambda: decode(variant="nope"), "Variant must be one of mnist-2d, mnist-32d; got 'nope'"),
    ("variant-number", lambda: decode(variant=7), "Variant must be one of mnist-2d, mnist-32d; got 7"),
    ("cgan-number-long", lambda: ("cgan_number", ["mnist", "1" * 500, 0, False]), "is 500 characters long"),
    ("cgan-number-letters", lambda: ("cgan_number", ["mnist", "12a", 0, False]), "only the digits 0-9"),
    ("cgan-number-object", lambda: ("cgan_number", ["mnist", {"a": 1}, 0, False]), "must be text"),
    ("cgan-seeds-word", lambda: ("cgan_styles", ["mnist", "1,2,x", False]), "seed must be a whole number"),
    ("cgan-seeds-empty", lambda: ("cgan_styles", ["mnist", "", False]), "give one or more seeds"),
    ("cgan-class-word", lambda: grid(label="seven"), "class must be 'all', a class index 0-9 or one of"),
    ("cgan-reading-text", lambda: grid(reading="yes"), "must be true or false; got 'yes'"),
    ("speaker-unknown", lambda: say(speaker="bob"), "speaker must be one of"),
    ("digit-null", lambda: say(digit=None), "Digit must be one of any, 0, 1"),
    ("region-unknown", lambda: pixelcnn(region="top half"), "Hidden region must be one of"),
    ("too-few-values", lambda: ("vae_decode", ["mnist-2d", 0.0]), "this endpoint takes 6 values"),
    # audio
    ("audio-text", lambda: continuation(image_file(lambda: b"not audio at all", "clip.wav")),
     "not a readable audio file; upload WAV, FLAC, OGG or MP3"),
    ("audio-empty", lambda: continuation(image_file(lambda: b"", "clip.wav")), "empty or missing"),
    ("audio-silent", lambda: continuation(image_file(lambda: wav(np.zeros(4000)), "clip.wav")), "silent"),
    ("audio-61s", lambda: continuation(image_file(lambda: wav(0.1 * np.sin(np.arange(61 * 8000) / 5)), "l.wav")),
     "61.0 s long; at most 60 s"),
    ("audio-none", lambda: continuation(None), "upload or record a clip first"),
    ("vocode-text", lambda: vocoding(image_file(lambda: b"not audio at all", "clip.wav")),
     "not a readable audio file; upload WAV, FLAC, OGG or MP3"),
    ("vocode-quiet-click", lambda: vocoding(image_file(lambda: wav(np.r_[0.01, np.zeros(7999)]), "clip.wav")),
     "silent"),
    ("vocode-none", lambda: vocoding(None), "upload or record a clip first"),
    ("vocode-temperature-nan", lambda: vocoding(image_file(lambda: wav(0.3 * np.sin(np.arange(8000) / 5)), "c.wav"),
                                                temperature="NaN"), "Temperature (0 = greedy) must be a number"),
    ("vocode-seed-negative", lambda: vocoding(image_file(lambda: wav(0.3 * np.sin(np.arange(8000) / 5)), "c.wav"),
                                              seed=-1), "seed must be"),
]


def materialize(value: Any, url: str) -> Any:
    if callable(value):
        return value(url)
    if isinstance(value, list):
        return [materialize(v, url) for v in value]
    return value


def test_there_are_at_least_forty_hostile_cases_across_every_plugin():
    apis = {case[1]()[0].split("_")[0] for case in CASES}
    assert len(CASES) >= 40 and apis == {"vae", "cgan", "pixelcnn", "wavenet", "cyclegan"}


@pytest.mark.parametrize("request_,fragment", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_hostile_input_gets_our_message_and_the_hub_keeps_serving(hub_url, request_, fragment):
    api, data = request_()
    kind, message = call(hub_url, api, materialize(data, hub_url))
    assert kind == "error", f"{api} accepted {data!r}"
    assert fragment in message, message
    assert "/tmp" not in message and "Could not preprocess" not in message and "Traceback" not in message
    kind, outputs = call(hub_url, *decode(0.5, -1.0))
    assert kind == "complete" and outputs[0]["path"].endswith(".png"), "an ordinary decode still works"


def test_an_oversized_upload_is_refused_at_the_door(hub_url):
    response = httpx.post(f"{hub_url}gradio_api/upload", files={"files": ("big.png", b"\0" * (21 * 2**20))},
                          timeout=60)
    assert response.status_code == 413
    assert call(hub_url, *decode())[0] == "complete"


def resident(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM")}


def test_a_giant_drawing_is_refused_without_a_memory_peak(hub_url):
    composite = upload(hub_url, "composite.png", GIANT())
    before = resident(hub_url.pid)
    sketch = {"background": None, "layers": [], "composite": composite}
    requests = {"vae_encode_drawing": vae_drawing(sketch)[1],
                "pixelcnn_complete": pixelcnn(region="painted", painted={"background": None, "composite": None,
                                                                         "layers": [composite]})[1],
                "cyclegan_translate_drawing": ["anime-xdog", sketch, "b2a", 64]}
    for api, data in requests.items():
        kind, message = call(hub_url, api, data)
        assert kind == "error" and "144 million pixels" in message
    after = resident(hub_url.pid)
    # Decoding it would take 144 MB per channel (576 MB as RGBA), then more per copy.
    assert after["VmHWM"] - before["VmHWM"] < 100, (before, after)
