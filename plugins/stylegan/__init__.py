"""StyleGAN2 on anime faces: truncation, style mixing, SeFa latent directions and interpolation."""

from __future__ import annotations

from genhub.options import Option
from genhub.plugin import Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.stylegan.model import NOISE_MODES, Generator
from genhub.plugins.stylegan.sample import sample
from genhub.plugins.stylegan.variants import AUGMENTS, RECIPES

PLUGIN = Plugin(
    name="stylegan",
    title="StyleGAN",
    description=(
        "StyleGAN2: a mapping network turns noise z into a style w, and w steers every layer of the synthesis "
        "network through modulated convolutions. Truncation pulls w towards the average face; mixing copies one "
        "face's coarse, middle or fine styles into another; directions found in the generator's own weights "
        "(SeFa) move one attribute at a time."
    ),
    variants=(
        WeightsSpec(variant="anime-64", repo_id="genhub/stylegan-anime-64", revision="v1",
                    sha256="eb3fe3ebcd01b83459314057805405c78dcf24320e0297401c36015d8219277d",
                    summary=RECIPES["anime-64"].summary),
    ),
    build_model=lambda model_config: Generator(**model_config),
    # Imported on use: serving never pays for the training stack, training never for gradio.
    train=lazy("genhub.plugins.stylegan.train:train"),
    sample=sample,
    build_tab=lazy("genhub.plugins.stylegan.ui:build_tab"),
    order=55,
    sample_options=(
        Option("psi", float, 0.7, "truncation ψ: 1 leaves w as drawn, 0 gives the average face, between trades "
               "variety for quality", minimum=-1.0, maximum=1.5, step=0.05),
        Option("cutoff", int, 10, "truncate only the first this many of the 10 style layers (10: all)", minimum=1,
               maximum=10, step=1),
        Option("noise_mode", str, "const", "per-layer noise: const (fixed, saved with the weights), random (drawn "
               "from the seed) or none", choices=NOISE_MODES),
    ),
    train_options=(
        *train_flags("batch_size", "lr", "max_steps", "train_limit", "minutes"),
        Option("augment", str, None, "augmentation of what the discriminator sees; default: the recipe's "
               "diffaugment", choices=AUGMENTS),
        Option("snapshot_every", int, None, "also keep the EMA generator every this many steps (snapshots/)",
               minimum=1),
    ),
    tiny_config={"model": {"z_dim": 8, "w_dim": 8, "resolution": 8, "channel_base": 32, "channel_max": 4,
                           "mapping_layers": 2}},
)
