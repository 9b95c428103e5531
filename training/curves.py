"""The training log (JSON lines) and its loss-curve picture."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def append_log(path: Path, record: dict[str, Any]) -> None:
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


def truncate_log(path: Path, step: int) -> None:
    """Drop the records after ``step``: a run resumed from a checkpoint at ``step`` writes them again."""
    kept = [r for r in read_log(path) if r.get("step", 0) <= step]
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in kept))


def read_log(path: Path) -> list[dict[str, Any]]:
    if not Path(path).is_file():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def plot_loss_curve(log: list[dict[str, Any]], out: Path, title: str) -> None:
    """Plot every numeric metric of the log against the optimizer step into ``out`` (PNG).

    Records with ``"split": "train"`` are drawn as lines, ``"validation"`` and ``"test"`` as markers.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted({k for r in log for k, v in r.items()
                   if isinstance(v, (int, float)) and k not in {"step", "epoch", "seconds"}})
    fig, axes = plt.subplots(1, max(1, len(keys)), figsize=(4 * max(1, len(keys)), 3.2), squeeze=False)
    for ax, key in zip(axes[0], keys):
        for split, style in (("train", "-"), ("validation", "s-"), ("test", "o-")):
            points = [(r["step"], r[key]) for r in log if r.get("split") == split and key in r]
            if points:
                xs, ys = zip(*points)
                ax.plot(xs, ys, style, label=split, markersize=3)
        ax.set_title(key)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
