"""PixelCNN completion: a class-conditional Gated PixelCNN on MNIST, binarized and 256-level."""

from __future__ import annotations

from genhub.plugin import Option, Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.pixelcnn.model import GatedPixelCNN
from genhub.plugins.pixelcnn.sample import sample
from genhub.plugins.pixelcnn.variants import RECIPES

PLUGIN = Plugin(
    name="pixelcnn",
    title="PixelCNN completion",
    description=(
        "A Gated PixelCNN models a digit one pixel at a time, each pixel given all pixels above and to "
        "its left: p(x) = Π p(x_i | x_<i). Hide part of a digit and it samples the hidden pixels in "
        "raster order, each completion with its log-likelihood."
    ),
    variants=(
        WeightsSpec(variant="binarized", repo_id="genhub/pixelcnn-mnist-binarized", revision="v2",
                    sha256="240a232061961e4a37c5c0cdb8105599b1a179eec67a5eee0333da3cfcc1e2a4",
                    summary=RECIPES["binarized"].summary),
        WeightsSpec(variant="grayscale", repo_id="genhub/pixelcnn-mnist-grayscale", revision="v1",
                    sha256="ac78c8f2eeee32034ca690a7349579d5dbf3346c17b160c24eb41808ee1f54b6",
                    summary=RECIPES["grayscale"].summary,
                    # Out of the tab until it completes digits a person recognises (issues 12, 13):
                    # at T = 1 most of its completions are scribbles. `genhub sample` still reaches it.
                    in_tab=False),
    ),
    build_model=lambda model_config: GatedPixelCNN(**model_config),
    # Imported on use: serving never pays for the training stack, training never for gradio.
    train=lazy("genhub.plugins.pixelcnn.train:train"),
    sample=sample,
    build_tab=lazy("genhub.plugins.pixelcnn.ui:build_tab"),
    order=50,
    tab_examples={"mnist": 1000},  # the digits to complete: plugins/pixelcnn/ui.py TEST_DIGITS
    sample_options=(
        Option("label", int, -1, "digit to draw, 0-9; -1 draws without a class", minimum=-1, maximum=9),
        Option("temperature", float, 1.0, "divides the logits; < 1 is more conservative", minimum=0.05, maximum=10,
               step=0.05),
    ),
    train_options=train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit", "minutes"),
    tiny_config={"model": {"levels": 2, "channels": 4, "layers": 2, "kernel": 3, "skip_channels": 4,
                           "classes": 10}},
)
