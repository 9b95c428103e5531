"""The "CycleGAN" tab: upload or draw, either direction, the round trip, and what G hides.

Every action is also an API endpoint (``api_name="cyclegan_..."``) and checks its inputs, so a
file that is not an image, an empty drawing or a 10000×10000 PNG gets a clear message and the hub
keeps serving. Uploads go through `genhub.imaging.uploads.open_image` (byte and pixel limits
before decoding, EXIF orientation, first frame of an animation; any mode: RGBA over white,
grey, 16-bit, CMYK); inputs larger than `SHOWN_MAX` on their longer side are scaled down first,
and the result says so.
"""

from __future__ import annotations

import functools
from typing import Any

import gradio as gr
import pandas as pd
import torch
from PIL import Image

from genhub import inputs
from genhub.imaging.grid import to_pil as pil_image
from genhub.imaging.uploads import ImageInputError, open_image
from genhub.media import image_tensor
from genhub.page import THUMBNAILS_CLASS, caption
from genhub.plugin import TabContext
from genhub.plugins.cyclegan.hidden import (
    KINDS,
    STRENGTHS,
    amplified,
    collapse,
    collapse_curve,
    describe,
    hidden_signal,
)
from genhub.plugins.cyclegan.translate import as_rgb, fit_side, resize, round_trip

SHOWN_MAX = 1024
"""Longest side of what the tab translates and returns; larger inputs are scaled down to it."""
SHOWN_MIN = 256
"""Results smaller than this on their longer side are enlarged for the page (nearest neighbour)."""
WORK_SIDES = [("64 px (the training size)", 64), ("96 px", 96), ("128 px", 128), ("256 px", 256),
              ("the image's own size", 0)]
DIRECTIONS = [("face → line drawing", "a2b"), ("line drawing → face", "b2a")]
EXAMPLES_PER_DOMAIN = 8


def to_pil(image: torch.Tensor, enlarge: bool = True) -> Image.Image:
    """(C, H, W) in [0, 1] -> an RGB PIL image, enlarged (nearest) when smaller than `SHOWN_MIN`."""
    side = max(image.shape[-2:])
    factor = -(-SHOWN_MIN // side) if enlarge and side < SHOWN_MIN else 1
    return pil_image(image, factor).convert("RGB")


def heat(error: torch.Tensor) -> torch.Tensor:
    """Per-pixel error (C, H, W) in [0, 1] -> a black-red-yellow-white map (3, H, W); full scale is an error of ⅓."""
    e = error.mean(0, keepdim=True).mul(3).clamp(0, 1)
    return torch.cat([(3 * e).clamp(0, 1), (3 * e - 1).clamp(0, 1), (3 * e - 2).clamp(0, 1)])


def capped(image: torch.Tensor, original: tuple[int, int] | None = None) -> tuple[torch.Tensor, str]:
    """(C, H, W) -> scaled down to `SHOWN_MAX` on its longer side when larger, and a note saying so
    (naming ``original``, (width, height), when the picture was already reduced on reading)."""
    h, w = image.shape[-2:]
    width, height = original or (w, h)
    if max(h, w) <= SHOWN_MAX:
        size = (h, w)
    else:
        size = fit_side(h, w, SHOWN_MAX)
        image = resize(image.unsqueeze(0), size)[0]
    if (width, height) == (size[1], size[0]):
        return image, ""
    return image, f" Scaled down from {width}×{height} to {size[1]}×{size[0]} px."


def read_upload(path) -> tuple[torch.Tensor, tuple[int, int]]:
    """An uploaded file -> (C, H, W) in [0, 1] and its upright (width, height). A picture much larger
    than `SHOWN_MAX` is first reduced by a whole factor in PIL, so a 4096×4096 upload never becomes a
    200 MB float tensor."""
    picture = open_image(path)
    original = picture.size
    factor = max(original) // SHOWN_MAX
    if factor >= 2:
        if picture.mode not in REDUCIBLE_MODES:  # palette, 1-bit, 16-bit: PIL's reduce refuses them
            picture = picture.convert(reducible_mode(picture))
        picture = picture.reduce(factor)
    return image_tensor(picture), original


REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "I", "F")


def reducible_mode(picture: Image.Image) -> str:
    """The mode ``picture`` converts to without losing what `image_tensor` reads: 16-bit grey stays
    16-bit ("I"), 1-bit becomes "L", a palette RGB or RGBA (when it has transparency)."""
    if picture.mode.startswith("I"):
        return "I"
    if picture.mode == "1":
        return "L"
    transparent = "A" in picture.getbands() or "transparency" in picture.info
    return "RGBA" if transparent else "RGB"


