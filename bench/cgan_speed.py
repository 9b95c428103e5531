"""CGAN tab speed through gradio_client against a running hub (CPU): a 10×10 grid and
"best of 64", plus the same work in process (generation + PNG) for reference.

    python -m bench.cgan_speed [--calls 100]

Goals: grid p95 ≤ 50 ms, best of 64 ≤ 200 ms. gradio_client 2.7 polls every 50 ms, so a
call through it costs at least ~55 ms (see bench/hub_speed.py). Writes bench/results/cgan_speed.json.
"""

from __future__ import annotations

import argparse
import io
import time

import torch

from bench.hub_speed import percentiles, running_hub
from bench.report import print_table, write_results

CALLS = {
    "10x10 grid": ("/cgan_grid", lambda seed: ["mnist", "all", 100, seed, False], 50),
    "best of 64 (keep 10)": ("/cgan_best_of", lambda seed: ["mnist", "7", 64, 10, seed, False], 200),
}


def client_latency(url: str, api: str, args, calls: int) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False, ssl_verify=False)
    for seed in range(5):
        client.predict(*args(seed), api_name=api)
    times = []
    for seed in range(calls):
        started = time.perf_counter()
        client.predict(*args(1000 + seed), api_name=api)
        times.append(time.perf_counter() - started)
    return percentiles(times)


def compute_latency(what: str, calls: int) -> dict:
    from genhub.imaging.grid import grid_image
    from genhub.plugins.cgan import PLUGIN
    from genhub.plugins.cgan.sample import best_of, generate, noise_block
    from genhub.weights import from_pretrained

    model = from_pretrained(PLUGIN, "mnist").model
    times = []
    for seed in range(calls + 5):
        started = time.perf_counter()
        if what.startswith("10x10"):
            images = generate(model, noise_block(seed, 100, model.z_dim), torch.arange(100) % 10)
        else:
            images = best_of(model, torch.tensor([7]), 64, 10, seed)[0]
        grid_image(images, nrow=10, scale=3).save(io.BytesIO(), "PNG")
        if seed >= 5:
            times.append(time.perf_counter() - started)
    return percentiles(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=100)
    p.add_argument("--port", type=int, default=7932)
    args = p.parse_args(argv)
    rows = []
    with running_hub(args.port) as (_, url):
        for what, (api, make_args, goal) in CALLS.items():
            rows.append({"measure": f"{what} (client)", **client_latency(url, api, make_args, args.calls),
                         "goal_p95_ms": goal})
    for what in CALLS:
        rows.append({"measure": f"{what} (compute + PNG)", **compute_latency(what, args.calls)})
    print_table([{k: r.get(k, "") for k in ("measure", "p50_ms", "p95_ms", "mean_ms", "goal_p95_ms")} for r in rows])
    print(f"wrote {write_results('cgan_speed', rows, {'calls': args.calls})}")


if __name__ == "__main__":
    main()
