"""The model card (README.md) of a WaveNet weights folder, from its config.json."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genhub.training.model_card import write_model_card


def position_note(model: Mapping[str, Any], sample_rate: int) -> str:
    """The position condition in words, or "" for a model without one."""
    if not model.get("frames"):
        return ""
    ms = model["frame_samples"] / sample_rate * 1000
    return (f", and locally on the position in the clip ({model['frames']} frames of {ms:.0f} ms, the last one "
            "open-ended), so that it knows which part of the word comes next")


def write_card(folder: Path, config: Mapping[str, Any], sha256: str) -> Path:
    metrics = {k.replace("_", " "): v for k, v in config.get("metrics", {}).items()}
    m, d = config["model"], config["data"]
    return write_model_card(
        folder, title=f"genhub WaveNet — {config['variant']}",
        summary=(f"A WaveNet over 8 kHz μ-law audio (256 levels): {len(m['dilations'])} residual blocks with "
                 f"dilations {m['dilations']}, {m['channels']} residual / {m['skip_channels']} skip channels, "
                 f"receptive field {d['receptive_field_samples']} samples "
                 f"({d['receptive_field_samples'] / d['sample_rate'] * 1000:.0f} ms), globally conditioned on the "
                 f"spoken digit and the speaker{position_note(m, d['sample_rate'])}. "
                 "`genhub sample wavenet --label 3 --speaker theo --seed 0 --out three.wav`."),
        config=config, metrics=metrics, sha256=sha256, datasets=["fsdd"],
        sections={
            "Evaluation": "Test NLL over the real samples of the 300 test clips (takes 0-4), in bits per sample "
                          "(a uniform guess is 8). `python -m bench.wavenet_quality` also scores generated clips "
                          "with the project's spoken-digit classifier.",
            "Loss curve": "![loss curve](loss_curve.png)",
        })
