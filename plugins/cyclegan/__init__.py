"""CycleGAN: anime faces ↔ line drawings, both directions, with the round trip and what the
generator hides in it."""

from __future__ import annotations

from genhub.options import Option
from genhub.plugin import Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.cyclegan.model import CycleGAN
from genhub.plugins.cyclegan.sample import sample
from genhub.plugins.cyclegan.translate import MAX_SIDE
from genhub.plugins.cyclegan.variants import RECIPES

PLUGIN = Plugin(
    name="cyclegan",
    title="CycleGAN",
    description=(
        "Unpaired image-to-image translation: G turns a face into a line drawing, F a drawing into a face, "
        "learnt from faces and drawings of different faces, never from pairs. Cycle consistency asks F(G(x)) ≈ x, "
        "so G must hide what the drawing leaves out in a faint signal F can read back."
    ),
    variants=(
        WeightsSpec(variant="anime-xdog", repo_id="genhub/cyclegan-anime-xdog", revision="v1",
                    sha256="8d51f2f790369e3a7768f0bc94f1e4560f384d0a99b3d253d60b6de10e67f387",
                    summary=RECIPES["anime-xdog"].summary),
    ),
    build_model=lambda model_config: CycleGAN(**model_config),
    train=lazy("genhub.plugins.cyclegan.train:train"),
    sample=sample,
    build_tab=lazy("genhub.plugins.cyclegan.ui:build_tab"),
    task="translate",
    input_kind="image",
    order=50,
    sample_options=(
        Option("direction", str, "a2b", "a2b: face → line drawing; b2a: line drawing → face", choices=("a2b", "b2a")),
        Option("work_side", int, 64, "longer side, in px, the generator runs at (the output keeps the input's size); "
               f"64: the training size; 0: the image's own, up to {MAX_SIDE}", minimum=0, maximum=MAX_SIDE),
    ),
    train_options=(
        *train_flags("batch_size", "lr", "max_steps", "train_limit"),
        Option("folder", str, None, "train on your own unpaired set: a folder holding trainA/ trainB/ testA/ testB/ "
               "(any variant name); default: anime faces ↔ their XDoG drawings"),
        Option("size", int, None, "training resolution in px (square); default: the recipe's 64", minimum=16,
               maximum=512),
    ),
    tiny_config={"model": {"width": 2, "blocks": 1}},
)
