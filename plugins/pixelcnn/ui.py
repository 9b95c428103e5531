"""The "PixelCNN completion" tab: hide part of a digit, sample the hidden pixels row by row.

The handler is a generator: it yields the grid after every finished row (with a progress
bar), then the completions ranked by log-likelihood. It is also the API endpoint
``pixelcnn_complete``.

The class and temperature controls come from the plugin's ``label`` and ``temperature``
sample options (`genhub.options.Option`): default, range and help are declared once, in
``plugins/pixelcnn/__init__.py``; `NARROWED` says where the tab offers less, and why.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np
import torch
from PIL import Image

from genhub import inputs
from genhub.imaging.grid import captioned_grid, to_pil
from genhub.imaging.uploads import ImageInputError, open_image
from genhub.options import Option
from genhub.page import caption
from genhub.plugin import MAX_SEED, TabContext
from genhub.plugins.pixelcnn.sample import MASKS, quantize, region_mask
from genhub.plugins.pixelcnn.sampling import draw_uniforms, iter_cached
from genhub.training.data import example_digits
from genhub.training.digits import drawn_digit, uploaded_digit
from genhub.zerogpu import MIN_GPU_SECONDS, gpu_seconds

TEST_DIGITS = 1000
GPU_SECONDS_PER_COMPLETION = 0.5
"""What a ZeroGPU request asks for per completion (`genhub.zerogpu`), on top of the minimum: 8
completions take ≤ 1 s on 2 CPU cores; a GPU is no slower for 784 sequential steps. Not measured
on ZeroGPU."""
SOURCES = ("test digit", "drawing", "upload")
REGIONS = (*MASKS[:2], "painted")
NO_CLASS = "none"
"""How the class dropdown shows (and sends) the ``label`` option's -1: no class."""
EDITOR_SCALE = 10
MAX_COMPLETIONS = 16
SCALE = 4
PREVIEW_SCALE = 8
NARROWED = {"temperature": {"maximum": 5.0}}
"""Where this tab's option controls offer less than the option (and so `genhub sample`) allows,
as overrides of `genhub.options.Option.component`, which refuses any that would offer more.
Temperature stops at 5, where the tab has always stopped, not at the option's 10: higher
temperatures only flatten each pixel's distribution further towards noise, and the shorter
slider is finer where completions differ."""


def shown_class(label: int) -> str:
    """A value of the ``label`` option as the class dropdown shows and sends it: -1 is `NO_CLASS`."""
    return NO_CLASS if label == -1 else str(label)


def class_choices(label: Option) -> list[str]:
    """Every value the ``label`` option allows, as the class dropdown shows them."""
    return [shown_class(value) for value in range(int(label.minimum), int(label.maximum) + 1)]


