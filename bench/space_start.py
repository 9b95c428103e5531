"""Cold start of a built Space: how big the folder `genhub spaces build` writes is, and how long
``python app.py`` in it takes from process start to the first HTTP 200 of the page.

    python -m bench.space_start [--runs 5] [--note "idle machine"]   # writes bench/results/space_start.json

Each Space (the whole hub, and the VAE alone; weights shipped) is built into a temporary folder
and started the way Spaces starts it: ``python app.py`` in the folder with only the folder on
PYTHONPATH, ``GRADIO_SERVER_NAME=0.0.0.0``, ``HF_HUB_OFFLINE=1``, no ``GENHUB_DATA`` and an empty
home (no torchvision or Hub cache). The first start of each Space is a warm-up (Python writes
its bytecode caches then, as a Space's first boot does) and is reported apart from the timed
runs. Goal (issue 16): ≤ 10 s on 2 CPU cores. The numbers are the machine's: run it idle.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.report import print_table, write_results
from genhub.spawn import spawned_server

REPO = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 10.0
SPACES = {"whole hub": None, "vae only": "vae"}
"""Label -> the ``--plugins`` selection."""


def folder_size(folder: Path) -> tuple[float, int, float]:
    """(MB, files, MB of weights/) of ``folder``, bytecode caches left out."""
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    weights = sum(p.stat().st_size for p in files if p.relative_to(folder).parts[0] == "weights")
    return sum(p.stat().st_size for p in files) / 2**20, len(files), weights / 2**20


def start_seconds(space: Path, port: int) -> float:
    """Seconds from ``python app.py`` to the page's first HTTP 200."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENHUB_", "PYTHONPATH", "HF_"))}
    env.update({"PYTHONPATH": str(space), "GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": str(port),
                "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HOME": str(space.parent / "home"),
                "HF_HOME": str(space.parent / "hf-home")})
    url = f"http://127.0.0.1:{port}/"
    with spawned_server([sys.executable, "app.py"], url, cwd=space, env=env, log=space.parent / "app.log",
                        timeout=120) as (_, seconds):
        return seconds


def measure(label: str, plugins: str | None, runs: int, port: int, root: Path) -> dict[str, Any]:
    from genhub.cli import main as genhub

    space = root / label.replace(" ", "-") / "space"
    if genhub(["spaces", "build", str(space), *(["--plugins", plugins] if plugins else [])]) != 0:
        raise RuntimeError(f"building the {label} Space failed")
    size, files, weights = folder_size(space)
    first = start_seconds(space, port)
    times = [start_seconds(space, port) for _ in range(runs)]
    return {"space": label, "size MB": round(size, 1), "files": files, "weights MB": round(weights, 1),
            "first start s": round(first, 2), "start p50 s": round(statistics.median(times), 2),
            "start max s": round(max(times), 2), "runs": runs, "goal met": max(times) <= GOAL_SECONDS}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed starts per Space, after one warm-up start")
    parser.add_argument("--port", type=int, default=7941)
    parser.add_argument("--note", default="", help="the machine's state, e.g. 'idle'")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="genhub-space-start-") as root:
        rows = [measure(label, plugins, args.runs, args.port, Path(root)) for label, plugins in SPACES.items()]
    meta = {"runs": args.runs, "goal": f"start to HTTP 200 <= {GOAL_SECONDS:g} s on 2 CPU cores",
            "started_as": "python app.py, GRADIO_SERVER_NAME=0.0.0.0, HF_HUB_OFFLINE=1, no GENHUB_DATA, empty HOME",
            "cpus": os.cpu_count(), "load_before": [round(x, 2) for x in load_before], "note": args.note}
    print_table(rows)
    print(f"wrote {write_results('space_start', rows, meta, args.out)}")


if __name__ == "__main__":
    main()
