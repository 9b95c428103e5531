"""Conditional-GAN digit picker: a class-conditional DCGAN on MNIST and on Fashion-MNIST."""

from __future__ import annotations

from pathlib import Path

from hub.plugin import Plugin, SampleOption, TabContext, TrainRequest, WeightsSpec
from plugins.cgan.model import ConditionalGAN
from plugins.cgan.sample import sample
from plugins.cgan.variants import RECIPES


def train(request: TrainRequest) -> Path:
    # Imported on use: serving never pays for the training stack, training never for gradio.
    from plugins.cgan.train import train as run

    return run(request)


def build_tab(context: TabContext) -> None:
    from plugins.cgan.ui import build_tab as build

    build(context)


PLUGIN = Plugin(
    name="cgan",
    title="CGAN digit picker",
    description=(
        "A conditional GAN: the generator G(z, y) draws an image of class y from noise z, the "
        "discriminator D(x, y) judges whether an image is a real example of class y. Pick a digit, "
        "write a number in one handwriting, keep the best of N as the discriminator rates them."
    ),
    variants=(
        WeightsSpec(variant="mnist", repo_id="genhub/cgan-mnist", revision="v1",
                    sha256="54f9c5681c17c0327e5be0877b036ccf93774a685c4dd3151750d0340811b4d8",
                    summary=RECIPES["mnist"].summary),
        WeightsSpec(variant="fashion-mnist", repo_id="genhub/cgan-fashion-mnist", revision="v1",
                    sha256="0" * 64, summary=RECIPES["fashion-mnist"].summary),
    ),
    build_model=lambda model_config: ConditionalGAN(**model_config),
    train=train,
    sample=sample,
    build_tab=build_tab,
    order=20,
    sample_options=(
        SampleOption("label", int, -1, "class to draw, 0-9; -1 cycles through all ten"),
    ),
)
