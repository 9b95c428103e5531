"""The "VAE latent explorer" tab.

Map coordinates (u, v) pick a latent point: for a 2-D variant z = (u, v); for a higher-
dimensional one z lies on the plane through three chosen test encodings (see latent_map).
Every handler validates its inputs and is also an API endpoint (``api_name="vae_..."``).

One user action decodes once: the sliders decode on ``.input`` (the user's own moves) and
redraw the map on ``.release``, so the handlers that move them (a click on the map, a
variant change) decode themselves without the sliders' ``.change`` echoing a second decode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
import torch
from gradio.utils import get_upload_folder

from genhub import inputs
from genhub.cache import BoundedDict
from genhub.imaging.animation import write_gif
from genhub.imaging.grid import grid_image, to_pil
from genhub.imaging.uploads import ImageInputError
from genhub.page import DRAG_SELECT_CLASS, caption
from genhub.plugin import MAX_SEED, TabContext
from genhub.plugins.vae.latent_map import MapFrame, plane_coordinates, plane_point, render_map, with_marker
from genhub.plugins.vae.sample import decode
from genhub.training.data import example_digits
from genhub.training.digits import drawn_digit, uploaded_digit

MAP_POINTS = 2000
"""Test digits encoded for the map (the first ones of the MNIST test split)."""
DEFAULT_ANCHORS = (3, 2, 0)
"""Test indices of a 0, a 1 and a 7: the default plane of a high-dimensional variant."""
COORD_LIMIT = 10.0
DIGIT_SCALE = 8
MAX_CACHED = 32
"""Maps and anchor encodings kept per (variant, anchors); the least recently used go first."""
MAX_ENCODED_VARIANTS = 4
"""Variants whose test-set encodings (MAP_POINTS × d floats each) are kept."""
WALK_FRAME_MS = 60


class Explorer:
    """What the tab computes once and reuses: test digits, their encodings, base maps."""

    def __init__(self, context: TabContext) -> None:
        self.context = context
        self._encodings = BoundedDict(MAX_ENCODED_VARIANTS)
        self._maps = BoundedDict(MAX_CACHED)
        self._anchors = BoundedDict(MAX_CACHED)

    def latent_dim(self, variant: str) -> int:
        return int(self.context.model(variant).config["model"]["latent_dim"])

    def test_digits(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The first MAP_POINTS MNIST test digits (N, 1, 28, 28) in [0, 1] and labels (N,)."""
        try:
            return example_digits("mnist", MAP_POINTS)
        except FileNotFoundError as err:
            raise gr.Error(f"MNIST test digits are needed for this and were not found: {err}") from err

    def encoded_variants(self) -> list[str]:
        """The variants whose test encodings are cached (their map draws at once)."""
        return list(self._encodings)

    def encodings(self, variant: str) -> torch.Tensor:
        """μ of q(z|x) for the test digits: (N, d)."""
        if (encoded := self._encodings.get(variant)) is None:
            images, _ = self.test_digits()
            encoded = self._encodings[variant] = torch.cat([self.encode(variant, c) for c in images.split(500)])
        return encoded

    @torch.no_grad()
    def encode(self, variant: str, images: torch.Tensor) -> torch.Tensor:
        """Images (N, 1, 28, 28) in [0, 1] -> μ (N, d), on the CPU."""
        loaded = self.context.model(variant)
        return loaded.model.encode(images.to(loaded.device))[0].cpu()

    def anchors(self, variant: str, a: Any, b: Any, c: Any) -> torch.Tensor:
        """Encodings μ (3, d) of test digits #a, #b, #c: the plane's anchors."""
        indices = [inputs.integer(f"anchor {n}", v, 0, MAP_POINTS - 1) for n, v in zip("abc", (a, b, c))]
        if len(set(indices)) < 3:
            raise gr.Error(f"the three anchors must be different test digits; got {indices}")
        key = (variant, *indices)
        if (anchors := self._anchors.get(key)) is None:
            images, _ = self.test_digits()
            anchors = self.encode(variant, images[indices])
            if torch.linalg.matrix_rank(torch.stack([anchors[1] - anchors[0], anchors[2] - anchors[0]])) < 2:
                raise gr.Error(f"anchors {indices} lie on one line; choose other digits")
            self._anchors[key] = anchors
        return anchors

    def frame(self, variant: str) -> MapFrame:
        return MapFrame(-4.0, 4.0) if self.latent_dim(variant) == 2 else MapFrame(-1.0, 2.0)

    def latent(self, variant: str, u: Any, v: Any, a: Any, b: Any, c: Any) -> torch.Tensor:
        """Map coordinates -> z (1, d)."""
        u = inputs.number("u", u, -COORD_LIMIT, COORD_LIMIT)
        v = inputs.number("v", v, -COORD_LIMIT, COORD_LIMIT)
        return self.latents(variant, torch.tensor([u]), torch.tensor([v]), a, b, c)

    def latents(self, variant: str, u: torch.Tensor, v: torch.Tensor, a: Any, b: Any, c: Any) -> torch.Tensor:
        """Checked map coordinates u, v (N,) -> z (N, d)."""
        if self.latent_dim(variant) == 2:
            return torch.stack([u, v], dim=1).float()
        return plane_point(self.anchors(variant, a, b, c), u[:, None].float(), v[:, None].float())

    def map_coordinates(self, variant: str, z: torch.Tensor, a: Any, b: Any, c: Any) -> torch.Tensor:
        """z (N, d) -> map (u, v) (N, 2)."""
        if self.latent_dim(variant) == 2:
            return z
        return plane_coordinates(z, self.anchors(variant, a, b, c))

    def base_map(self, variant: str, a: Any, b: Any, c: Any) -> np.ndarray:
        """The map without a marker, RGB uint8 (H, W, 3): drawn once per variant (2-D) or per
        (variant, anchors), then cached."""
        two_d = self.latent_dim(variant) == 2
        key = (variant,) if two_d else (variant, int(a), int(b), int(c))
        if (picture := self._maps.get(key)) is None:
            _, labels = self.test_digits()
            uv = self.map_coordinates(variant, self.encodings(variant), a, b, c)
            title = (f"{variant}: z = (u, v)" if two_d else
                     f"{variant}: z = a + u(b - a) + v(c - a), anchors a = #{a}, b = #{b}, c = #{c}")
            anchors_uv, thumbnails = None, None
            if not two_d:
                anchors_uv = np.array([[0, 0], [1, 0], [0, 1]], dtype=np.float32)
                images, _ = self.test_digits()
                thumbnails = (images[[int(a), int(b), int(c)], 0] * 255).round().to(torch.uint8).numpy()
            picture = self._maps[key] = render_map(uv.numpy(), labels.numpy(), self.frame(variant), title,
                                                   anchors_uv, thumbnails)
        return picture


