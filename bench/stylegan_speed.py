"""StyleGAN speed on CPU (model time, the released generator): one 64×64 face, a 4×4 style-mixing
grid (16 mixed faces plus the 8 row and column faces) and a 60-frame interpolation, and the
Generate endpoint end to end through a served hub with gradio_client.

    python -m bench.stylegan_speed [--calls 30] [--threads 2]

Goals (issue 14), p95: one face ≤ 50 ms; the grid ≤ 500 ms; the interpolation ≤ 3 s. Random
noise, ψ = 0.7, a new seed each call. Writes bench/results/stylegan_speed.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch

from bench.hub_speed import percentiles, running_hub
from bench.report import print_table, write_results


def timed(fn: Callable[[int], object], calls: int, warmup: int = 3) -> dict:
    times = []
    for i in range(calls + warmup):
        started = time.perf_counter()
        fn(i)
        if i >= warmup:
            times.append(time.perf_counter() - started)
    return percentiles(times)


def main(argv: list[str] | None = None) -> None:
    from genhub.plugins.stylegan import PLUGIN
    from genhub.plugins.stylegan.sample import faces, interpolation, mixing_grid
    from genhub.weights import from_pretrained

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=30)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--port", type=int, default=7934)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    g = from_pretrained(PLUGIN, "anime-64").model

    def grid(i: int) -> None:
        mixing_grid(g, [4 * i + k for k in range(4)], [1000 + 4 * i + k for k in range(4)], (0, 4), 0.7, "random")

    rows = [
        {"measure": "one 64×64 face", **timed(lambda i: faces(g, [i], 0.7, None, "random"), args.calls),
         "goal_p95_ms": 50},
        {"measure": "4×4 mixing grid (24 faces)", **timed(grid, max(5, args.calls // 3)), "goal_p95_ms": 500},
        {"measure": "60-frame interpolation", **timed(lambda i: interpolation(g, i, i + 1, 60, "w", 0.7, "random"),
                                                      max(5, args.calls // 6)), "goal_p95_ms": 3000},
    ]
    from gradio_client import Client

    with running_hub(args.port) as (_, url):
        client = Client(url, verbose=False, ssl_verify=False)
        rows.append({"measure": "Generate end to end (client)",
                     **timed(lambda i: client.predict("anime-64", i, 0.7, 10, "random",
                                                      api_name="/stylegan_generate"), args.calls), "goal_p95_ms": ""})
    print_table([{k: r.get(k, "") for k in ("measure", "p50_ms", "p95_ms", "mean_ms", "goal_p95_ms")} for r in rows])
    print(f"wrote {write_results('stylegan_speed', rows, {'calls': args.calls, 'threads': args.threads})}")


if __name__ == "__main__":
    main()
