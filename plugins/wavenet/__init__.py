"""WaveNet audio: spoken digits from a WaveNet conditioned on the digit and the speaker."""

from __future__ import annotations

from genhub.plugin import Option, Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.sample import MAX_SECONDS, sample
from genhub.plugins.wavenet.variants import FSDD_SPEAKERS, RECIPES

PLUGIN = Plugin(
    name="wavenet",
    title="WaveNet audio",
    description=(
        "A WaveNet generates audio one sample at a time, 8,000 per second, each a 256-way choice of "
        "μ-law level given the samples before it (dilated causal convolutions see the last 128 ms). "
        "It is told which digit to say, how far into the word it is and, if you like, in whose voice."
    ),
    variants=(
        WeightsSpec(variant="fsdd", repo_id="genhub/wavenet-fsdd", revision="v1",
                    sha256="8c05854877d3897a21194c140668a91d257b46157617f97fb808b94498f0c228",
                    summary=RECIPES["fsdd"].summary),
    ),
    build_model=lambda model_config: WaveNet(**model_config),
    # Imported on use: serving never pays for the training stack, training never for gradio.
    train=lazy("genhub.plugins.wavenet.train:train"),
    sample=sample,
    build_tab=lazy("genhub.plugins.wavenet.ui:build_tab"),
    order=60,
    sample_options=(
        Option("label", int, -1, "digit to say, 0-9; -1 leaves it unspecified", minimum=-1, maximum=9),
        Option("speaker", str, "", "whose voice; empty: any", choices=("", *FSDD_SPEAKERS)),
        Option("seconds", float, 0.6, "length of the clip in seconds", minimum=0.05, maximum=MAX_SECONDS, step=0.05),
        Option("temperature", float, 1.0, "divides the logits; 0 is greedy", minimum=0, maximum=5, step=0.05),
    ),
    train_options=train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit"),
    tiny_config={
        "model": {"levels": 256, "channels": 4, "skip_channels": 4, "dilations": [1, 2], "digits": 10, "speakers": 6,
                  "embed_dim": 2, "frame_samples": 400, "frames": 2},
        "data": {"sample_rate": 8000, "speakers": list(FSDD_SPEAKERS)},
    },
)
