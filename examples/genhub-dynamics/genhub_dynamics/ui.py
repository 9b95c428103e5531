"""The tab: pick or draw a digit, choose the dynamics (the variant), turn it, roll past the
training horizon, and look at the latent path. Every handler checks its inputs and is also an
API endpoint (``api_name="dynamics_..."``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
import torch
from genhub import inputs
from genhub.imaging.grid import to_pil
from genhub.imaging.uploads import ImageInputError
from genhub.page import THUMBNAILS_CLASS
from genhub.plugin import TabContext
from genhub.training.data import example_digits
from genhub.training.digits import drawn_digit

from genhub_dynamics.data import HORIZON, frame_times, rotating_sequences
from genhub_dynamics.figures import animation, comparison_strip, trajectory_figure
from genhub_dynamics.sample import DT, FRAMES, SPEED, as_digits, turn

PICKS = 40
"""Test digits offered to pick from."""
SCALE = 4
"""Display enlargement of the 28×28 frames."""


def _gif_folder() -> Path:
    # Gradio's upload folder: the hub's janitor sweeps it, so the animations do not pile up.
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()) / "genhub-dynamics"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _digit(image: Any) -> torch.Tensor:
    """The digit image input (H, W) or (H, W, C) uint8 -> (1, 1, 28, 28) in [0, 1]."""
    if image is None:
        raise gr.Error("pick a test digit or draw one first")
    array = np.asarray(image)
    if array.ndim not in (2, 3) or array.size == 0 or array.dtype != np.uint8:
        raise gr.Error(f"the digit must be a grey or colour image; got an array of shape {array.shape}")
    pixels = torch.from_numpy(array.copy()).float().div(255)
    pixels = pixels[None] if pixels.ndim == 2 else pixels[..., :3].permute(2, 0, 1)
    return as_digits(pixels[None])


def build_tab(context: TabContext) -> None:
    def pick(event: gr.SelectData):
        images, labels = test_digits()
        index = inputs.integer("test digit", event.index, 0, PICKS - 1)
        return _shown(images[index]), f"test digit #{index} (a {int(labels[index])})"

    def use_drawing(drawing):
        with inputs.user_errors(ImageInputError):
            return _shown(drawn_digit(drawing)), "your drawing, centred and scaled the MNIST way"

    def generate(variant, image, speed, frames, dt):
        """A digit, its speed and how far to go -> (animation GIF, true-vs-model strip, latent path,
        caption). Frame f is at time f·dt frames; the model reads the true frames at 0, 1, 2."""
        digit = _digit(image)
        with inputs.user_errors(ValueError):
            speed, frames, dt = SPEED.check(speed), FRAMES.check(frames), DT.check(dt)
        loaded = context.model(variant)
        times = frame_times(frames, dt)
        films, states = turn(loaded.model, digit, speed, times)
        truth = rotating_sequences(digit, torch.tensor([speed]), times)
        errors = (films[0] - truth[0]).pow(2).mean((1, 2, 3))
        gif = animation(truth[0], films[0], times, HORIZON, SCALE, _gif_folder())
        inside = times < HORIZON
        caption = (f"**{loaded.spec.variant}** dynamics, {frames} frames every {dt:g} frame(s) at {speed:g}°/frame "
                   f"(context: the true frames 0–2). Pixel MSE against the truly turned digit: "
                   f"{_mean(errors[inside])} within the training horizon (t < {HORIZON}), "
                   f"{_mean(errors[~inside])} beyond it. Static baseline (frame 2 held still) for scale: "
                   f"{_mean((truth[0, 2:3] - truth[0]).pow(2).mean((1, 2, 3)))}.")
        return (str(gif), comparison_strip(truth[0], films[0], times, HORIZON, SCALE),
                trajectory_figure(states[0], times, HORIZON), caption)

    def frame_at(variant, image, speed, t):
        """The model's frame at time ``t`` (frames; any real value for the ODE) beside the truth."""
        digit = _digit(image)
        with inputs.user_errors(ValueError):
            speed = SPEED.check(speed)
        t = inputs.number("t", t, 0, FRAMES.maximum * DT.maximum)
        films, _ = turn(context.model(variant).model, digit, speed, torch.tensor([float(t)]))
        truth = rotating_sequences(digit, torch.tensor([speed]), torch.tensor([float(t)]))
        return to_pil(torch.cat([truth[0, 0], films[0, 0]], dim=2), SCALE * 2)

    def test_digits() -> tuple[torch.Tensor, torch.Tensor]:
        try:
            return example_digits("mnist", PICKS)
        except FileNotFoundError as err:
            raise gr.Error(f"MNIST test digits are needed to pick from and were not found: {err}; "
                           "draw a digit instead") from err

    gr.Markdown("The model reads three frames of the digit turning at your speed (the **context**), infers its "
                "latent state and carries it forward. Left of each pair: the digit truly turned; right: the "
                f"model. It was trained on {HORIZON} frames (one turn); frames past that are extrapolation, "
                "marked in red.")
    with gr.Row():
        with gr.Column(scale=2):
            with gr.Tab("Pick a test digit"):
                gallery = gr.Gallery(value=_gallery(test_digits), columns=8, height="auto", allow_preview=False,
                                     object_fit="contain", label="MNIST test digits: click one", show_label=True,
                                     elem_id="dynamics-examples", elem_classes=[THUMBNAILS_CLASS])
            with gr.Tab("Draw a digit"):
                sketch = gr.Sketchpad(label="Draw a digit", type="filepath", canvas_size=(280, 280),
                                      brush=gr.Brush(default_size=22, colors=["#000000"], color_mode="fixed"))
                use_button = gr.Button("Use this drawing")
            digit = gr.Image(label="Digit to turn (what the model sees: 28×28, shown 4× larger)", type="numpy",
                             image_mode="L", value=_first(test_digits), interactive=False, height=150,
                             elem_id="dynamics-digit")
            source = gr.Markdown("test digit #0")
        with gr.Column(scale=3):
            with gr.Row():
                speed = SPEED.component()
                frames = FRAMES.component()
                dt = DT.component()
            button = gr.Button("Turn it", variant="primary")
            movie = gr.Image(label="Animation: truth | model", type="filepath", interactive=False, height=160,
                             elem_id="dynamics-animation")
            caption = gr.Markdown()
    strip = gr.Image(label="Every frame: truth (top) and model (bottom); red after the training horizon",
                     type="pil", format="png", interactive=False, buttons=["download"])
    with gr.Row():
        path = gr.Plot(label="Latent path (its first two principal components)")
        with gr.Column():
            t = gr.Slider(0, FRAMES.maximum * DT.maximum, value=8.5, step=0.05,
                          label="Show the frame at time t (frames; between whole frames the LSTM blends latents)")
            single = gr.Image(label="Frame at t: truth | model", type="pil", format="png", interactive=False)

    variant = context.variant
    queued = context.events()
    gallery.select(pick, None, [digit, source], api_visibility="private", **queued)
    use_button.click(use_drawing, sketch, [digit, source], api_name="dynamics_use_drawing", **queued)
    turn_inputs = [variant, digit, speed, frames, dt]
    turn_outputs = [movie, strip, path, caption]
    button.click(generate, turn_inputs, turn_outputs, api_name="dynamics_turn", **queued)
    variant.change(generate, turn_inputs, turn_outputs, api_visibility="private", **queued)
    t.release(frame_at, [variant, digit, speed, t], single, api_name="dynamics_frame", **queued)
    context.on_open(generate, turn_inputs, turn_outputs)
    context.on_open(frame_at, [variant, digit, speed, t], single)


def _shown(image: torch.Tensor) -> np.ndarray:
    """(1, 28, 28) in [0, 1] -> uint8 (112, 112), each pixel a 4×4 block, for the digit image
    (`as_digits` averages the blocks back exactly)."""
    return np.asarray(to_pil(image, SCALE))


def _gallery(test_digits) -> list[np.ndarray]:
    try:
        images, _ = test_digits()
    except gr.Error:
        return []
    return [np.asarray(to_pil(image, SCALE)) for image in images]


def _first(test_digits) -> np.ndarray | None:
    try:
        return _shown(test_digits()[0][0])
    except gr.Error:
        return None


def _mean(values: torch.Tensor) -> str:
    return f"{float(values.mean()):.4f}" if len(values) else "–"