def drawn_image(value: Any) -> torch.Tensor:
    """A sketchpad's value -> (3, H, W) in [0, 1]: dark strokes on white. Raises ImageInputError
    when nothing is drawn."""
    composite = value.get("composite") if isinstance(value, dict) else value
    if composite is None:
        raise ImageInputError("draw something on the sketchpad first")
    picture = open_image(composite) if isinstance(composite, str) else composite
    if not isinstance(picture, Image.Image):
        raise ImageInputError(f"the drawing must be an image; got a {type(picture).__name__}")
    image = image_tensor(picture)
    if float(image.min()) > 0.9:
        raise ImageInputError("the drawing is empty: draw a face's lines on the sketchpad first")
    return as_rgb(image.unsqueeze(0))[0]


@functools.lru_cache(maxsize=1)
def test_examples() -> tuple[torch.Tensor, torch.Tensor] | None:
    """The first held-out test faces and test drawings of the anime-xdog split ((8, 3, 64, 64) each,
    [0, 1]); None when the dataset is not on this machine (the examples are not redistributed)."""
    from genhub.plugins.cyclegan.data import anime_split, drawings_of
    from genhub.training.data import data_root
    from genhub.training.image_files import ANIME_FOLDER, read_images

    root = data_root()
    if root is None or not (root / ANIME_FOLDER).is_dir():
        return None
    split = anime_split()
    files = {k: [root / ANIME_FOLDER / f"{int(i)}.jpg" for i in split[k][:EXAMPLES_PER_DOMAIN]]
             for k in ("test_a", "test_b")}
    faces = read_images(files["test_a"], 64)
    return faces.float() / 255, drawings_of(read_images(files["test_b"], 64)).float() / 255


