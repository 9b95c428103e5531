"""VAE latent explorer: a variational autoencoder on MNIST with a 2-D and a 32-D variant."""

from __future__ import annotations

from genhub.plugin import Option, Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.vae.model import VAE
from genhub.plugins.vae.sample import sample
from genhub.plugins.vae.variants import RECIPES

PLUGIN = Plugin(
    name="vae",
    title="VAE latent explorer",
    description=(
        "A variational autoencoder trained on MNIST digits: encoder q(z|x), reparameterized "
        "z = μ + σ·ε, Bernoulli decoder p(x|z), trained on reconstruction BCE + KL to N(0, I). "
        "Click the latent map to decode a point, draw a digit to see where it lands."
    ),
    variants=(
        WeightsSpec(variant="mnist-2d", repo_id="genhub/vae-mnist-2d", revision="v2",
                    sha256="86cdf6bf7a385efffaa1aacd67be2c89b0b1468e7b15ad708d748c4d3abff5e2",
                    summary=RECIPES["mnist-2d"].summary),
        WeightsSpec(variant="mnist-32d", repo_id="genhub/vae-mnist-32d", revision="v2",
                    sha256="2f4677641eab2612fb764742cef975a69eeff4ee421042c99c3bffa0f71aea8b",
                    summary=RECIPES["mnist-32d"].summary),
    ),
    build_model=lambda model_config: VAE(**model_config),
    # Imported on use: serving never pays for the training stack, training never for gradio.
    train=lazy("genhub.plugins.vae.train:train"),
    sample=sample,
    build_tab=lazy("genhub.plugins.vae.ui:build_tab"),
    order=10,
    tab_examples={"mnist": 2000},  # the map's test digits: plugins/vae/ui.py MAP_POINTS
    sample_options=(
        Option("temperature", float, 1.0, "std t of the prior draw z ~ N(0, t²·I)", minimum=0.05, maximum=10,
               step=0.05),
        Option("z", str, "", "decode this latent point instead: as many comma-separated numbers as the latent "
                             "has dimensions, e.g. 0.5,-1.2; empty: draw from the prior"),
    ),
    train_options=train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit"),
    tiny_config={"model": {"latent_dim": 2, "architecture": "mlp", "hidden_dims": [8]}},
)