class Completer:
    def __init__(self, context: TabContext) -> None:
        self.context = context

    def test_digits(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The first TEST_DIGITS MNIST test digits (N, 1, 28, 28) in [0, 1] and labels (N,)."""
        try:
            return example_digits("mnist", TEST_DIGITS)
        except FileNotFoundError as err:
            raise gr.Error(f"MNIST test digits are needed for this and were not found: {err}") from err

    def source_image(self, source: str, index: Any, drawing: Any, upload: Any) -> torch.Tensor:
        """The digit to complete: (1, 28, 28) in [0, 1]."""
        source = inputs.choice("source", source, SOURCES)
        if source == "test digit":
            return self.test_digits()[0][inputs.integer("test digit", index, 0, TEST_DIGITS - 1)]
        with inputs.user_errors(ImageInputError):
            return drawn_digit(drawing) if source == "drawing" else uploaded_digit(upload)

    def preview(self, variant: str, source: str, index: Any, drawing: Any, upload: Any) -> Image.Image:
        """The chosen digit as the model sees it, enlarged to the mask editor's canvas."""
        image = quantize(self.source_image(source, index, drawing, upload), self.context.model(variant).model.levels)
        array = (image[0].numpy() * 255).astype(np.uint8)
        return Image.fromarray(array).resize((28 * EDITOR_SCALE,) * 2, Image.Resampling.NEAREST).convert("RGB")


def painted_mask(value: Any) -> torch.Tensor:
    """An ImageEditor value -> (28, 28) bool, True where the strokes cover ≥ 30 % of a pixel's cell."""
    layers = value.get("layers") if isinstance(value, dict) else None
    if not layers:
        raise gr.Error("paint the pixels to hide on the digit (mask editor), or choose bottom/right half")
    try:
        strokes = [np.asarray(open_image(layer) if isinstance(layer, str) else layer) for layer in layers]
    except ImageInputError as err:
        raise gr.Error(f"the painted mask could not be read: {err}") from err
    alpha = np.zeros(strokes[0].shape[:2], dtype=np.float32)
    for stroke in strokes:
        if stroke.shape[:2] != alpha.shape:
            raise gr.Error("the mask layers have different sizes")
        alpha = np.maximum(alpha, stroke[..., 3] / 255.0 if stroke.ndim == 3 and stroke.shape[2] == 4
                           else (stroke.max(-1) if stroke.ndim == 3 else stroke) / 255.0)
    h, w = alpha.shape
    if h != w or h % 28:
        raise gr.Error(f"the mask must be square with a side that is a multiple of 28 (28, 280, ...); got {w}×{h}")
    cell = h // 28
    coverage = alpha.reshape(28, cell, 28, cell).mean((1, 3))
    return torch.from_numpy(coverage >= 0.3)


def masked_view(source: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """A digit (1, 28, 28) in [0, 1] as RGB (3, 28, 28) with its hidden pixels (``mask``) red."""
    rgb = source.expand(3, -1, -1).clone()
    for channel, value in enumerate((0.9, 0.3, 0.3)):
        rgb[channel][mask] = value
    return rgb


def completion_grid(source: torch.Tensor, mask: torch.Tensor, images: torch.Tensor, captions: list[str]) -> Image.Image:
    """The input (hidden pixels red) followed by the completions, captioned."""
    rgb = torch.cat([masked_view(source, mask)[None], images.expand(-1, 3, -1, -1)])
    return captioned_grid(rgb, ["hidden", *captions], nrow=min(9, len(rgb)), scale=SCALE)


def build_tab(context: TabContext) -> None:
    completer = Completer(context)
    options = {option.name: option for option in context.plugin.sample_options}
    classes = class_choices(options["label"])

    @gpu_seconds(lambda count, **_: MIN_GPU_SECONDS + GPU_SECONDS_PER_COMPLETION * float(count))
    def complete(variant, source, index, drawing, upload, region, painted, count, temperature, label, seed,
                 progress=gr.Progress()):
        """Complete a 28×28 MNIST digit: its hidden pixels are sampled in raster order. Yield (grid,
        table) after every sampled row, then the completions ranked by log-likelihood.

        Args:
            variant: "binarized" (pixels 0 or 1)
            source: which digit to complete: "test digit", "drawing" or "upload"
            index: for "test digit", an index 0-999 into the MNIST test set
            drawing: for "drawing", an image editor value (background, layers, composite): dark strokes on light
            upload: for "upload", a digit image file (PNG, JPEG, ...; at most 20 MB), uploaded to this app first
            region: which pixels to hide: "bottom half", "right half" or "painted" (the strokes of `painted`)
            painted: for "painted", an image editor value whose strokes (280×280 canvas, 10 px per pixel) mark them
            count: completions to sample, a whole number 1 to 16
            temperature: divides the logits, 0.05 to 5; below 1 is more conservative
            label: the class to condition on, "0"-"9", or "none"
            seed: the noise seed, a whole number 0 to 2147483647; the same seed gives the same completions
        Returns:
            the completions grid (PNG file; input first, hidden pixels grey) and a table of log p per completion (nats)
        """
        model = context.model(variant).model
        image = quantize(completer.source_image(source, index, drawing, upload), model.levels)
        region = inputs.choice("hidden region", region, REGIONS)
        mask = painted_mask(painted) if region == "painted" else region_mask(region)[0]
        count = inputs.integer("completions", count, 1, MAX_COMPLETIONS)
        temperature = inputs.number("temperature", temperature, temperature_slider.minimum, temperature_slider.maximum)
        label = inputs.choice("class", str(label), classes)
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        if not mask.any():
            raise gr.Error("the mask hides no pixel: paint over part of the digit, or choose bottom/right half")
        if mask.all():
            gr.Warning("every pixel is hidden: these are whole new digits, not completions")
        device = next(model.parameters()).device
        x = image[None].expand(count, -1, -1, -1).to(device)
        masks = mask[None].expand(count, -1, -1).to(device)
        labels = None if label == NO_CLASS else torch.full((count,), int(label), device=device)
        uniforms = draw_uniforms((count, 28, 28), seed).to(device)
        total = int(mask.sum())
        steps = iter_cached(model, x, masks, labels, temperature, uniforms,
                            progress=lambda done, todo: progress(done / todo, desc="sampling pixels"),
                            every_row=True)
        result = None
        for result in steps:
            yield completion_grid(image, mask, result.images.cpu(), [f"#{i + 1}" for i in range(count)]), None
        order = result.log_likelihood.argsort(descending=True)
        ll = result.log_likelihood[order]
        captions = [f"{v:.1f} nats" for v in ll.tolist()]
        rows = [[rank + 1, int(i) + 1, round(float(v), 2), round(float(v) / total, 4)]
                for rank, (i, v) in enumerate(zip(order, ll))]
        yield completion_grid(image, mask, result.images.cpu()[order], captions), rows

    variant = context.variant
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
            source = gr.Radio(list(SOURCES), value="test digit", label="Digit to complete")
            index = gr.Number(0, precision=0, label=f"test digit # (0-{TEST_DIGITS - 1})", elem_id="pixelcnn-index")
            drawing = gr.Sketchpad(label="Draw a digit", type="filepath", canvas_size=(280, 280), visible=False,
                                   elem_id="pixelcnn-drawing")
            upload = gr.File(label="Upload a digit image", file_types=["image"], type="filepath", visible=False,
                             elem_id="pixelcnn-upload")
            region = gr.Radio(list(REGIONS), value="bottom half", label="Hidden region")
            painted = gr.ImageEditor(label="Paint what to hide", type="filepath",
                                     canvas_size=(28 * EDITOR_SCALE, 28 * EDITOR_SCALE), layers=False,
                                     brush=gr.Brush(default_size=20, colors=["#ff4040"], color_mode="fixed"),
                                     eraser=gr.Eraser(default_size=20), sources=(), visible=False,
                                     elem_id="pixelcnn-painted")
            load = gr.Button("Put the digit in the mask editor", visible=False)
        with gr.Column(scale=1, min_width=200):
            preview = gr.Image(label="The input: red pixels are sampled", type="pil", format="png", interactive=False,
                               height=240, elem_id="pixelcnn-preview", buttons=[])
        with gr.Column(scale=2):
            with gr.Row():
                count = gr.Slider(1, MAX_COMPLETIONS, value=8, step=1, label="completions")
                temperature_slider = options["temperature"].component(
                    label="temperature", elem_id="pixelcnn-temperature", **NARROWED["temperature"])
            with gr.Row():
                label = gr.Dropdown(classes, value=shown_class(options["label"].default), label="class (optional)",
                                    elem_id="pixelcnn-label")
                seed = gr.Number(0, precision=0, label="seed")
            go = gr.Button("Complete", variant="primary")
    grid = gr.Image(label="Completions (ranked by log-likelihood when done)", type="pil", format="png",
                    interactive=False, elem_id="pixelcnn-grid")
    caption("First the input, its hidden pixels red; then each completion: every hidden pixel sampled from p(x_i | "
            "pixels above and left, class) in raster order at the chosen temperature, ranked by the log p of the "
            "hidden pixels.")
    table = gr.Dataframe(headers=["rank", "completion", "log p (nats)", "per hidden pixel"], label="Log-likelihoods",
                         elem_id="pixelcnn-table",
                         interactive=False)

    def show_input(variant, source, index, drawing, upload, region, painted):
        """The chosen digit as the model sees it, the pixels to sample in red; None until there is one."""
        try:
            levels = context.model(variant).model.levels
            image = quantize(completer.source_image(source, index, drawing, upload), levels)
            mask = painted_mask(painted) if region == "painted" else region_mask(region)[0]
        except gr.Error:
            return None  # nothing chosen or drawn yet: the preview waits, Complete says what is missing
        return to_pil(masked_view(image, mask), PREVIEW_SCALE)

    def show_controls(source, region):
        return (gr.Number(visible=source == "test digit"), gr.Sketchpad(visible=source == "drawing"),
                gr.File(visible=source == "upload"), gr.ImageEditor(visible=region == "painted"),
                gr.Button(visible=region == "painted"))

    chosen = [variant, source, index, drawing, upload, region, painted]
    quiet = {"api_visibility": "private", "show_progress": "hidden", "trigger_mode": "always_last",
             **context.events()}
    gr.on([source.change, region.change], show_controls, [source, region], [index, drawing, upload, painted, load],
          api_visibility="private", queue=False)
    gr.on([variant.change, source.change, index.change, drawing.change, upload.change, region.change, painted.change],
          show_input, chosen, preview, **quiet)
    context.on_open(show_input, chosen, preview)
    load.click(lambda *a: {"background": completer.preview(*a), "layers": [], "composite": None},
               [variant, source, index, drawing, upload], painted, api_name=False)
    go.click(complete,
             [variant, source, index, drawing, upload, region, painted, count, temperature_slider, label, seed],
             [grid, table], api_name="pixelcnn_complete", **context.events("long"))
