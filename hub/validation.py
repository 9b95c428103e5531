"""The hub's own check of every value an event receives, before Gradio touches it.

Gradio preprocesses a value before the handler sees it: it compares a slider's value with its
bounds, rounds a number, decodes an image. A value sent through the API that is not of the
component's type (``"NaN"``, ``"abc"``, ``null``, a list) fails there with Gradio's
"Could not preprocess input component …" text, and an image is decoded whatever its size.
`checked_inputs` runs first, for every input of every event of every plugin: it answers a bad
value with a message naming the field, the value and what would be right, and refuses an image
file too large to decode (bytes and pixels read from the header, not the pixels). No message
names a server path.

A file input is a file uploaded to this app; a URL of a file this app serves (a result, as
``gradio_client``, the page and the MCP tools hand them out) is taken as that file, so one call's
result can be the next one's input. The hub never fetches any other URL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import gradio as gr

from genhub.imaging.uploads import ImageInputError, check_image_header
from genhub.options import bound, shown

_IMAGE_COMPONENTS = (gr.Image, gr.ImageEditor)
_FILE_COMPONENTS = (gr.File, gr.Audio, gr.Video, *_IMAGE_COMPONENTS)
FILE_ROUTE = "/gradio_api/file="
"""Where Gradio serves the files of an app: ``<root>/gradio_api/file=<path on the server>``."""


def field_name(component: gr.components.Component) -> str:
    """What the user calls the field: its label, else its element id, else its kind."""
    label = getattr(component, "label", None)
    if isinstance(label, str) and label.strip():
        return label.strip()
    return getattr(component, "elem_id", None) or type(component).__name__.lower()


def _bounds(component: Any) -> tuple[float | None, float | None]:
    return getattr(component, "minimum", None), getattr(component, "maximum", None)


def _check_number(name: str, component: Any, value: Any) -> None:
    lo, hi = _bounds(component)
    whole = isinstance(component, gr.Number) and component.precision == 0
    kind = "a whole number" if whole else "a number"
    wanted = f"{kind} between {bound(lo)} and {bound(hi)}" if lo is not None and hi is not None else kind
    number = not isinstance(value, bool) and isinstance(value, (int, float))
    if (not number or not math.isfinite(value) or (lo is not None and value < lo)
            or (hi is not None and value > hi) or (whole and value != int(value))):
        raise gr.Error(f"{name} must be {wanted}; got {shown(value)}")


def _choices(component: Any) -> list[Any]:
    return [c[1] if isinstance(c, (tuple, list)) else c for c in (component.choices or [])]


def _check_choice(name: str, component: Any, value: Any) -> None:
    if isinstance(component, gr.Dropdown) and component.multiselect:
        return
    scalar = not isinstance(value, bool) and isinstance(value, (str, int, float))
    # With a custom value allowed, the handler checks it against what the chosen variant knows.
    if not scalar or not (getattr(component, "allow_custom_value", False) or value in _choices(component)):
        raise gr.Error(f"{name} must be one of {', '.join(map(str, _choices(component)))}; got {shown(value)}")


def _file_paths(value: Any) -> Iterable[str]:
    """The file paths inside a file payload (FileData dict, or an editor's dict of them)."""
    if isinstance(value, dict) and "path" in value:
        yield value["path"]
    elif isinstance(value, dict):
        for key in ("background", "composite"):
            if value.get(key) is not None:
                yield from _file_paths(value[key])
        for layer in value.get("layers") or []:
            yield from _file_paths(layer)


def _check_file(name: str, component: Any, value: Any) -> None:
    editor = isinstance(component, gr.ImageEditor)
    if editor and not isinstance(value, dict):
        raise gr.Error(f"{name} must be a drawing ({{'background', 'layers', 'composite'}} of uploaded images); "
                       f"got {shown(value)}")
    if not editor and not (isinstance(value, dict) and isinstance(value.get("path"), str)):
        raise gr.Error(f"{name} must be a file uploaded to this app (POST /gradio_api/upload, then "
                       f"{{'path': …, 'meta': {{'_type': 'gradio.FileData'}}}}); got {shown(value)}")
    paths = list(_file_paths(value))
    for path in paths:
        if not isinstance(path, str):
            raise gr.Error(f"{name}: a file path must be a string; got {shown(path)}")
    if editor:
        blobs = component.blob_storage.get(value.get("id")) if value.get("id") else None
        images = [] if blobs is None else [b for b in (blobs.background, blobs.composite, *blobs.layers) if b]
        for blob in images:
            _check_image(name, blob)
    for path in paths:
        if not _is_upload(path):  # never opened here: its existence is none of the sender's business
            raise gr.Error(f"{name}: that file was not uploaded to this app; upload it first "
                           f"(POST /gradio_api/upload) and send the path it returns")
    if isinstance(component, _IMAGE_COMPONENTS) or _accepts_images(component):
        for path in paths:
            _check_image(name, Path(path))


def _accepts_images(component: Any) -> bool:
    types = getattr(component, "file_types", None) or []
    return isinstance(component, gr.File) and any(t in {"image", ".png", ".jpg", ".jpeg"} for t in types)


def _is_upload(path: str) -> bool:
    from gradio.utils import abspath, get_upload_folder, is_in_or_equal

    return is_in_or_equal(abspath(path), get_upload_folder())


def _check_image(name: str, source: Path | bytes) -> None:
    try:
        check_image_header(source)
    except ImageInputError as err:
        raise gr.Error(f"{name}: {err}") from None


def check_value(component: Any, value: Any) -> None:
    """Raise ``gr.Error`` (our message) when ``value`` cannot be a value of ``component``."""
    name = field_name(component)
    if value is None and isinstance(component, (*_FILE_COMPONENTS, gr.Number, gr.Textbox)):
        return  # "nothing uploaded" / "no number": the handler says what it needs
    if isinstance(component, (gr.Slider, gr.Number)):
        _check_number(name, component, value)
    elif isinstance(component, (gr.Dropdown, gr.Radio)):
        _check_choice(name, component, value)
    elif isinstance(component, gr.Checkbox):
        if not isinstance(value, bool):
            raise gr.Error(f"{name} must be true or false; got {shown(value)}")
    elif isinstance(component, gr.Textbox):
        if not isinstance(value, str):
            raise gr.Error(f"{name} must be text; got {shown(value)}")
        if component.max_length and len(value) > component.max_length:
            raise gr.Error(f"{name} is {len(value)} characters long; at most {component.max_length} are accepted")
    elif isinstance(component, _FILE_COMPONENTS):
        _check_file(name, component, value)


def served_file_as_path(value: Any) -> Any:
    """A file payload (or an editor's dict of them) whose ``path`` is a URL of a file served by a
    Gradio app (``…/gradio_api/file=<path>``) -> the same payload with ``path`` the local path in
    it; anything else unchanged. The upload check then accepts it only if that path is in this
    app's upload folder, so a URL of another server is still refused, and nothing is fetched."""
    if isinstance(value, dict) and isinstance(value.get("path"), str):
        url = urlparse(value["path"])
        if url.scheme in ("http", "https") and FILE_ROUTE in url.path:
            local = unquote(value["path"].split(FILE_ROUTE, 1)[1]).split("?", 1)[0]
            return {**value, "path": local, "url": None}
        return value
    if isinstance(value, dict):
        return {key: [served_file_as_path(v) for v in item] if key == "layers" and isinstance(item, list)
                else served_file_as_path(item) if key in ("background", "composite") else item
                for key, item in value.items()}
    return value


def checked_inputs(components: Sequence[Any], values: Sequence[Any], state: Any = None) -> None:
    """Check each value against its component (see `check_value`); the first failure raises.

    ``state`` is the session's state: a component a handler has updated (a slider given new
    bounds, a dropdown new choices) is checked as the session sees it."""
    for component, value in zip(components, values):
        if isinstance(component, gr.State):
            continue
        if state is not None and component._id in state:
            component = state[component._id]
        check_value(component, value)


class CheckedBlocks(gr.Blocks):
    """``gr.Blocks`` whose events check every input value (`checked_inputs`) before Gradio
    preprocesses it, and answer any failure of Gradio's own preprocessing with a message that
    names the field and no server path."""

    async def preprocess_data(self, block_fn, inputs, state, explicit_call: bool = False):  # type: ignore[override]
        if inputs is not None:
            if len(inputs) < len(block_fn.inputs):
                names = ", ".join(field_name(c) for c in block_fn.inputs)
                raise gr.Error(f"this endpoint takes {len(block_fn.inputs)} values ({names}); got {len(inputs)}")
            inputs = [served_file_as_path(value) if isinstance(component, _FILE_COMPONENTS) else value
                      for component, value in zip(block_fn.inputs, inputs)]
            checked_inputs(block_fn.inputs, inputs, state)
        try:
            return await super().preprocess_data(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except Exception as err:  # noqa: BLE001 - Gradio's own text quotes paths and internals
            names = ", ".join(field_name(c) for c in block_fn.inputs)
            reason = ("a file must first be uploaded to this app" if "not uploaded" in str(err)
                      else type(err).__name__)
            raise gr.Error(f"one of the values ({names}) could not be read: {reason}") from err
