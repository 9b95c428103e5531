"""genhub-dynamics: the dynamic generation network, a VAE whose latent follows learned dynamics,
as a genhub plugin package. Installing it (``pip install genhub-dynamics``) adds its tab to the hub
through the ``genhub.plugins`` entry point; its weights ship inside the package."""

from __future__ import annotations

from pathlib import Path

from genhub.plugin import Option, Plugin, WeightsSpec, lazy, train_flags

from genhub_dynamics.model import DynamicsVAE
from genhub_dynamics.sample import DT, FRAMES, SPEED, sample
from genhub_dynamics.variants import RECIPES

PLUGIN = Plugin(
    name="dynamics",
    title="Dynamic generation network",
    description=(
        "A VAE whose latent code follows learned dynamics: it reads the first 3 frames of a digit turning at "
        "a constant speed, infers the latent state z₀, carries it forward with a neural ODE or an LSTM and "
        "decodes every step. Trained on one turn (16 frames) of rotating MNIST; roll past it to see what holds."
    ),
    variants=(
        WeightsSpec(variant="ode", repo_id="genhub/dynamics-rotating-mnist-ode", revision="v1",
                    sha256="8c3a62fb6f840eeb9aa1e4035933a4c360626f0235945868c7d21fd8c143d25d",
                    summary=RECIPES["ode"].summary),
        WeightsSpec(variant="lstm", repo_id="genhub/dynamics-rotating-mnist-lstm", revision="v1",
                    sha256="718962f0fc7057059268820f53df8c9d00121aad9f777329ec428269ea818d73",
                    summary=RECIPES["lstm"].summary),
    ),
    build_model=lambda model_config: DynamicsVAE(**model_config),
    train=lazy("genhub_dynamics.train:train"),
    sample=sample,
    build_tab=lazy("genhub_dynamics.ui:build_tab"),
    task="translate",
    input_kind="image",
    sample_options=(SPEED, FRAMES, DT),
    train_options=(*train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit"),
                   Option("consistency", float, None, "weight of the penalty that keeps rolled-out latent states on "
                          "the encoder's manifold (0: off); default: the recipe's", minimum=0, maximum=100)),
    tiny_config={"model": {"dynamics": "ode", "latent_dim": 4, "channels": 4, "features": 16, "hidden": 16}},
    weights_dir=Path(__file__).parent / "weights",
)
