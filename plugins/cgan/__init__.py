"""Conditional-GAN digit picker: a class-conditional DCGAN on MNIST and on Fashion-MNIST."""

from __future__ import annotations

from genhub.plugin import Option, Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.cgan.model import ConditionalGAN
from genhub.plugins.cgan.sample import sample
from genhub.plugins.cgan.variants import RECIPES
from genhub.training.gan_objectives import OBJECTIVES

PLUGIN = Plugin(
    name="cgan",
    title="CGAN digit picker",
    description=(
        "A conditional GAN: the generator G(z, y) draws an image of class y from noise z, the "
        "discriminator D(x, y) judges whether an image is a real example of class y. Pick a digit, "
        "write a number in one handwriting, keep the best of N as the discriminator rates them."
    ),
    variants=(
        WeightsSpec(variant="mnist", repo_id="genhub/cgan-mnist", revision="v3",
                    sha256="b939d22d704548152380a735fb1a2d44d6e6397224ce9026fe4ad31e37eede95",
                    summary=RECIPES["mnist"].summary),
        WeightsSpec(variant="fashion-mnist", repo_id="genhub/cgan-fashion-mnist", revision="v2",
                    sha256="0a2173d32bbdba6665c28efae84507c07d287dfba96599616963c95b795e108d",
                    summary=RECIPES["fashion-mnist"].summary),
    ),
    build_model=lambda model_config: ConditionalGAN(**model_config),
    # Imported on use: serving never pays for the training stack, training never for gradio.
    train=lazy("genhub.plugins.cgan.train:train"),
    sample=sample,
    build_tab=lazy("genhub.plugins.cgan.ui:build_tab"),
    order=20,
    sample_options=(
        Option("label", int, -1, "class to draw, 0-9; -1 cycles through all ten", minimum=-1, maximum=9),
    ),
    train_options=(
        *train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit"),
        Option("objective", str, None, "GAN objective (genhub.training.gan_objectives); default: the variant's "
               "recipe (hinge)", choices=tuple(OBJECTIVES)),
        Option("g_channels", int, None, "generator width (channels at 14×14); default: the variant's recipe",
               minimum=1, maximum=512),
        Option("d_channels", int, None, "discriminator width (channels at 14×14); default: the variant's recipe",
               minimum=1, maximum=512),
    ),
    tiny_config={"model": {"z_dim": 4, "classes": 10, "embed_dim": 4, "g_channels": 4, "d_channels": 4}},
)
