"""WaveNet audio: spoken digits from a WaveNet conditioned on the digit and the speaker."""

from __future__ import annotations

from genhub.plugin import Option, Plugin, WeightsSpec, lazy, train_flags
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.planner import PlannedWaveNet
from genhub.plugins.wavenet.sample import MAX_SECONDS, sample
from genhub.plugins.wavenet.variants import FSDD_SPEAKERS, RECIPES


def build_model(model_config: dict) -> WaveNet | PlannedWaveNet:
    """A planned variant's config has a vocoder and a planner; a plain one is a WaveNet's arguments."""
    return PlannedWaveNet(**model_config) if "vocoder" in model_config else WaveNet(**model_config)


PLUGIN = Plugin(
    name="wavenet",
    title="WaveNet audio",
    description=(
        "A WaveNet generates audio one sample at a time, 8,000 per second, each a 256-way choice of "
        "μ-law level given the samples before it. In the planned variant a small model first draws the "
        "word's plan (log-mel frames) for the digit and, if you like, the voice, and the WaveNet says it; "
        "it also says any recording again from its plan (vocoder mode)."
    ),
    variants=(
        WeightsSpec(variant="fsdd-mel", repo_id="genhub/wavenet-fsdd-mel", revision="v1",
                    sha256="667ee4fea861f5279037183f02ee3e54b8397473b989079cf97ca66cc638a227",
                    summary=RECIPES["fsdd-mel"].summary),
        WeightsSpec(variant="fsdd", repo_id="genhub/wavenet-fsdd", revision="v1",
                    sha256="8c05854877d3897a21194c140668a91d257b46157617f97fb808b94498f0c228",
                    summary=RECIPES["fsdd"].summary, in_tab=False),
    ),
    build_model=build_model,
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
    train_options=train_flags("epochs", "batch_size", "lr", "max_steps", "train_limit", "minutes"),
    tiny_config={
        "model": {"vocoder": {"levels": 256, "channels": 4, "skip_channels": 4, "dilations": [1, 2], "digits": 10,
                              "speakers": 6, "embed_dim": 2, "frame_samples": 0, "frames": 0, "mels": 40, "hop": 100,
                              "plan_channels": 4},
                  "planner": {"mels": 40, "frames": 80, "latent": 2, "channels": 8, "digits": 10, "speakers": 6,
                              "embed_dim": 2}},
        "data": {"sample_rate": 8000, "speakers": list(FSDD_SPEAKERS)},
    },
)
