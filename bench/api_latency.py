"""API latency of a served hub, one request at a time, by route: how long a caller waits from
sending a request to holding the result (the image's bytes), p50/p95 over ``--calls`` calls.

    python -m bench.api_latency              # writes bench/results/api_latency.json

Routes, for the VAE decode of a random map point (each variant) and a CGAN 10×10 grid:

- ``client``: ``gradio_client.Client.predict`` (joins the queue; downloads the file). gradio_client
  2.7 polls its message queue every 50 ms, a ~55 ms floor under any call.
- ``call``: Gradio's call API over plain HTTP, two steps (POST /gradio_api/call/<api_name>, GET its
  event stream), then GET the image URL; queued like the browser's calls.
- ``run``: the direct route, POST /gradio_api/run/<api_name>, then GET the image URL. It skips the
  queue, so also the hub's per-plugin concurrency groups (Gradio serves it for queued events too,
  as long as ``queue(api_open=True)``, its default).
- ``mcp``: the tool call over MCP (streamable HTTP, one session), with `genhub serve --mcp`; the
  image arrives inside the answer (base64). Gradio's MCP server runs a queued event through its own
  gradio_client, so the 50 ms polls are in here too.

One connection per route (httpx keeps it alive), so the numbers are the server's and the route's,
not TCP or TLS set-up. Goals (issue 16): the direct route p95 ≤ 30 ms for the VAE decode.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.hub_speed import ANCHORS, percentiles
from bench.report import print_table, write_results
from genhub.spawn import spawned_server

REPO = Path(__file__).resolve().parent.parent
WARMUP = 5
"""Calls before timing starts (models load on the first)."""


def requests(calls: int, seed: int = 0) -> list[tuple[str, str, list[Any]]]:
    """(label, api_name, inputs) per timed call and route: the same random points on every route."""
    rng = np.random.default_rng(seed)
    cases = []
    for variant in ("mnist-2d", "mnist-32d"):
        points = rng.uniform(-3, 3, size=(calls + WARMUP, 2))
        cases.append((f"vae/{variant} decode", "vae_decode",
                      [[variant, float(u), float(v), *ANCHORS] for u, v in points]))
    seeds = rng.integers(0, 2**31 - 1, size=calls + WARMUP)
    cases.append(("cgan/mnist 10×10 grid", "cgan_grid", [["mnist", "all", 100, int(s), False] for s in seeds]))
    return cases


def timed(call: Callable[[list[Any]], Any], inputs: list[list[Any]]) -> dict[str, float]:
    """Run ``call`` on every input; percentiles of all but the first `WARMUP`."""
    times = []
    for i, values in enumerate(inputs):
        started = time.perf_counter()
        call(values)
        if i >= WARMUP:
            times.append(time.perf_counter() - started)
    return percentiles(times)


def client_route(url: str, api_name: str) -> Callable[[list[Any]], Any]:
    from gradio_client import Client

    # ssl_verify=False: plain http on localhost; with it on, every call builds a TLS context (~90 ms here).
    client = Client(url, verbose=False, ssl_verify=False)
    return lambda values: client.predict(*values, api_name=f"/{api_name}")


def call_route(http: Any, api_name: str) -> Callable[[list[Any]], bytes]:
    def call(values: list[Any]) -> bytes:
        event = http.post(f"gradio_api/call/{api_name}", json={"data": values}).json()
        body = http.get(f"gradio_api/call/{api_name}/{event['event_id']}").text
        if "event: complete" not in body:
            raise RuntimeError(f"{api_name} failed: {body[:300]}")
        return http.get(json.loads(body.split("data: ", 1)[1].splitlines()[0])[0]["url"]).content
    return call


def run_route(http: Any, api_name: str) -> Callable[[list[Any]], bytes]:
    def call(values: list[Any]) -> bytes:
        answer = http.post(f"gradio_api/run/{api_name}", json={"data": values})
        answer.raise_for_status()
        return http.get(answer.json()["data"][0]["url"]).content
    return call


def mcp_route(url: str, api_name: str, inputs: list[list[Any]], names: list[str]) -> dict[str, float]:
    """`timed` over MCP: one session, one tool call per input (arguments by name)."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> dict[str, float]:
        async with streamable_http_client(f"{url}gradio_api/mcp/") as (read, write, _), \
                ClientSession(read, write) as session:
            await session.initialize()
            times = []
            for i, values in enumerate(inputs):
                started = time.perf_counter()
                result = await session.call_tool(api_name, dict(zip(names, values)))
                if result.isError:
                    raise RuntimeError(f"{api_name} failed: {result.content}")
                if i >= WARMUP:
                    times.append(time.perf_counter() - started)
            return percentiles(times)
    return asyncio.run(run())


PARAMETERS = {"vae_decode": ["variant", "u", "v", "a", "b", "c"],
              "cgan_grid": ["variant", "label", "count", "seed", "show_reading"]}


def main(argv: list[str] | None = None) -> None:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls per route and case")
    parser.add_argument("--port", type=int, default=7932)
    parser.add_argument("--routes", default="client,call,run,mcp")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    routes = args.routes.split(",")
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    url = f"http://127.0.0.1:{args.port}/"
    command = [sys.executable, "-m", "genhub.cli", "serve", "--port", str(args.port), "--plugins", "vae,cgan",
               "--mcp"]
    rows = []
    load_before = os.getloadavg()
    with spawned_server(command, url, cwd=REPO, env=env), \
            httpx.Client(base_url=url, timeout=60, trust_env=False) as http:
        for label, api_name, inputs in requests(args.calls):
            for route in routes:
                if route == "mcp":
                    stats = mcp_route(url, api_name, inputs, PARAMETERS[api_name])
                elif route == "client":
                    stats = timed(client_route(url, api_name), inputs)
                else:
                    stats = timed((call_route if route == "call" else run_route)(http, api_name), inputs)
                goal = 30 if route == "run" and api_name == "vae_decode" else ""
                rows.append({"what": label, "route": route, **stats, "goal_p95_ms": goal})
    path = write_results("api_latency", rows, {"calls": args.calls, "routes": routes,
                                                "load_average_before_after": [load_before, os.getloadavg()]},
                         args.out)
    print_table([{k: r[k] for k in ("what", "route", "p50_ms", "p95_ms", "mean_ms", "calls", "goal_p95_ms")}
                 for r in rows])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
