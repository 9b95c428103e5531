"""Hub speed on this machine: cold start, latent point -> decoded image latency through
``gradio_client`` against a running hub, and weights load time per plugin variant.

    python -m bench.hub_speed                 # writes bench/results/hub_speed.json

Latency is measured three ways so the numbers can be read: ``client`` is what a
gradio_client user sees (``Client.predict``); ``http`` is the same request over Gradio's
plain REST route (POST /gradio_api/call/<name>, read its event stream, fetch the image),
where every call opens a new Gradio session; ``compute`` is decoding plus PNG encoding
alone, in process. The goals are cold start ≤ 10 s and client p95 ≤ 50 ms. gradio_client
2.7 polls its message queue every 50 ms (``stream_sse_v1plus``), so one call through it
costs at least ~55 ms however fast the server answers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from bench.report import print_table, write_results
from genhub.registry import discover
from genhub.spawn import spawned_server
from genhub.weights import from_pretrained

REPO = Path(__file__).resolve().parent.parent
ANCHORS = (3, 2, 0)


@contextmanager
def running_hub(port: int):
    """Start ``genhub serve`` and yield (seconds until the page answered HTTP 200, url)."""
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "genhub.cli", "serve", "--port", str(port)]
    with spawned_server(command, url, cwd=REPO, env=env, poll=0.02) as (_, took):
        yield took, url


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1e3
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
            "mean_ms": float(ms.mean()), "calls": len(ms)}


def client_latency(url: str, variant: str, calls: int, rng: np.random.Generator) -> dict:
    from gradio_client import Client

    # ssl_verify=False: plain http on localhost; with it on, every call builds a TLS context (~90 ms here).
    client = Client(url, verbose=False, ssl_verify=False)
    for _ in range(5):
        client.predict(variant, 0.0, 0.0, *ANCHORS, api_name="/vae_decode")
    times = []
    for u, v in rng.uniform(-3, 3, size=(calls, 2)):
        started = time.perf_counter()
        client.predict(variant, float(u), float(v), *ANCHORS, api_name="/vae_decode")
        times.append(time.perf_counter() - started)
    return percentiles(times)


def http_latency(url: str, variant: str, calls: int, rng: np.random.Generator) -> dict:
    import httpx

    times = []
    with httpx.Client(base_url=url + "gradio_api/", timeout=30) as http:
        for i, (u, v) in enumerate(rng.uniform(-3, 3, size=(calls + 5, 2))):
            started = time.perf_counter()
            event = http.post("call/vae_decode", json={"data": [variant, float(u), float(v), *ANCHORS]}).json()
            body = http.get(f"call/vae_decode/{event['event_id']}").text
            image_url = json.loads(body.split("data: ", 1)[1].splitlines()[0])[0]["url"]
            http.get(image_url)
            if i >= 5:
                times.append(time.perf_counter() - started)
    return percentiles(times)


def compute_latency(variant: str, calls: int, rng: np.random.Generator) -> dict:
    """decode + PNG encoding, as the handler does it, without any server."""
    import io

    from genhub.imaging.grid import to_pil
    from genhub.plugins.vae import PLUGIN
    from genhub.plugins.vae.sample import decode

    loaded = from_pretrained(PLUGIN, variant)
    dim = loaded.config["model"]["latent_dim"]
    times = []
    for z in torch.from_numpy(rng.uniform(-3, 3, size=(calls, dim)).astype(np.float32)):
        started = time.perf_counter()
        to_pil(decode(loaded.model, z[None])[0], 8).save(io.BytesIO(), "PNG")
        times.append(time.perf_counter() - started)
    return percentiles(times)


def load_times(repeats: int = 5) -> list[dict]:
    rows = []
    for record in discover(autoload=False):
        if record.plugin is None:
            continue
        for spec in record.plugin.variants:
            loads = [from_pretrained(record.plugin, spec.variant) for _ in range(repeats)]
            seconds = [loaded.load_seconds for loaded in loads]
            size_mb = loads[0].weights_file.stat().st_size / 2**20
            rows.append({"measure": "weights load (sha256 + safetensors + build)",
                         "what": f"{record.name}/{spec.variant}", "median_ms": statistics.median(seconds) * 1e3,
                         "size_mb": round(size_mb, 1)})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--starts", type=int, default=3, help="cold starts to time")
    parser.add_argument("--port", type=int, default=7931)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    rows: list[dict] = []
    starts = []
    for _ in range(args.starts):
        with running_hub(args.port) as (seconds, _):
            starts.append(seconds)
    rows.append({"measure": "cold start (process start -> HTTP 200)", "what": "genhub serve",
                 "median_ms": statistics.median(starts) * 1e3, "max_ms": max(starts) * 1e3, "goal_ms": 10_000})
    with running_hub(args.port) as (_, url):
        for variant in ("mnist-2d", "mnist-32d"):
            for how, measure in (("client", client_latency), ("http", http_latency)):
                stats = measure(url, variant, args.calls, rng)
                rows.append({"measure": f"latent point -> image ({how})", "what": f"vae/{variant}", **stats,
                             **({"goal_p95_ms": 50} if how == "client" else {})})
    for variant in ("mnist-2d", "mnist-32d"):
        rows.append({"measure": "latent point -> image (compute)", "what": f"vae/{variant}",
                     **compute_latency(variant, args.calls, rng)})
    rows += load_times()
    path = write_results("hub_speed", rows, {"calls": args.calls, "cold_starts": [round(s, 2) for s in starts]},
                         args.out)
    print_table([{k: r.get(k, "") for k in ("measure", "what", "median_ms", "p50_ms", "p95_ms", "max_ms",
                                            "goal_ms", "goal_p95_ms", "size_mb")} for r in rows])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
