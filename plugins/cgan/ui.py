"""The "CGAN digit picker" tab.

Every action is also an API endpoint (``api_name="cgan_..."``) and validates its inputs, so
letters in the number field, seeds out of range or N = 100000 get a clear message.

A Class dropdown's value is the class index ("7"; or "all") and shows the chosen variant's
class name, so switching variant relabels the classes and keeps the chosen one (7 is "7" for
MNIST and "Sneaker" for Fashion-MNIST). Names are accepted too ("Sneaker", through the API).

The Pick tab's Class dropdown comes from the plugin's ``label`` sample option
(`genhub.options.Option`): its classes are the option's values, its default the option's
(-1, shown as "all"), so it draws what ``genhub sample cgan`` draws for the same seed and count.
"""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr
import torch
from PIL import Image

from genhub import inputs
from genhub.imaging.grid import captioned_grid, grid_image
from genhub.latent import slerp
from genhub.options import Option
from genhub.page import caption
from genhub.plugin import MAX_SEED, TabContext
from genhub.plugins.cgan.sample import best_of, generate, noise, noise_block
from genhub.reproduce import sample_command

MAX_NUMBER_LENGTH = 24
MAX_GRID = 100
MAX_DRAWS = 1024
ALL = "all"
"""How a Class dropdown shows (and sends) the ``label`` option's -1: cycle through every class."""
SCALE = 3
GOOD, BAD = (120, 220, 120), (255, 110, 110)


def grid_command(variant: str, label: str, count: int, seed: int) -> list[str] | None:
    """The ``genhub sample cgan`` arguments that write the grid `Picker.grid` drew (`genhub.reproduce`):
    the same samples, 10 per row, 3× larger. None for a class given by name (the CLI takes indices)."""
    if label != ALL and not str(label).isdigit():
        return None
    return ["--variant", variant, "--label", "-1" if label == ALL else str(label), "--count", str(int(count)),
            "--seed", str(int(seed)), "--nrow", "10", "--scale", str(SCALE), "--out", "grid.png"]


