"""The "StyleGAN" tab: one face from a seed (truncation, cutoff, noise), a style-mixing grid,
SeFa latent directions and an interpolation between two seeds.

Every action is also an API endpoint (``api_name="stylegan_..."``) and checks its inputs, so a
seed that is not a number, ψ = NaN, a reversed layer band, a 100×100 grid or 10,000 frames get
a clear message naming the field, and the hub keeps serving. Every picture says the seed, ψ,
cutoff, noise mode and variant that made it, so it can be made again.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import gradio as gr
import torch
from gradio.utils import get_upload_folder
from PIL import Image

from genhub import inputs
from genhub.imaging.animation import write_gif
from genhub.imaging.grid import grid_image
from genhub.page import caption
from genhub.plugin import MAX_SEED as CLI_MAX_SEED
from genhub.plugin import TabContext
from genhub.plugins.stylegan.model import NOISE_MODES, Generator, style_bands
from genhub.plugins.stylegan.sample import (
    MAX_SEED,
    band_for,
    faces,
    interpolation,
    mixing_grid,
    move,
    render,
    sefa_directions,
    styles,
)
from genhub.reproduce import sample_command

SCALE = 4
"""64×64 faces are shown 256×256 (nearest neighbour)."""
MAX_SIDE = 8
"""At most 8 row seeds and 8 column seeds in a mixing grid."""
MAX_FRAMES = 240
DIRECTIONS = 5
MAX_AMOUNT = 15.0
"""Slider range along a SeFa direction, in units of w (a unit direction; ‖w − w_avg‖ is about 15)."""
STRIP_STEPS = 7
BANDS = ("coarse", "middle", "fine", "custom")
SPACES = {"w (lerp)": "w", "z (slerp)": "z"}


def seed_value(name: str, value) -> int:
    return inputs.integer(name, value, 0, MAX_SEED)


def seed_list(name: str, text, limit: int = MAX_SIDE) -> list[int]:
    """"1, 2 3" → [1, 2, 3]: 1 to ``limit`` seeds, each 0 … 2³² − 1, else gr.Error naming ``name``."""
    if text is not None and not isinstance(text, (str, int, float)):
        raise gr.Error(f"{name} must be seeds separated by commas, e.g. 1,2,3; got {inputs.shown(text)}")
    parts = [p for p in re.split(r"[,\s]+", str(text if text is not None else "").strip()) if p]
    if not parts:
        raise gr.Error(f"{name}: give 1 to {limit} seeds separated by commas, e.g. 1,2,3")
    if len(parts) > limit:
        raise gr.Error(f"{name}: at most {limit} seeds; got {len(parts)}")
    return [seed_value(f"{name} seed", p) for p in parts]


def settings(model: Generator, psi, cutoff, noise_mode) -> tuple[float, int, str]:
    psi = inputs.number("ψ (truncation)", psi, -1.0, 1.5)
    cutoff = inputs.integer("cutoff layer", cutoff, 1, model.num_ws)
    return psi, cutoff, inputs.choice("noise mode", noise_mode, NOISE_MODES)


def described(variant: str, psi: float, cutoff: int, noise_mode: str, **seeds: object) -> str:
    """The line under a picture that makes it reproducible."""
    named = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in seeds.items())
    return f"{named} · ψ {psi:g} · cutoff {cutoff} · noise {noise_mode} · variant {variant}"


def face_command(variant: str, seed, psi, cutoff, noise_mode, **_) -> list[str] | None:
    """`genhub sample stylegan` arguments for the Generate picture (None for seeds past the CLI's range)."""
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        return None
    if not 0 <= seed <= CLI_MAX_SEED:
        return None
    return ["--variant", variant, "--seed", str(seed), "--count", "1", "--psi", f"{float(psi):g}",
            "--cutoff", str(int(cutoff)), "--noise-mode", str(noise_mode), "--scale", str(SCALE), "--out", "face.png"]


class Studio:
    """Handlers of the tab; `context.model` loads and caches the variants."""

    def __init__(self, context: TabContext) -> None:
        self.context = context

    def generator(self, variant: str) -> Generator:
        return self.context.model(variant).model

    @sample_command(face_command)
    def generate(self, variant: str, seed, psi, cutoff, noise_mode) -> tuple[Image.Image, str]:
        """One face from a seed.

        Args:
            variant: the weights, "anime-64"
            seed: a whole number 0 to 4294967295; the same seed gives the same face
            psi: truncation ψ, -1 to 1.5: 1 leaves w as drawn, 0 gives the average face, negative the "anti-face"
            cutoff: truncate only the first this many style layers, 1 to 10 (10: all)
            noise_mode: "const" (fixed noise), "random" (drawn from the seed) or "none"
        Returns:
            the face (PNG, 256×256: 64×64 shown 4× larger) and the line that reproduces it
        """
        model = self.generator(variant)
        seed = seed_value("seed", seed)
        psi, cutoff, noise_mode = settings(model, psi, cutoff, noise_mode)
        image = faces(model, [seed], psi, cutoff, noise_mode)[0]
        return grid_image(image[None], nrow=1, padding=0, scale=SCALE), described(variant, psi, cutoff, noise_mode,
                                                                                  seed=seed)

    def mixing(self, variant: str, row_seeds, column_seeds, band, first, last, psi, noise_mode
               ) -> tuple[Image.Image, str]:
        """Style mixing: each row seed's face with the column seeds' styles copied into a band of layers.

        Args:
            variant: the weights, "anime-64"
            row_seeds: 1 to 8 seeds, comma separated (the faces that receive styles)
            column_seeds: 1 to 8 seeds, comma separated (the faces that give styles)
            band: "coarse" (layers 0-3: pose, face shape), "middle" (4-7: features, hair), "fine" (8-9: colour)
                or "custom" (first to last)
            first: with band "custom", the first style layer copied, 0 to 9
            last: with band "custom", the last style layer copied, first to 9
            psi: truncation ψ, -1 to 1.5, for every face
            noise_mode: "const", "random" or "none"
        Returns:
            the grid (PNG): top row the column faces, left column the row faces, the rest mixed
        """
        model = self.generator(variant)
        rows = seed_list("row seeds", row_seeds)
        columns = seed_list("column seeds", column_seeds)
        band = inputs.choice("band", band, BANDS)
        if band == "custom":
            start = inputs.integer("first layer", first, 0, model.num_ws - 1)
            stop = inputs.integer("last layer", last, 0, model.num_ws - 1) + 1
            if stop <= start:
                raise gr.Error(f"layer band: the last layer ({stop - 1}) comes before the first ({start})")
        else:
            start, stop = band_for(band, model.num_ws)
        psi, _, noise_mode = settings(model, psi, model.num_ws, noise_mode)
        mixed, left, top = mixing_grid(model, rows, columns, (start, stop), psi, noise_mode)
        blank = torch.ones(1, *top.shape[1:])
        cells = [blank, top]
        for i in range(len(rows)):
            cells += [left[i:i + 1], mixed[i * len(columns):(i + 1) * len(columns)]]
        picture = grid_image(torch.cat(cells), nrow=len(columns) + 1, scale=2)
        return picture, (f"rows {','.join(map(str, rows))} · columns {','.join(map(str, columns))} · layers "
                         f"{start}-{stop - 1} from the columns · ψ {psi:g} · noise {noise_mode} · variant {variant}")

    def directions(self, variant: str, seed, psi, noise_mode, *amounts) -> tuple[Image.Image, str]:
        """Move a face along the generator's top SeFa directions (closed-form, from its style weights).

        Args:
            variant: the weights, "anime-64"
            seed: a whole number 0 to 4294967295
            psi: truncation ψ, -1 to 1.5
            noise_mode: "const", "random" or "none"
            amounts: five numbers, -15 to 15: how far to move along directions 1 to 5 (in units of w)
        Returns:
            the moved face (PNG, 256×256) and the line that reproduces it
        """
        model = self.generator(variant)
        seed = seed_value("seed", seed)
        psi, _, noise_mode = settings(model, psi, model.num_ws, noise_mode)
        if len(amounts) != DIRECTIONS:
            raise gr.Error(f"give {DIRECTIONS} direction amounts; got {len(amounts)}")
        values = [inputs.number(f"direction {i + 1}", a, -MAX_AMOUNT, MAX_AMOUNT) for i, a in enumerate(amounts)]
        vectors, _ = sefa_directions(model, DIRECTIONS)
        image = render(model, move(styles(model, [seed], psi), vectors, values), [seed], noise_mode)
        moved = ", ".join(f"{v:+g}" for v in values)
        return (grid_image(image, nrow=1, padding=0, scale=SCALE),
                described(variant, psi, model.num_ws, noise_mode, seed=seed) + f" · directions 1-5: {moved}")

    def direction_strip(self, variant: str, seed, psi, noise_mode, reach) -> Image.Image:
        """What each of the top SeFa directions does: one row per direction, from -reach to +reach.

        Args:
            variant: the weights, "anime-64"
            seed: a whole number 0 to 4294967295
            psi: truncation ψ, -1 to 1.5
            noise_mode: "const", "random" or "none"
            reach: how far each row goes either way, 0 to 15 (in units of w)
        Returns:
            the strip (PNG): 5 rows × 7 faces, the middle column the unmoved face
        """
        model = self.generator(variant)
        seed = seed_value("seed", seed)
        psi, _, noise_mode = settings(model, psi, model.num_ws, noise_mode)
        reach = inputs.number("reach", reach, 0, MAX_AMOUNT)
        vectors, _ = sefa_directions(model, DIRECTIONS)
        ws = styles(model, [seed], psi)
        steps = torch.linspace(-reach, reach, STRIP_STEPS)
        moved = torch.cat([ws + (t * v).to(ws.device)[None, None] for v in vectors for t in steps])
        return grid_image(render(model, moved, [seed] * len(moved), noise_mode), nrow=STRIP_STEPS, scale=2)

    def interpolate(self, variant: str, seed_a, seed_b, frames, space, psi, noise_mode) -> tuple[str, str]:
        """An animation from seed a's face to seed b's.

        Args:
            variant: the weights, "anime-64"
            seed_a: the first face's seed, a whole number 0 to 4294967295
            seed_b: the last face's seed, a whole number 0 to 4294967295
            frames: how many frames, a whole number 2 to 240
            space: "w (lerp)": a straight line between the two styles, or "z (slerp)": along the sphere of z
            psi: truncation ψ, -1 to 1.5
            noise_mode: "const", "random" (seed a's, the same in every frame) or "none"
        Returns:
            the animation (GIF, 256×256, 40 ms a frame, looping there and back) and the line that reproduces it
        """
        model = self.generator(variant)
        a, b = seed_value("seed a", seed_a), seed_value("seed b", seed_b)
        frames = inputs.integer("frames", frames, 2, MAX_FRAMES)
        space = inputs.choice("space", space, tuple(SPACES))
        psi, _, noise_mode = settings(model, psi, model.num_ws, noise_mode)
        images = interpolation(model, a, b, frames, SPACES[space], psi, noise_mode)
        # Gradio's upload folder: the hub's janitor sweeps it, so animations do not pile up.
        path = write_gif(images, Path(get_upload_folder()) / "interpolations", scale=SCALE, frame_ms=40, bounce=True)
        return str(path), described(variant, psi, model.num_ws, noise_mode, seed_a=a, seed_b=b) + \
            f" · {frames} frames in {space}"


def build_tab(context: TabContext) -> None:
    studio = Studio(context)
    variant = context.variant
    queued = context.events()
    modes = list(NOISE_MODES)
    options = {option.name: option for option in context.plugin.sample_options}
    num_ws = int(options["cutoff"].maximum)
    bands = style_bands(int(num_ws))
    with gr.Tab("Generate"):
        with gr.Row():
            seed = gr.Number(7, precision=0, minimum=0, maximum=MAX_SEED, label="Seed",
                             info="0 … 4294967295", elem_id="stylegan-seed")
            dice = gr.Button("Random seed", elem_id="stylegan-random")
            psi = options["psi"].component(label="ψ (truncation)", info=None, elem_id="stylegan-psi")
            cutoff = options["cutoff"].component(label="Cutoff layer (truncate layers below it)", info=None,
                                                 elem_id="stylegan-cutoff")
            noise = options["noise_mode"].component(label="Noise", info=None, elem_id="stylegan-noise")
        go = gr.Button("Generate", variant="primary")
        face = gr.Image(label="Face", type="pil", format="png", interactive=False, elem_id="stylegan-face")
        face_info = gr.Markdown(elem_id="stylegan-face-info")
        caption("w = mapping(z), z drawn from the seed; ψ pulls w towards the average face (ψ = 0: the average; "
                "ψ < 0: past it, the 'anti-face') in the style layers below the cutoff. Noise adds per-pixel "
                "detail (hair strands): const is fixed, random is drawn from the seed.")
    with gr.Tab("Style mixing"):
        with gr.Row():
            rows = gr.Textbox("1,2,3,4", label="Row seeds (receive styles)", elem_id="stylegan-rows")
            columns = gr.Textbox("11,12,13,14", label="Column seeds (give styles)", elem_id="stylegan-columns")
            band = gr.Dropdown([(f"{b} (layers {bands[b][0]}-{bands[b][1] - 1})", b) for b in BANDS[:3]]
                               + [("custom: first to last", "custom")], value="coarse", label="Band",
                               elem_id="stylegan-band")
        with gr.Row():
            first = gr.Slider(0, num_ws - 1, value=0, step=1, label="First layer (custom band)")
            last = gr.Slider(0, num_ws - 1, value=3, step=1, label="Last layer (custom band)")
            mix_psi = gr.Slider(-1, 1.5, value=0.7, step=0.05, label="ψ (truncation)")
            mix_noise = gr.Radio(modes, value="const", label="Noise")
        mix_go = gr.Button("Mix", variant="primary")
        mixed = gr.Image(label="Style mixing", type="pil", format="png", interactive=False, elem_id="stylegan-mixing")
        mixed_info = gr.Markdown()
        caption("Each cell: its row's face with its column's styles copied into the band. Coarse layers carry pose "
                "and face shape, middle ones features and hair style, fine ones colour.")
    with gr.Tab("Latent directions"):
        with gr.Row():
            dir_seed = gr.Number(7, precision=0, minimum=0, maximum=MAX_SEED, label="Seed")
            dir_psi = gr.Slider(-1, 1.5, value=0.7, step=0.05, label="ψ (truncation)")
            dir_noise = gr.Radio(modes, value="const", label="Noise")
        amounts = [gr.Slider(-MAX_AMOUNT, MAX_AMOUNT, value=0, step=0.5, label=f"Direction {i + 1}",
                             elem_id=f"stylegan-direction-{i + 1}") for i in range(DIRECTIONS)]
        with gr.Row():
            dir_go = gr.Button("Apply", variant="primary")
            reach = gr.Slider(0, MAX_AMOUNT, value=8, step=0.5, label="Reach of the strip")
            strip_go = gr.Button("Show what each direction does")
        with gr.Row():
            moved = gr.Image(label="Moved face", type="pil", format="png", interactive=False,
                             elem_id="stylegan-moved")
            strip = gr.Image(label="Directions 1-5, -reach … +reach", type="pil", format="png", interactive=False,
                             elem_id="stylegan-strip")
        moved_info = gr.Markdown()
        caption("SeFa (Shen & Zhou 2021): the directions in W that the style layers' weights stretch most, the top "
                "eigenvectors of AᵀA. Found without labels, so what each one changes is for you to see.")
    with gr.Tab("Interpolation"):
        with gr.Row():
            seed_a = gr.Number(1, precision=0, minimum=0, maximum=MAX_SEED, label="Seed a")
            seed_b = gr.Number(2, precision=0, minimum=0, maximum=MAX_SEED, label="Seed b")
            frames = gr.Slider(2, MAX_FRAMES, value=60, step=1, label="Frames")
            space = gr.Radio(list(SPACES), value="w (lerp)", label="Path")
            walk_psi = gr.Slider(-1, 1.5, value=0.7, step=0.05, label="ψ (truncation)")
            walk_noise = gr.Radio(modes, value="const", label="Noise")
        walk_go = gr.Button("Interpolate", variant="primary")
        walk = gr.Image(label="Interpolation (GIF)", type="filepath", interactive=False, elem_id="stylegan-walk")
        walk_info = gr.Markdown()
        caption("A straight line in W (lerp) or a great circle in Z (slerp) from seed a to seed b, there and back.")

    generate_inputs = [variant, seed, psi, cutoff, noise]
    go.click(studio.generate, generate_inputs, [face, face_info], api_name="stylegan_generate", **queued)
    seed.submit(studio.generate, generate_inputs, [face, face_info], api_name=False, **queued)
    dice.click(lambda: random.randint(0, MAX_SEED), None, seed, api_name=False, queue=False).then(
        studio.generate, generate_inputs, [face, face_info], api_name=False, **queued)
    mix_go.click(studio.mixing, [variant, rows, columns, band, first, last, mix_psi, mix_noise], [mixed, mixed_info],
                 api_name="stylegan_mix", **queued)
    direction_inputs = [variant, dir_seed, dir_psi, dir_noise, *amounts]
    dir_go.click(studio.directions, direction_inputs, [moved, moved_info], api_name="stylegan_directions", **queued)
    for slider in amounts:
        slider.release(studio.directions, direction_inputs, [moved, moved_info], api_name=False, **queued)
    strip_go.click(studio.direction_strip, [variant, dir_seed, dir_psi, dir_noise, reach], strip,
                   api_name="stylegan_direction_strip", **queued)
    walk_go.click(studio.interpolate, [variant, seed_a, seed_b, frames, space, walk_psi, walk_noise],
                  [walk, walk_info], api_name="stylegan_interpolate", **queued)
    context.on_open(studio.generate, generate_inputs, [face, face_info])
