"""Model cards: the README.md beside released weights, written with huggingface_hub's `ModelCard`.

Front matter (`ModelCardData`): license, library, tags, the dataset, and the headline metrics as
`EvalResult`s (the Hub's model-index, which it shows beside the model). Body, in this order: the
summary; data; the exact training command, hardware and time; the metrics table and the weights'
sha256; the plugin's own sections; samples and loss curve (when their PNGs are in the folder);
the full config.json.

What only a plugin knows (title, summary, readable metric names, how metrics were measured)
comes in a `CardText`; everything else is read from config.json, whose schema is
`genhub.training.release`'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLES_FILE = "samples.png"
LOSS_CURVE_FILE = "loss_curve.png"


@dataclass(frozen=True)
class CardText:
    """The words of one model card that only its plugin knows."""

    title: str
    """The card's heading, e.g. "genhub VAE — mnist-2d"."""
    summary: str
    """One paragraph: what the model is, and how to sample from it."""
    task: str
    """Hub task type of the eval results, e.g. ``"unconditional-image-generation"``."""
    metric_names: Mapping[str, str] = field(default_factory=dict)
    """config.json metric key -> readable name (with its unit); other keys are shown as they are."""
    headline: tuple[str, ...] = ()
    """Metric keys to put in the front matter's eval results; empty: every number in metrics."""
    sections: Mapping[str, str] = field(default_factory=dict)
    """Extra sections after the metrics, heading -> Markdown (e.g. how the metrics were measured)."""
    samples_caption: str = "Seed 0:"
    """Shown above ``samples.png`` when the folder has one."""
    license: str = "mit"


CardFn = Callable[[Mapping[str, Any]], CardText]
"""A plugin's card wording from its config.json (the release step and `record_metrics` call it)."""


def write_card(folder: Path, config: Mapping[str, Any], card: CardText, sha256: str) -> Path:
    """Write ``folder/README.md`` for the weights in ``folder``; ``sha256`` is their file's hash."""
    from huggingface_hub import ModelCard, ModelCardData

    folder = Path(folder)
    data, training = config["data"], config["training"]
    results = eval_results(config, card)
    front = ModelCardData(
        license=card.license, library_name="genhub", tags=["genhub", config["plugin"]],
        datasets=[data["dataset"]], model_name=f"{config['plugin']}-{config['variant']}" if results else None,
        eval_results=results or None)
    body = [
        f"# {card.title}", card.summary,
        "## Data", str(data["description"]),
        "## Training", f"```\n{training['command'] or '(not recorded)'}\n```", _hardware_and_time(training),
        "## Metrics", _metrics_table(config["metrics"], card), _weights_line(training, sha256),
        *[f"## {heading}\n\n{text}" for heading, text in card.sections.items()],
    ]
    if (folder / SAMPLES_FILE).is_file():
        body.append(f"## Samples\n\n{card.samples_caption}\n\n![samples]({SAMPLES_FILE})")
    if (folder / LOSS_CURVE_FILE).is_file():
        body.append(f"## Loss curve\n\n![loss curve]({LOSS_CURVE_FILE})")
    body += ["## Config", f"```json\n{json.dumps(config, indent=2, ensure_ascii=False)}\n```"]
    path = folder / "README.md"
    ModelCard(f"---\n{front.to_yaml()}\n---\n\n" + "\n\n".join(body) + "\n").save(path)
    return path


def _weights_line(training: Mapping[str, Any], sha256: str) -> str:
    line = f"Weights: `model.safetensors`, sha256 `{sha256}`."
    if "stored_as" in training:
        line += f" Stored as {training['stored_as']}: {training.get('stored_as_effect', 'effect not measured')}."
    return line


def eval_results(config: Mapping[str, Any], card: CardText) -> list[Any]:
    """The headline metrics as `huggingface_hub.EvalResult`s, measured on the dataset's test split."""
    from huggingface_hub import EvalResult

    metrics, dataset = config["metrics"], config["data"]["dataset"]
    keys = card.headline or [k for k, v in metrics.items() if _is_number(v)]
    return [EvalResult(task_type=card.task, dataset_type=dataset, dataset_name=dataset, dataset_split="test",
                       metric_type=key, metric_name=card.metric_names.get(key, key), metric_value=metrics[key])
            for key in keys if _is_number(metrics.get(key))]


def _hardware_and_time(training: Mapping[str, Any]) -> str:
    where = training.get("hardware") or training["device"]
    wall = f" ({training['wall_seconds']} s wall time with evaluation)" if "wall_seconds" in training else ""
    return (f"{training['steps']} optimizer steps in {training['seconds']} s{wall} on {where} "
            f"(`--device {training['device']}`).")


def _metrics_table(metrics: Mapping[str, Any], card: CardText) -> str:
    rows = [f"| {card.metric_names.get(k, k)} | {_fmt(v)} |" for k, v in metrics.items() if not isinstance(v, list)]
    if not rows:
        return "No metrics recorded."
    return "| metric | value |\n| --- | --- |\n" + "\n".join(rows)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