class Picker:
    """Handlers of the tab; `context.model` loads and caches the variants."""

    def __init__(self, context: TabContext) -> None:
        self.context = context

    def classes(self, variant: str) -> list[str]:
        return list(self.context.model(variant).config["data"]["classes"])

    def label_index(self, variant: str, label: str) -> int | None:
        """"all" -> None; a class name ("Sneaker") or a class index ("7", for every variant) -> the index."""
        names = self.classes(variant)
        if label == ALL:
            return None
        if label in names:
            return names.index(label)
        if isinstance(label, str) and label.isdigit() and int(label) < len(names):
            return int(label)
        raise gr.Error(f"class must be {ALL!r}, a class index 0-{len(names) - 1} or one of {', '.join(names)}; "
                       f"got {inputs.shown(label)}")

    def readings(self, variant: str, images: torch.Tensor, labels: torch.Tensor,
                 prefix: Sequence[str] | None = None) -> tuple[list[str], list[tuple[int, int, int]]]:
        """Captions "asked 7 -> 7 .99" from the judge classifier, green when it agrees."""
        from genhub.training.evaluation.classifier import judge, load_judge

        dataset = self.context.model(variant).config["data"]["dataset"]
        try:
            classifier, _ = load_judge(dataset)
        except Exception as err:  # noqa: BLE001 - the picture is still worth showing
            gr.Warning(f"the judge classifier for {dataset} is unavailable: {err}")
            return [""] * len(images), [GOOD] * len(images)
        probs, _ = judge(classifier, images)
        p, read = probs.max(1)
        captions = [f"{(prefix[i] + ' ') if prefix else ''}{int(a)}>{int(r)} {float(q):.2f}"[:14]
                    for i, (a, r, q) in enumerate(zip(labels, read, p))]
        return captions, [GOOD if int(a) == int(r) else BAD for a, r in zip(labels, read)]

    def picture(self, variant: str, images: torch.Tensor, labels: torch.Tensor, nrow: int, show_reading: bool,
                prefix: Sequence[str] | None = None) -> Image.Image:
        if show_reading:
            captions, colors = self.readings(variant, images, labels, prefix)
            return captioned_grid(images, captions, nrow=nrow, scale=SCALE, colors=colors)
        if prefix:
            return captioned_grid(images, list(prefix), nrow=nrow, scale=SCALE)
        return grid_image(images, nrow=nrow, scale=SCALE)

    @sample_command(lambda variant, label, count, seed, show_reading, **_: None if show_reading else grid_command(
        variant, label, count, seed))
    def grid(self, variant: str, label: str, count, seed, show_reading: bool) -> Image.Image:
        """``count`` samples of one class (or cycling through all), from one seed, 10 per row;
        each sample 28×28, shown 84×84.

        Args:
            variant: "mnist" (digits) or "fashion-mnist" (clothing)
            label: "all" (cycle through the classes) or a class index "0"-"9" (or the class's name, e.g. "Sneaker")
            count: how many samples, a whole number 1 to 100
            seed: the noise seed, a whole number 0 to 2147483647; the same seed gives the same grid
            show_reading: caption each image "asked>read p" with what the judge classifier reads (green: agrees)
        Returns:
            the grid image (PNG file)
        """
        loaded = self.context.model(variant)
        index = self.label_index(variant, label)
        count = inputs.integer("count", count, 1, MAX_GRID)
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        model = loaded.model
        labels = torch.full((count,), index) if index is not None else torch.arange(count) % model.classes
        images = generate(model, noise_block(seed, count, model.z_dim), labels)
        return self.picture(variant, images, labels, 10, show_reading)

    def number(self, variant: str, text, seed, show_reading: bool) -> Image.Image:
        """A string of digits written in one handwriting: one z, one label per character.

        Args:
            variant: "mnist" (digits) or "fashion-mnist" (clothing)
            text: the number to write, 1 to 24 of the digits 0-9 (e.g. "2026"); on fashion-mnist, class indices
            seed: the handwriting's seed, a whole number 0 to 2147483647
            show_reading: caption each image "asked>read p" with what the judge classifier reads (green: agrees)
        Returns:
            the written number (PNG file, one 84×84 image per character)
        """
        model = self.context.model(variant).model
        text = "" if text is None else str(text).strip()
        if not text:
            raise gr.Error("type a number, e.g. 2026")
        if not text.isdecimal() or not text.isascii():
            raise gr.Error(f"the number may contain only the digits 0-9; got {text[:40]!r}")
        if len(text) > MAX_NUMBER_LENGTH:
            raise gr.Error(f"the number may have at most {MAX_NUMBER_LENGTH} digits; got {len(text)}")
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        labels = torch.tensor([int(c) for c in text])
        z = noise([seed], model.z_dim).expand(len(labels), -1)
        images = generate(model, z, labels)
        if show_reading:
            return self.picture(variant, images, labels, len(labels), True)
        return grid_image(images, nrow=len(labels), padding=0, scale=SCALE, pad_value=0.0)

    def styles(self, variant: str, seeds: str, show_reading: bool) -> Image.Image:
        """One row per seed: that seed's z with every class, so a row shares one style.

        Args:
            variant: "mnist" (digits) or "fashion-mnist" (clothing)
            seeds: 1 to 10 comma-separated seeds, each a whole number 0 to 2147483647 (e.g. "0,1,2")
            show_reading: caption each image "asked>read p" with what the judge classifier reads (green: agrees)
        Returns:
            the grid image (PNG file, one row per seed, one column per class)
        """
        model = self.context.model(variant).model
        values = _parse_seeds(seeds)
        z = noise(values, model.z_dim).repeat_interleave(model.classes, 0)
        labels = torch.arange(model.classes).repeat(len(values))
        return self.picture(variant, generate(model, z, labels), labels, model.classes, show_reading)

    def best(self, variant: str, label: str, draws, keep, seed, show_reading: bool) -> Image.Image:
        """Draw N per class, keep the k the discriminator rates most real (captions: D's logit).

        Args:
            variant: "mnist" (digits) or "fashion-mnist" (clothing)
            label: "all" (cycle through the classes) or a class index "0"-"9" (or the class's name, e.g. "Sneaker")
            draws: N, samples drawn per class, a whole number 1 to 1024 (with "all": at most 409)
            keep: k, samples kept per class, a whole number 1 to min(N, 100)
            seed: the noise seed, a whole number 0 to 2147483647
            show_reading: caption each image "asked>read p" with what the judge classifier reads (green: agrees)
        Returns:
            the kept samples, best first, captioned with D's logit (PNG file)
        """
        loaded = self.context.model(variant)
        model = loaded.model
        index = self.label_index(variant, label)
        draws = inputs.integer("N (draws)", draws, 1, MAX_DRAWS)
        keep = inputs.integer("k (kept)", keep, 1, min(draws, 100))
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        labels = torch.arange(model.classes) if index is None else torch.tensor([index])
        if len(labels) * draws > 4 * MAX_DRAWS:
            raise gr.Error(f"with class 'all', N may be at most {4 * MAX_DRAWS // len(labels)}; got {draws}")
        images, y, scores = best_of(model, labels, draws, keep, seed)
        prefix = [f"D{float(s):+.1f}" for s in scores]
        return self.picture(variant, images, y, keep if index is None else min(10, keep), show_reading, prefix)

    def interpolate(self, variant: str, label: str, seed_a, seed_b, steps, show_reading: bool = False) -> Image.Image:
        """Spherical interpolation from seed a's z to seed b's, for one class (or each class).

        Args:
            variant: "mnist" (digits) or "fashion-mnist" (clothing)
            label: "all" (cycle through the classes) or a class index "0"-"9" (or the class's name, e.g. "Sneaker")
            seed_a: the seed of the first z, a whole number 0 to 2147483647
            seed_b: the seed of the last z, a whole number 0 to 2147483647
            steps: images from a to b, a whole number 2 to 20
            show_reading: caption each image "asked>read p" with what the judge classifier reads (green: agrees)
        Returns:
            the interpolation (PNG file, one row per class)
        """
        model = self.context.model(variant).model
        index = self.label_index(variant, label)
        a = inputs.integer("seed a", seed_a, 0, MAX_SEED)
        b = inputs.integer("seed b", seed_b, 0, MAX_SEED)
        steps = inputs.integer("steps", steps, 2, 20)
        za, zb = noise([a, b], model.z_dim)
        path = slerp(za, zb, torch.linspace(0, 1, steps))
        classes = [index] if index is not None else list(range(model.classes))
        z = path.repeat(len(classes), 1)
        labels = torch.tensor(classes).repeat_interleave(steps)
        return self.picture(variant, generate(model, z, labels), labels, steps, bool(show_reading))

    def relabel(self, variant: str, *labels: str) -> list[gr.Dropdown]:
        """The Class dropdowns with ``variant``'s class names. Each keeps its value, the class
        index, so the same class stays chosen; a class typed by name becomes its index."""
        names = self.classes(variant)
        choices = class_choices(names)
        return [gr.Dropdown(choices=choices, value=str(names.index(label))) if label in names
                else gr.Dropdown(choices=choices) for label in labels]


