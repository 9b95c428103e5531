"""Model cards: the README.md beside released weights (Hugging Face front matter + facts)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def write_model_card(folder: Path, *, title: str, summary: str, config: Mapping[str, Any],
                     metrics: Mapping[str, Any], datasets: list[str], sections: Mapping[str, str] = {},
                     license: str = "mit", sha256: str | None = None) -> Path:
    """Write ``folder/README.md``: what the model is, its data, the exact training command,
    the measured metrics (a table, ending with the weights file's ``sha256`` when given), any
    extra ``sections`` and the full config."""
    if sha256:
        metrics = {**metrics, "sha256 of model.safetensors": sha256}
    front = "\n".join(["---", f"license: {license}", "library_name: genhub", "tags:", "- genhub",
                       f"- {config.get('plugin', 'model')}", "datasets:", *[f"- {d}" for d in datasets], "---"])
    rows = "\n".join(f"| {k} | {_fmt(v)} |" for k, v in metrics.items())
    training = config.get("training", {})
    body = [
        front, f"# {title}", summary,
        "## Data", str(config.get("data", {}).get("description", "")),
        "## Training", f"```\n{training.get('command', '(not recorded)')}\n```",
        f"{training.get('steps', '?')} optimizer steps in {training.get('seconds', '?')} s on "
        f"{training.get('device', '?')}; loss curve: `loss_curve.png`.",
        "## Metrics", "| metric | value |\n| --- | --- |\n" + rows,
        *[f"## {name}\n{text}" for name, text in sections.items()],
        "## Config", f"```json\n{json.dumps(config, indent=2)}\n```",
    ]
    path = Path(folder) / "README.md"
    path.write_text("\n\n".join(body) + "\n")
    return path


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
