"""The WaveNet's model-card wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText


def position_note(model: Mapping[str, Any], sample_rate: int) -> str:
    """The position condition in words, or "" for a model without one."""
    if not model.get("frames"):
        return ""
    ms = model["frame_samples"] / sample_rate * 1000
    return (f", and locally on the position in the clip ({model['frames']} frames of {ms:.0f} ms, the last one "
            "open-ended), so that it knows which part of the word comes next")


def planned_card_text(config: Mapping[str, Any]) -> CardText:
    """The card of a planned variant: a planner (conditional VAE over log-mel plans) and a vocoder WaveNet."""
    v, p, d = config["model"]["vocoder"], config["model"]["planner"], config["data"]
    receptive_ms = d["receptive_field_samples"] / d["sample_rate"] * 1000
    return CardText(
        title=f"genhub WaveNet — {config['variant']}",
        summary=(f"Two models in one file. The **planner**, a conditional VAE (latent {p['latent']}), draws a word's "
                 f"plan: {p['frames']} log-mel frames of {p['mels']} bins, one every {v['hop']} samples "
                 f"({v['hop'] / d['sample_rate'] * 1000:.1f} ms), given the digit and the speaker. The **vocoder**, a "
                 f"WaveNet over 8 kHz μ-law audio (256 levels; {len(v['dilations'])} residual blocks with dilations "
                 f"{v['dilations']}, {v['channels']} residual / {v['skip_channels']} skip channels, receptive field "
                 f"{d['receptive_field_samples']} samples, {receptive_ms:.0f} ms), says the plan one sample at a time: "
                 "the paper's local conditioning. Given any recording's plan it resynthesizes it (vocoder mode). "
                 "`genhub sample wavenet --label 3 --speaker theo --seed 0 --out three.wav`."),
        task="text-to-audio", metric_names={k: k.replace("_", " ") for k in config["metrics"]},
        sections={"Evaluation": "Test NLL of the vocoder over the real samples of the 300 test clips (takes 0-4) "
                                "given each clip's own plan, digit and speaker, in bits per sample (a uniform guess "
                                "is 8); the planner's reconstruction error of the test plans (mean squared error in "
                                "plan units) and its KL per plan. `python -m bench.wavenet_quality` scores generated "
                                "and resynthesized clips with the project's spoken-digit judge, beside real clips "
                                "and the judge's reading of silence, noise and babble.",
                  **({"How it was trained": config["training"]["how"]} if "how" in config["training"] else {})})


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and evaluation notes of a WaveNet weights folder, from its config.json."""
    if "vocoder" in config["model"]:
        return planned_card_text(config)
    m, d = config["model"], config["data"]
    receptive_ms = d["receptive_field_samples"] / d["sample_rate"] * 1000
    return CardText(
        title=f"genhub WaveNet — {config['variant']}",
        summary=(f"A WaveNet over 8 kHz μ-law audio (256 levels): {len(m['dilations'])} residual blocks with "
                 f"dilations {m['dilations']}, {m['channels']} residual / {m['skip_channels']} skip channels, "
                 f"receptive field {d['receptive_field_samples']} samples ({receptive_ms:.0f} ms), globally "
                 f"conditioned on the spoken digit and the speaker{position_note(m, d['sample_rate'])}. "
                 "`genhub sample wavenet --label 3 --speaker theo --seed 0 --out three.wav`."),
        task="text-to-audio", metric_names={k: k.replace("_", " ") for k in config["metrics"]},
        sections={"Evaluation": "Test NLL over the real samples of the 300 test clips (takes 0-4), in bits per "
                                "sample (a uniform guess is 8). `python -m bench.wavenet_quality` also scores "
                                "generated clips with the project's spoken-digit classifier."})