class Translator:
    """Handlers of the tab; `context.model` loads and caches the variant."""

    def __init__(self, context: TabContext) -> None:
        self.context = context

    def translate(self, variant: str, image: torch.Tensor, direction: str, work_side: Any, note: str = "",
                  original: tuple[int, int] | None = None):
        direction = inputs.choice("direction", direction, [d for _, d in DIRECTIONS])
        side = inputs.integer("work side", work_side, 0, SHOWN_MAX)
        model = self.context.model(variant).model
        image, scaled = capped(image, original)
        trip = round_trip(model, image.unsqueeze(0), direction, work_side=side or None)
        there, back = trip.there, trip.back
        x = as_rgb(image.unsqueeze(0))[0]
        error = (back[0] - x).abs()
        h, w = image.shape[-2:]
        # The drawing G made, at the size F read it: face → drawing's result, or drawing → face's way back.
        drawing = trip.there_at_work if direction == "a2b" else trip.back_at_work
        hidden = resize(amplified(hidden_signal(drawing)), (h, w))[0]
        at = "its own size" if not side else f"{side} px on the longer side"
        text = (f"{w}×{h} px in, {w}×{h} px out, run at {at}."
                f"{scaled}{note} Round-trip error (mean |F(G(x)) − x|, 0-1): **{float(error.mean()):.3f}**.")
        face = to_pil(x, enlarge=False) if direction == "a2b" else None
        return to_pil(x), to_pil(there[0]), to_pil(back[0]), to_pil(heat(error)), to_pil(hidden), text, face

    def upload(self, variant: str, path, direction: str, work_side):
        """Translate an uploaded image, and back again.

        Args:
            variant: "anime-xdog" (anime faces ↔ line drawings)
            path: an image file (PNG, JPEG, WebP, GIF: first frame; up to 4096×4096 px, 20 MB), uploaded first
            direction: "a2b" (face → line drawing) or "b2a" (line drawing → face)
            work_side: the longer side, in px, the generator runs at (64: the training size); 0: the image's own
        Returns:
            the input, its translation, the round trip F(G(x)), its error map, the amplified high frequencies of the
            drawing G made (at the size F read it), a note,
            the input again when it was a face (what "cyclegan_hidden" takes), else None
        """
        if not path:
            raise gr.Error("upload an image first (PNG or JPEG)")
        with inputs.user_errors(ImageInputError):
            image, original = read_upload(path)
        return self.translate(variant, image, direction, work_side, original=original)

    def drawing(self, variant: str, sketch, direction: str, work_side):
        """Translate a drawing from the sketchpad (dark lines on white), and back again.

        Args:
            variant: "anime-xdog" (anime faces ↔ line drawings)
            sketch: an image editor value (background, layers, composite): dark strokes on a light canvas
            direction: "b2a" (line drawing → face; what a sketch is for) or "a2b"
            work_side: the longer side, in px, the generator runs at (64: the training size); 0: the image's own
        Returns:
            the input, its translation, the round trip, its error map, the amplified high frequencies, a note,
            the input again when it was a face, else None
        """
        with inputs.user_errors(ImageInputError):
            image = drawn_image(sketch)
        return self.translate(variant, image, direction, work_side)

    def example(self, variant: str, index, work_side):
        """Translate one of the held-out test images: 0-7 are test faces (→ drawing), 8-15 test drawings (→ face).

        Args:
            variant: "anime-xdog"
            index: 0-15 (faces first, then drawings)
            work_side: the longer side, in px, the generator runs at (64: the training size); 0: the image's own
        Returns:
            the input, its translation, the round trip, its error map, the high frequencies, a note, the face
            (or None), the direction
        """
        found = test_examples()
        if found is None:
            raise gr.Error("the held-out examples need the anime faces dataset on this machine (GENHUB_DATA); "
                           "upload or draw an image instead")
        index = inputs.integer("example", index, 0, 2 * EXAMPLES_PER_DOMAIN - 1)
        faces, drawings = found
        is_face = index < EXAMPLES_PER_DOMAIN
        image = faces[index] if is_face else drawings[index - EXAMPLES_PER_DOMAIN]
        direction = "a2b" if is_face else "b2a"
        kind = "face" if is_face else "drawing"
        out = self.translate(variant, image, direction, work_side,
                             note=f" Held-out test {kind} #{index % EXAMPLES_PER_DOMAIN}.")
        return (*out, direction)

    def pick(self, variant: str, work_side, event: gr.SelectData):
        return (*self.example(variant, event.index, work_side), event.index)

    def hide(self, variant: str, face, kind: str, strength):
        """Disturb the drawing G(x) of a face and see the reconstruction F(G(x)) collapse.

        Args:
            variant: "anime-xdog"
            face: a face image (a file or URL): the last face translated, or any face
            kind: "noise" (Gaussian), "blur" (Gaussian) or "jpeg" (re-encoding) applied to the drawing
            strength: 0 (none) to 1 (noise σ 0.1, blur σ 1.5 px, JPEG quality 10)
        Returns:
            the drawing, the disturbed drawing, the reconstruction, its error map, error against strength, a note
        """
        if face is None:
            raise gr.Error("translate a face first (face → line drawing): the face is what gets hidden")
        kind = inputs.choice("kind", kind, list(KINDS))
        strength = inputs.number("strength", strength, 0.0, 1.0)
        image = face if isinstance(face, torch.Tensor) else image_tensor(
            face if isinstance(face, Image.Image) else _opened(face))
        image, _ = capped(image)
        model = self.context.model(variant).model
        shown = collapse(model, image.unsqueeze(0), kind, strength)
        curves = collapse_curve(model, image.unsqueeze(0), kinds=(kind,))
        rows = [{"strength": s, "error": v, "reconstructed from": name}
                for name, values in curves.items() for s, v in zip(STRENGTHS, values)]
        error = float(shown["error"].mean())
        note = (f"{describe(kind, strength)}: reconstruction error **{error:.3f}** (undisturbed "
                f"{curves[kind][0]:.3f}; from the face's true XDoG drawing, which hides nothing: "
                f"{curves['true drawing'][0]:.3f}).")
        return (to_pil(shown["drawing"][0]), to_pil(shown["disturbed"][0]), to_pil(shown["reconstruction"][0]),
                to_pil(heat(shown["error"][0])), pd.DataFrame(rows), note)


def _opened(path) -> Image.Image:
    with inputs.user_errors(ImageInputError):
        return open_image(path)