def shown_class(label: int) -> str:
    """A value of the ``label`` option as a Class dropdown's value: -1 is `ALL`, a class its index."""
    return ALL if label == -1 else str(label)


def option_classes(label: Option) -> list[str]:
    """The classes the ``label`` option allows (its values but -1), named by their index."""
    return [str(value) for value in range(int(label.minimum), int(label.maximum) + 1) if value != -1]


def class_choices(names: Sequence[str]) -> list[tuple[str, str]]:
    """(shown name, value) pairs: "all", then each class shown by name with its index as value."""
    return [(ALL, ALL), *((name, str(i)) for i, name in enumerate(names))]


def _parse_seeds(text) -> list[int]:
    parts = [p for p in str(text or "").replace(" ", "").split(",") if p]
    if not parts:
        raise gr.Error("give one or more seeds, e.g. 0,1,2")
    if len(parts) > 10:
        raise gr.Error(f"at most 10 seeds (rows); got {len(parts)}")
    return [inputs.integer("seed", p, 0, MAX_SEED) for p in parts]


def build_tab(context: TabContext) -> None:
    picker = Picker(context)
    variant = context.variant
    label_option = next(option for option in context.plugin.sample_options if option.name == "label")
    # Named by index until a variant is chosen (the default variant's, MNIST's, names are the same).
    classes = class_choices(option_classes(label_option))
    show_reading = gr.Checkbox(False, label="Show what the judge classifier reads (asked>read p)",
                               elem_id="cgan-show-reading")
    with gr.Tab("Pick"):
        with gr.Row():
            label = gr.Dropdown(classes, value=shown_class(label_option.default), label="Class",
                                allow_custom_value=True, elem_id="cgan-class")
            count = gr.Slider(1, MAX_GRID, value=100, step=1, label="How many", elem_id="cgan-count")
            seed = gr.Number(0, precision=0, label="Seed", elem_id="cgan-seed")
            go = gr.Button("Generate", variant="primary")
        picked = gr.Image(label="Samples", type="pil", format="png", interactive=False, elem_id="cgan-grid")
        caption("G(z, y): one noise vector z ~ N(0, I) per image, drawn from the seed, and the class y asked for (the"
                " EMA generator).")
    with gr.Tab("Write a number"):
        gr.Markdown("One z for every digit: the number in one shared handwriting. Change the seed for another hand.")
        with gr.Row():
            text = gr.Textbox("2026", label="Number (digits 0-9)", max_length=200)
            number_seed = gr.Number(3, precision=0, label="Seed (handwriting)")
            write = gr.Button("Write", variant="primary")
        written = gr.Image(label="Written", type="pil", format="png", interactive=False, elem_id="cgan-number")
        caption("One z for the whole number, one class label per character: the label picks the digit, z keeps the "
                "handwriting.")
    with gr.Tab("Same style across classes"):
        with gr.Row():
            seeds = gr.Textbox("0,1,2,3,4", label="Seeds, one row each")
            style_go = gr.Button("Draw", variant="primary")
        styled = gr.Image(label="One z per row, ten labels", type="pil", format="png", interactive=False)
        caption("Each row one z, each column one class y: what z holds when y changes.")
    with gr.Tab("Best of N"):
        gr.Markdown("Draw N samples, keep the top k as the discriminator rates them (caption: D's logit).")
        with gr.Row():
            best_label = gr.Dropdown(classes, value="7", label="Class", allow_custom_value=True)
            draws = gr.Slider(1, MAX_DRAWS, value=64, step=1, label="N (draws)")
            keep = gr.Slider(1, 100, value=10, step=1, label="k (kept)")
            best_seed = gr.Number(0, precision=0, label="Seed")
            best_go = gr.Button("Draw and rank", variant="primary")
        best = gr.Image(label="Best k", type="pil", format="png", interactive=False)
        caption("N draws per class, ranked by the discriminator's logit (how real it finds each); the top k kept, "
                "best first. Chosen by D, not by a classifier.")
    with gr.Tab("Interpolate"):
        with gr.Row():
            mix_label = gr.Dropdown(classes, value="7", label="Class", allow_custom_value=True)
            seed_a = gr.Number(0, precision=0, label="Seed a")
            seed_b = gr.Number(1, precision=0, label="Seed b")
            steps = gr.Slider(2, 20, value=10, step=1, label="Steps")
            mix_go = gr.Button("Interpolate", variant="primary")
        mixed = gr.Image(label="z from seed a to seed b (slerp)", type="pil", format="png", interactive=False,
                          elem_id="cgan-interpolation")
        caption("z moves on the sphere from seed a's to seed b's (slerp); each row keeps one class.")

    grid_inputs = [variant, label, count, seed, show_reading]
    queued = context.events()
    go.click(picker.grid, grid_inputs, picked, api_name="cgan_grid", **queued)
    write.click(picker.number, [variant, text, number_seed, show_reading], written, api_name="cgan_number", **queued)
    text.submit(picker.number, [variant, text, number_seed, show_reading], written, api_name=False, **queued)
    style_go.click(picker.styles, [variant, seeds, show_reading], styled, api_name="cgan_styles", **queued)
    best_go.click(picker.best, [variant, best_label, draws, keep, best_seed, show_reading], best,
                  api_name="cgan_best_of", **queued)
    mix_go.click(picker.interpolate, [variant, mix_label, seed_a, seed_b, steps, show_reading], mixed,
                 api_name="cgan_interpolate", **queued)
    class_boxes = [label, best_label, mix_label]
    variant.change(picker.relabel, [variant, *class_boxes], class_boxes, api_name=False)
    context.on_open(picker.grid, grid_inputs, picked)