def build_tab(context: TabContext) -> None:
    explorer = Explorer(context)

    def decode_point(variant, u, v, a, b, c):
        """Decode one point of the latent map: a 224×224 greyscale PNG of an MNIST-style digit, the
        pixel means of p(x|z), white on black.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            u: map coordinate, -4 to 4 (the map shows -4..4 for mnist-2d, -1..2 for mnist-32d)
            v: map coordinate, -4 to 4 (same frame as u)
            a: anchor a of the plane, a test digit index 0-1999 (32-D variant only; ignored by mnist-2d)
            b: anchor b, a test digit index 0-1999, not a or c (32-D variant only)
            c: anchor c, a test digit index 0-1999, not a or b (32-D variant only)
        Returns:
            the decoded digit image (PNG file)
        """
        z = explorer.latent(variant, u, v, a, b, c)
        return to_pil(decode(context.model(variant).model, z)[0], DIGIT_SCALE)

    def show_map(variant, u, v, a, b, c):
        """The latent map: test digits drawn at their encodings, coloured by class, with a
        cross-hair at (u, v).

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            u: map coordinate, -4 to 4 (the map shows -4..4 for mnist-2d, -1..2 for mnist-32d)
            v: map coordinate, -4 to 4 (same frame as u)
            a: anchor a of the plane, a test digit index 0-1999 (32-D variant only; ignored by mnist-2d)
            b: anchor b, a test digit index 0-1999, not a or c (32-D variant only)
            c: anchor c, a test digit index 0-1999, not a or b (32-D variant only)
        Returns:
            the map image (PNG file)
        """
        u = inputs.number("u", u, -COORD_LIMIT, COORD_LIMIT)
        v = inputs.number("v", v, -COORD_LIMIT, COORD_LIMIT)
        return with_marker(explorer.base_map(variant, a, b, c), explorer.frame(variant), u, v)

    def click(variant, a, b, c, event: gr.SelectData):
        """A click on the map (or a point of a drag over it) -> (u, v, map with the cross-hair there,
        decoded digit). Within the margin, the nearest edge of the plot."""
        frame = explorer.frame(variant)
        point = frame.to_map(*event.index[:2], snap=frame.margin)
        if point is None:
            raise gr.Error("click inside the square plot area")
        u, v = (round(p, 3) for p in point)
        return u, v, show_map(variant, u, v, a, b, c), decode_point(variant, u, v, a, b, c)

    def change_variant(variant, a, b, c, progress=gr.Progress()):
        """The new variant's map and its centre's digit. u, v and the manifold's range are map
        coordinates, which mean something else on the new map: they move to its centre and
        default range. Every other control keeps its value.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            a: anchor a of the plane, a test digit index 0-1999 (32-D variant only; ignored by mnist-2d)
            b: anchor b, a test digit index 0-1999, not a or c (32-D variant only)
            c: anchor c, a test digit index 0-1999, not a or b (32-D variant only)
        Returns:
            u, v, plane settings, manifold range, the map image and the centre's decoded digit
        """
        if variant not in explorer.encoded_variants():
            progress(0, desc=f"first use of {variant}: loading it and encoding {MAP_POINTS} test digits for its map")
        frame, two_d = explorer.frame(variant), explorer.latent_dim(variant) == 2
        centre = frame.centre
        sliders = [gr.Slider(minimum=frame.lo, maximum=frame.hi, value=centre) for _ in range(2)]
        plane = gr.Accordion(visible=not two_d)
        grid_range = gr.Slider(value=3.0 if two_d else 1.5)
        return (*sliders, plane, grid_range, show_map(variant, centre, centre, a, b, c),
                decode_point(variant, centre, centre, a, b, c))

    def random_anchors(seed):
        rng = np.random.default_rng(inputs.integer("seed", seed, 0, MAX_SEED))
        return tuple(int(i) for i in rng.choice(MAP_POINTS, size=3, replace=False))

    def manifold(variant, span, n, a, b, c):
        """An n×n grid of decoded digits over the map's centre ± span, rows from high v to low v.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            span: half-width of the grid in map coordinates, 0.5 to 6 (centre: 0 for mnist-2d, 0.5 for mnist-32d)
            n: digits per row and column, a whole number 3 to 30
            a: anchor a of the plane, a test digit index 0-1999 (32-D variant only; ignored by mnist-2d)
            b: anchor b, a test digit index 0-1999, not a or c (32-D variant only)
            c: anchor c, a test digit index 0-1999, not a or b (32-D variant only)
        Returns:
            the grid image (PNG file)
        """
        span = inputs.number("range", span, 0.1, COORD_LIMIT)
        n = inputs.integer("grid size", n, 2, 30)
        centre = explorer.frame(variant).centre
        ticks = torch.linspace(centre - span, centre + span, n)
        v_grid, u_grid = torch.meshgrid(ticks.flip(0), ticks, indexing="ij")   # rows top to bottom: v falls
        z = explorer.latents(variant, u_grid.flatten(), v_grid.flatten(), a, b, c)
        return grid_image(decode(context.model(variant).model, z), nrow=n, padding=1, scale=2)

    def encode_image(variant, image: torch.Tensor, a, b, c):
        loaded = context.model(variant)
        mu = explorer.encode(variant, image.unsqueeze(0))[0]
        reconstruction = decode(loaded.model, mu.unsqueeze(0))[0]
        u, v = (float(t) for t in explorer.map_coordinates(variant, mu.unsqueeze(0), a, b, c)[0])
        where = f"μ lands at (u, v) = ({u:.2f}, {v:.2f})"
        if explorer.latent_dim(variant) > 2:
            where += " (its projection on the plane)"
        return (to_pil(image, DIGIT_SCALE), to_pil(reconstruction, DIGIT_SCALE),
                with_marker(explorer.base_map(variant, a, b, c), explorer.frame(variant),
                            float(np.clip(u, -COORD_LIMIT, COORD_LIMIT)), float(np.clip(v, -COORD_LIMIT, COORD_LIMIT))),
                where, (u, v))

    def go_to(variant, landed, a, b, c):
        """After an encoding: the sliders at the map point where it landed (within the map's frame)
        and that point decoded, so the sliders, the marker and the digit agree."""
        frame = explorer.frame(variant)
        u, v = (round(float(np.clip(t, frame.lo, frame.hi)), 2) for t in landed)
        return u, v, decode_point(variant, u, v, a, b, c)

    def clear_results():
        """What was computed on the previous variant: the manifold, the encoding and its text, the strip."""
        return None, None, None, "", None

    def encode_drawing(variant, drawing, a, b, c):
        """Encode a drawn digit: reframed MNIST-style (20×20 box, centre of mass centred), its
        reconstruction and where its encoding lands on the map.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            drawing: an image editor value (background, layers, composite): dark strokes on a light canvas
            a: anchor a of the plane, a test digit index 0-1999 (32-D variant only; ignored by mnist-2d)
            b: anchor b, a test digit index 0-1999, not a or c (32-D variant only)
            c: anchor c, a test digit index 0-1999, not a or b (32-D variant only)
        Returns:
            what the model sees (28×28, shown 224×224), its reconstruction, the map marked there, where (text)
        """
        with inputs.user_errors(ImageInputError):
            image = drawn_digit(drawing)
        return encode_image(variant, image, a, b, c)

    def encode_upload(variant, path, a, b, c):
        """Encode an uploaded digit image: reframed MNIST-style (20×20 box, centre of mass centred),
        its reconstruction and where its encoding lands on the map.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            path: a digit image file (PNG, JPEG, ...; at most 20 MB and 4096×4096 px), uploaded to this app first
            a: anchor a of the plane, a test digit index 0-1999 (32-D variant only; ignored by mnist-2d)
            b: anchor b, a test digit index 0-1999, not a or c (32-D variant only)
            c: anchor c, a test digit index 0-1999, not a or b (32-D variant only)
        Returns:
            what the model sees (28×28, shown 224×224), its reconstruction, the map marked there, where (text)
        """
        with inputs.user_errors(ImageInputError):
            image = uploaded_digit(path)
        return encode_image(variant, image, a, b, c)

    def interpolate(variant, i, j, steps):
        """Decode `steps` points on the segment between the encodings of test digits i and j;
        the two originals frame the strip.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            i: the first test digit, an index 0-1999 into the MNIST test set
            j: the second test digit, an index 0-1999
            steps: decoded points between them, a whole number 2 to 30
        Returns:
            the strip image (PNG file: digit i, the decoded points, digit j)
        """
        i = inputs.integer("first digit", i, 0, MAP_POINTS - 1)
        j = inputs.integer("second digit", j, 0, MAP_POINTS - 1)
        steps = inputs.integer("steps", steps, 2, 30)
        images, _ = explorer.test_digits()
        mus = explorer.encodings(variant)
        t = torch.linspace(0, 1, steps).unsqueeze(1)
        z = (1 - t) * mus[i] + t * mus[j]
        strip = torch.cat([images[i:i + 1], decode(context.model(variant).model, z), images[j:j + 1]])
        return grid_image(strip, nrow=len(strip), padding=2, scale=3)

    def walk(variant, i, j, frames):
        """An animated walk between the encodings of test digits i and j and back: the decoded
        digit at evenly spaced points of the straight line, as a looping GIF.

        Args:
            variant: "mnist-2d" (z = (u, v)) or "mnist-32d" (z = a + u(b - a) + v(c - a))
            i: the first test digit, an index 0-1999 into the MNIST test set
            j: the second test digit, an index 0-1999
            frames: decoded points from i to j, a whole number 2 to 60 (played there and back, 60 ms each)
        Returns:
            the animation (GIF file, 168×168 px)
        """
        i = inputs.integer("first digit", i, 0, MAP_POINTS - 1)
        j = inputs.integer("second digit", j, 0, MAP_POINTS - 1)
        frames = inputs.integer("frames", frames, 2, 60)
        mus = explorer.encodings(variant)
        t = torch.linspace(0, 1, frames).unsqueeze(1)
        digits = decode(context.model(variant).model, (1 - t) * mus[i] + t * mus[j])
        return str(write_gif(digits, Path(get_upload_folder()) / "walks", scale=6, frame_ms=WALK_FRAME_MS,
                             bounce=True))

    variant = context.variant
    with gr.Row():
        with gr.Column(scale=3):
            latent_map = gr.Image(label="Latent map: click or drag to decode", type="numpy", format="png",
                                  interactive=False, buttons=["download"], elem_id="vae-latent-map",
                                  elem_classes=[DRAG_SELECT_CLASS])
            caption("Each dot: a test digit's encoding, the mean of q(z|x), coloured by its class. The cross-hair: "
                    "the z decoded on the right.")
            # No reset button: it moves the value without an "input" event, so nothing would decode.
            u = gr.Slider(-4, 4, value=0.0, step=0.01, label="u", elem_id="vae-u", buttons=[])
            v = gr.Slider(-4, 4, value=0.0, step=0.01, label="v", elem_id="vae-v", buttons=[])
        with gr.Column(scale=2):
            digit = gr.Image(label="Decoded digit p(x|z)", type="pil", format="png", interactive=False,
                             buttons=["download"], elem_id="vae-digit")
            caption("The decoder's p(x|z) at the cross-hair: each pixel's Bernoulli mean, not a sample.")
    with gr.Accordion("Plane through three encodings (high-dimensional variants)", open=True,
                      visible=False) as plane:
        gr.Markdown("The map shows the plane z = a + u·(b − a) + v·(c − a) through the encodings of three "
                    f"test digits (indices 0–{MAP_POINTS - 1}); dots are every test encoding projected onto it.")
        with gr.Row():
            anchor_a = gr.Number(DEFAULT_ANCHORS[0], precision=0, label="anchor a (test #)")
            anchor_b = gr.Number(DEFAULT_ANCHORS[1], precision=0, label="anchor b (test #)")
            anchor_c = gr.Number(DEFAULT_ANCHORS[2], precision=0, label="anchor c (test #)")
            anchor_seed = gr.Number(0, precision=0, label="seed")
            shuffle = gr.Button("Random anchors")
    anchors = [anchor_a, anchor_b, anchor_c]
    with gr.Accordion("Manifold: decode a grid of points", open=False):
        with gr.Row():
            span = gr.Slider(0.5, 6, value=3.0, step=0.1, label="range (± around the map centre)")
            n = gr.Slider(3, 30, value=15, step=1, label="grid size")
            grid_button = gr.Button("Decode grid")
        grid = gr.Image(label="Decoded manifold", type="pil", format="png", interactive=False, elem_id="vae-manifold")
        caption("p(x|z) means on a grid of z around the map's centre: what the decoder puts between the digits.")
    with gr.Accordion("Draw or upload a digit: reconstruction and where it lands", open=True):
        with gr.Row():
            sketch = gr.Sketchpad(label="Draw a digit", type="filepath", canvas_size=(280, 280), elem_id="vae-sketch",
                                  brush=gr.Brush(default_size=22, colors=["#000000"], color_mode="fixed"))
            # A file, not gr.Image: the upload reaches open_image undecoded, so size and format
            # problems get our messages instead of a decoder's traceback.
            upload = gr.File(label="…or upload an image of a digit", file_types=["image"], type="filepath")
            with gr.Column():
                seen = gr.Image(label="What the model sees (28×28)", type="pil", interactive=False, elem_id="vae-seen")
                reconstruction = gr.Image(label="Reconstruction", type="pil", interactive=False,
                                          elem_id="vae-reconstruction")
        with gr.Row():
            encode_sketch_button = gr.Button("Encode drawing", variant="primary")
            encode_upload_button = gr.Button("Encode upload")
        landing = gr.Markdown(elem_id="vae-landing")
        caption("Top: your digit reframed as MNIST is (20×20 box, centred by mass). Bottom: p(x|z) at z = μ(x), its "
                "encoding; the map marks where μ(x) lands.")
        landed = gr.State()  # (u, v) of the last encoding: where the sliders go next
    with gr.Accordion("Interpolate between two test digits", open=False):
        with gr.Row():
            first = gr.Number(3, precision=0, label="first (test #)")
            second = gr.Number(0, precision=0, label="second (test #)")
            steps = gr.Slider(2, 30, value=10, step=1, label="steps")
            frames = gr.Slider(2, 60, value=24, step=1, label="animation frames")
            interpolate_button = gr.Button("Interpolate")
            walk_button = gr.Button("Animate the walk")
        with gr.Row():
            strip = gr.Image(label="Interpolation (originals at both ends)", type="pil", format="png",
                             interactive=False, elem_id="vae-strip", scale=3)
            walk_gif = gr.Image(label="Walk from the first to the second and back", type="filepath",
                                interactive=False, elem_id="vae-walk", scale=1)
        caption("p(x|z) means along the straight line between two test digits' encodings μ(x); the originals at the "
                "ends. The walk plays the same line as an animation, there and back.")

    point = [variant, u, v, *anchors]
    queued = context.events()
    fast = {"show_progress": "hidden", "trigger_mode": "always_last", **queued}
    # .input, not .change: .change also fires when a handler below sets u or v, and decodes again.
    u.input(decode_point, point, digit, api_name="vae_decode", **fast)
    v.input(decode_point, point, digit, api_visibility="private", **fast)
    u.release(show_map, point, latent_map, api_name="vae_map", **fast)
    v.release(show_map, point, latent_map, api_visibility="private", **fast)
    # A drag sends a click every few tens of ms (genhub.page.DRAG_TO_SELECT): always_last skips to the newest.
    latent_map.select(click, [variant, *anchors], [u, v, latent_map, digit], api_visibility="private",
                      trigger_mode="always_last", **queued)
    hidden = {"api_visibility": "private"}
    variant.change(change_variant, [variant, *anchors], [u, v, plane, span, latent_map, digit],
                   api_name="vae_variant", **queued).then(
        clear_results, None, [grid, seen, reconstruction, landing, strip], **hidden)
    shuffle.click(random_anchors, anchor_seed, anchors, **hidden).then(
        show_map, point, latent_map, **hidden).then(decode_point, point, digit, **hidden)
    for box in anchors:
        box.submit(show_map, point, latent_map, **hidden).then(decode_point, point, digit, **hidden)
    grid_button.click(manifold, [variant, span, n, *anchors], grid, api_name="vae_manifold", **queued)
    encoded = [seen, reconstruction, latent_map, landing, landed]
    for button, handler, source, api_name in ((encode_sketch_button, encode_drawing, sketch, "vae_encode_drawing"),
                                              (encode_upload_button, encode_upload, upload, "vae_encode_upload")):
        button.click(handler, [variant, source, *anchors], encoded, api_name=api_name, **queued).success(
            go_to, [variant, landed, *anchors], [u, v, digit], **hidden, **queued)
    interpolate_button.click(interpolate, [variant, first, second, steps], strip, api_name="vae_interpolate", **queued)
    walk_button.click(walk, [variant, first, second, frames], walk_gif, api_name="vae_walk", **queued)
    context.on_open(show_map, point, latent_map)
    context.on_open(decode_point, point, digit)