def build_tab(context: TabContext) -> None:
    translator = Translator(context)
    variant = context.variant
    with gr.Row():
        direction = gr.Radio(DIRECTIONS, value="a2b", label="Direction", elem_id="cyclegan-direction")
        work_side = gr.Dropdown(WORK_SIDES, value=64, label="Run the generator at", elem_id="cyclegan-work-side")
    with gr.Row():
        with gr.Column():
            with gr.Tab("Upload"):
                upload = gr.File(label="An image (a face, or a line drawing)", file_types=["image"], type="filepath",
                                 elem_id="cyclegan-upload")
                upload_go = gr.Button("Translate upload", variant="primary")
            with gr.Tab("Draw") as draw_tab:
                sketch = gr.Sketchpad(label="Draw a face's lines", type="filepath", canvas_size=(256, 256),
                                      elem_id="cyclegan-sketch",
                                      brush=gr.Brush(default_size=5, colors=["#000000"], color_mode="fixed"))
                draw_go = gr.Button("Translate drawing (→ face)", variant="primary")
            examples = gr.Gallery(label="Held-out test faces and drawings (click one)", columns=8, height="auto",
                                  allow_preview=False, elem_id="cyclegan-examples", elem_classes=[THUMBNAILS_CLASS])
            with gr.Row():
                example_index = gr.Number(0, precision=0, minimum=0, maximum=2 * EXAMPLES_PER_DOMAIN - 1,
                                          label="Example (0-7 faces, 8-15 drawings)", elem_id="cyclegan-example-index")
                example_go = gr.Button("Translate example")
        with gr.Column():
            shown_input = gr.Image(label="Input x", type="pil", format="png", interactive=False,
                                   elem_id="cyclegan-input")
            translated = gr.Image(label="Translation G(x)", type="pil", format="png", interactive=False,
                                  elem_id="cyclegan-output")
    note = gr.Markdown(elem_id="cyclegan-note")
    last_face = gr.Image(type="pil", format="png", visible=False, label="Last face")
    with gr.Row():
        back = gr.Image(label="Round trip F(G(x))", type="pil", format="png", interactive=False,
                        elem_id="cyclegan-round-trip")
        error_map = gr.Image(label="|F(G(x)) − x| (black 0, white ≥ ⅓)", type="pil", format="png", interactive=False,
                             elem_id="cyclegan-error")
        signal = gr.Image(label="High frequencies of the drawing, amplified", type="pil", format="png",
                          interactive=False, elem_id="cyclegan-hidden")
    caption("G and F are deterministic: no seed. The round trip F(G(x)) translates the result back with the other "
            "generator; the amplified signal is the drawing minus a blurred copy (grey = 0): where G hides the face.")
    with gr.Accordion("What the generator hides: disturb the drawing, see what the face loses", open=False):
        gr.Markdown("Translate a face first. Its drawing G(x) is damaged, then F reads it back. Where G hides the "
                    "colours in a faint signal (Chu et al. 2017), noise, blur or JPEG far below what the eye notices "
                    "erase them, and the error climbs towards the one from the face's true XDoG drawing, which hides "
                    "nothing. The shipped G, small and trained on a CPU, hides little: its curve stays nearly flat, "
                    "and F guesses most of the colours.")
        with gr.Row():
            kind = gr.Radio(list(KINDS), value="noise", label="Damage")
            strength = gr.Slider(0, 1, value=0.2, step=0.05, label="Strength (0: none)")
            hide_go = gr.Button("Disturb", variant="primary")
        with gr.Row():
            clean = gr.Image(label="G(x)", type="pil", format="png", interactive=False)
            damaged = gr.Image(label="Disturbed G(x)", type="pil", format="png", interactive=False)
            rebuilt = gr.Image(label="F(disturbed G(x))", type="pil", format="png", interactive=False,
                               elem_id="cyclegan-rebuilt")
            rebuilt_error = gr.Image(label="Error", type="pil", format="png", interactive=False)
        curve = gr.LinePlot(x="strength", y="error", color="reconstructed from", label="Reconstruction error",
                            y_title="mean |F(·) − x| (0-1)", elem_id="cyclegan-curve")
        hide_note = gr.Markdown()
        caption("Curve: reconstruction error against the damage's strength, beside the error from the face's true "
                "XDoG drawing (nothing hidden in it: F has to guess the colours).")

    outputs = [shown_input, translated, back, error_map, signal, note, last_face]
    queued = context.events()
    upload_go.click(translator.upload, [variant, upload, direction, work_side], outputs,
                    api_name="cyclegan_translate", **queued)
    draw_go.click(translator.drawing, [variant, sketch, direction, work_side], outputs,
                  api_name="cyclegan_translate_drawing", **queued)
    examples.select(translator.pick, [variant, work_side], [*outputs, direction, example_index], api_name=False,
                    **queued)
    hide_go.click(translator.hide, [variant, last_face, kind, strength],
                  [clean, damaged, rebuilt, rebuilt_error, curve, hide_note], api_name="cyclegan_hidden", **queued)
    example_go.click(translator.example, [variant, example_index, work_side], [*outputs, direction],
                     api_name="cyclegan_example", **queued)
    # A sketch is a drawing: the Draw tab turns the direction to drawing → face.
    draw_tab.select(lambda: "b2a", None, direction, api_name=False)

    def show_examples():
        found = test_examples()
        if found is None:
            return gr.Gallery(value=None, label="Held-out examples need the anime faces dataset (GENHUB_DATA); "
                                                "upload or draw instead")
        faces, drawings = found
        return [to_pil(image, enlarge=False) for image in torch.cat([faces, drawings])]

    context.on_open(show_examples, [], examples)
