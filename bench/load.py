"""Load on a running hub: many simulated people using every tab at once, on loopback only.

What it measures, per run and per endpoint: calls, errors (an ``error`` event, an HTTP
failure, a broken stream or an output file that cannot be fetched; the first few messages
are kept), unanswered calls (no answer by the end of the run plus a grace period) and the
latency p50/p95/max from the POST of the call to its ``complete`` event. Uploads are their
own rows (``upload:digit``, ``upload:noise``: POST /gradio_api/upload to its answer), and
encoding the large noise upload is ``vae_encode_upload:noise``. A run's ``(all)`` row counts
the actions (not the uploads before them) and every error and unanswered call, and the
actions per second over the run's wall time (its seconds plus the tail of the last calls)
and, of the hub process: RSS at the end of the run (after the last call was answered or
given up) and its peak (VmHWM), its thread count, the CPU seconds it used during the run,
and the size and file count of its GRADIO_TEMP_DIR (uploads and cached outputs); beside it
the CPU seconds of this load generator, which shares the machine. Summary: RSS growth from
the end of run 1 to the end of the last run.

The client model: ``--clients`` asyncio tasks, each a person with its own httpx connection
pool, starting at a random offset within ``--start-spread`` seconds. A person keeps one Gradio
session (as a browser tab does) and its connections, calls one action, waits for its answer
(and fetches the output files, as a browser would), thinks for a uniform ``--think LO HI``
seconds, and picks the next action at random by weight
until the run's ``--seconds`` are over; calls still open then get ``--grace`` seconds.
The defaults (think 1-3 s, arrivals spread over 10 s) are people looking at each result
before the next click; ``--think 0.5 1.5 --start-spread 3`` is a harsher crowd.
A ``--slow-share`` of the people are "slow-tab users" who only run PixelCNN completions and
WaveNet clips (``--slow-mix``), so those long jobs are running most of the time; the rest
use ``--mix``, dominated by the interactive calls (VAE decode, CGAN 10×10 grid). Actions,
over Gradio's REST route (POST /gradio_api/call/<api> then GET its server-sent events):

    vae_decode          ["mnist-2d" | "mnist-32d" (1 in 4), u, v ~ U[-3, 3], 3, 2, 0]
    vae_encode_upload   a drawn-digit PNG (~3 KB) or, with --large-upload-share, a ~3 MB
                        noise PNG, uploaded through POST /gradio_api/upload; every upload
                        is a distinct file (the upload folder dedups by content)
    cgan_grid           ["mnist" | "fashion-mnist" (1 in 5), a class name | "all", 100, seed, False]
    pixelcnn_complete   ["binarized" (the tab's only variant since issue 13; the recorded results
                        sent "grayscale" 1 in 5), test digit #0-999, bottom or right half hidden,
                        8 completions, T = 1, no class, seed]
    wavenet_generate    [digit 0-9, any speaker, 0.6 s, T = 1, seed]

Every payload is checked once against the hub before the runs (this also loads every model,
so the runs measure a warm hub). Then ``--runs`` runs with ``--clients`` people against the
same hub process, then one run with ``--compare-clients`` people (0: none) for comparison.

    python -m bench.load                                    # starts a hub; bench/results/load.json
    python -m bench.load --clients 5 --seconds 10 --runs 1 --compare-clients 0   # a short trial
    python -m bench.load --url http://127.0.0.1:7860/ --pid 1234 --temp-dir /tmp/gradio

Without ``--url`` it starts ``python -m genhub.cli serve --host 127.0.0.1 --port P
--no-plugin-autoload`` with GRADIO_ANALYTICS_ENABLED=False, HF_HUB_OFFLINE=1, GENHUB_DATA
inherited (else ../shared/datasets, as the Makefile does) and GRADIO_TEMP_DIR a fresh
temporary folder, removed at the end (``--keep-temp`` keeps it and the hub's log). Only
127.0.0.1 is ever contacted.

Goals, printed as pass/fail under the table: no errors and no unanswered calls in any run;
for the ``--clients`` runs VAE decode p95 ≤ 250 ms and CGAN 10×10 grid p95 ≤ 500 ms (the
worst run counts); RSS growth from the end of run 1 to the end of the last run ≤ 10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import shutil
import socket
import struct
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import print_table, write_results
from genhub.spawn import log_tail, spawned_server

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
KEEP_MESSAGES = 5
VERIFY_S = 180.0
"""The most a payload check may take (its first call loads a model)."""

DEFAULT_MIX = "vae_decode=50,cgan_grid=30,vae_encode_upload=12,pixelcnn_complete=4,wavenet_generate=4"
DEFAULT_SLOW_MIX = "pixelcnn_complete=1,wavenet_generate=1"
VAE_32D_SHARE = 0.25
CGAN_FASHION_SHARE = 0.2
PIXELCNN_GRAYSCALE_SHARE = 0.0
"""Was 0.2 (bench/results/load.json was measured so); the grayscale variant left the tab (issue 13)."""
NOISE_SIDE = 1000
"""The large upload: NOISE_SIDE² RGB noise, ~3 MB as PNG (noise does not compress)."""

GOAL_P95_MS = {"vae_decode": 250.0, "cgan_grid": 500.0}
GOAL_GROWTH_PCT = 10.0


# ---------------------------------------------------------------- payloads


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def with_nonce(png: bytes, rng: random.Random) -> bytes:
    """The same picture as a distinct file: a tEXt chunk with a random nonce before IEND."""
    nonce = _png_chunk(b"tEXt", b"nonce\0" + f"{rng.getrandbits(64):016x}".encode())
    return png[:-12] + nonce + png[-12:]


def drawn_digit_png(rng: random.Random) -> bytes:
    """A 280×280 sketch of a digit (black strokes on white, jittered): a few KB."""
    from PIL import Image, ImageDraw

    strokes = {
        "1": [[(140, 40), (140, 240)]],
        "7": [[(70, 50), (210, 50), (120, 240)]],
        "4": [[(170, 240), (170, 40), (60, 170), (220, 170)]],
        "2": [[(70, 80), (110, 45), (180, 50), (200, 100), (70, 235), (215, 235)]],
        "0": [[(140, 40), (200, 80), (210, 160), (170, 235), (110, 235), (70, 160), (80, 80), (140, 40)]],
    }
    image = Image.new("L", (280, 280), 255)
    draw = ImageDraw.Draw(image)
    for line in strokes[rng.choice(sorted(strokes))]:
        points = [(x + rng.uniform(-12, 12), y + rng.uniform(-12, 12)) for x, y in line]
        draw.line(points, fill=0, width=rng.randint(16, 26), joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def noise_png(seed: int = 0) -> bytes:
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (NOISE_SIDE, NOISE_SIDE, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG", compress_level=1)
    return out.getvalue()


@dataclass
class Payload:
    api: str
    data: list
    upload: tuple[str, str, bytes] | None = None
    """(stats row, file name, bytes) to upload first; its server path goes where data holds UPLOAD."""
    row: str = ""
    """The stats row of the call (default: the api name)."""

    def __post_init__(self) -> None:
        self.row = self.row or self.api


UPLOAD = object()


def vae_decode(rng: random.Random, variant: str | None = None) -> Payload:
    variant = variant or ("mnist-32d" if rng.random() < VAE_32D_SHARE else "mnist-2d")
    return Payload("vae_decode", [variant, round(rng.uniform(-3, 3), 3), round(rng.uniform(-3, 3), 3), 3, 2, 0])


def vae_encode_upload(rng: random.Random, large: bool | None = None, variant: str | None = None,
                      *, large_share: float, noise: bytes) -> Payload:
    variant = variant or ("mnist-32d" if rng.random() < VAE_32D_SHARE else "mnist-2d")
    large = rng.random() < large_share if large is None else large
    upload = (("upload:noise", "noise.png", with_nonce(noise, rng)) if large
              else ("upload:digit", "digit.png", drawn_digit_png(rng)))
    return Payload("vae_encode_upload", [variant, UPLOAD, 3, 2, 0], upload,
                   "vae_encode_upload:noise" if large else "vae_encode_upload")


def cgan_grid(rng: random.Random, variant: str | None = None) -> Payload:
    from genhub.training.data import IDX_DATASETS

    variant = variant or ("fashion-mnist" if rng.random() < CGAN_FASHION_SHARE else "mnist")
    label = rng.choice(["all", *IDX_DATASETS[variant].classes])   # the class names the tab offers
    return Payload("cgan_grid", [variant, label, 100, rng.randrange(100_000), False])


def pixelcnn_complete(rng: random.Random, variant: str | None = None) -> Payload:
    variant = variant or ("grayscale" if rng.random() < PIXELCNN_GRAYSCALE_SHARE else "binarized")
    region = rng.choice(["bottom half", "right half"])
    # variant, source, test digit #, drawing, upload, region, painted mask, completions, T, class, seed
    return Payload("pixelcnn_complete", [variant, "test digit", rng.randrange(1000), None, None, region, None,
                                         8, 1.0, "none", rng.randrange(100_000)])


def wavenet_generate(rng: random.Random) -> Payload:
    # digit, speaker, seconds, temperature, seed
    return Payload("wavenet_generate", [str(rng.randrange(10)), "any", 0.6, 1.0, rng.randrange(100_000)])


def builders(args: argparse.Namespace, noise: bytes) -> dict[str, Callable[..., Payload]]:
    def encode(rng: random.Random, **kw: Any) -> Payload:
        return vae_encode_upload(rng, large_share=args.large_upload_share, noise=noise, **kw)

    return {"vae_decode": vae_decode, "vae_encode_upload": encode, "cgan_grid": cgan_grid,
            "pixelcnn_complete": pixelcnn_complete, "wavenet_generate": wavenet_generate}


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        mix[name.strip()] = float(weight or 1)
    if not mix or any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
        raise argparse.ArgumentTypeError(f"a mix is name=weight,...; got {text!r}")
    return mix


# ---------------------------------------------------------------- one call over the REST route


class CallError(Exception):
    """The hub answered, but not with a result (error event, HTTP status, broken stream)."""


@dataclass
class Stats:
    calls: int = 0
    errors: int = 0
    unanswered: int = 0
    latencies: list[float] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.messages) < KEEP_MESSAGES:
            self.messages.append(message[:300])


async def upload_file(http, name: str, content: bytes) -> str:
    response = await http.post("/gradio_api/upload", files={"files": (name, content, "image/png")})
    if response.status_code != 200:
        raise CallError(f"upload: HTTP {response.status_code}: {response.text[:200]}")
    return response.json()[0]


async def call(http, api: str, data: list, session: str) -> list:
    """POST /gradio_api/call/<api>, then read GET .../<event_id> until ``complete`` (its data) or ``error``.

    ``session`` is the caller's Gradio session hash: a browser tab (and gradio_client) keeps one
    for all its calls; a call without one makes the server build a new session's state."""
    response = await http.post(f"/gradio_api/call/{api}", json={"data": data, "session_hash": session})
    if response.status_code != 200:
        raise CallError(f"POST: HTTP {response.status_code}: {response.text[:200]}")
    event_id = response.json()["event_id"]
    async with http.stream("GET", f"/gradio_api/call/{api}/{event_id}") as stream:
        if stream.status_code != 200:
            raise CallError(f"GET: HTTP {stream.status_code}: {(await stream.aread())[:200]!r}")
        event = None
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                value = json.loads(line[5:].strip() or "null")
                if event == "complete":
                    return value
                message = value.get("error") if isinstance(value, dict) else value
                raise CallError(f"error event: {message}")
    raise CallError("the event stream ended without complete or error")


def output_urls(value: Any) -> list[str]:
    """The file URLs in a call's output (images, audio), which a browser would fetch."""
    if isinstance(value, dict):
        return ([value["url"]] if isinstance(value.get("url"), str) else []) + [
            u for v in value.values() if isinstance(v, (dict, list)) for u in output_urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in output_urls(v)]
    return []


class Person:
    """One simulated user: an httpx pool of its own and a random stream of actions."""

    def __init__(self, base: str, rng: random.Random, timeout: float, fetch: bool) -> None:
        import httpx

        self.base = base
        self.rng = rng
        self.fetch = fetch
        self.waiting_on = ""
        self.session = f"load{rng.getrandbits(40):x}"
        # trust_env=False: no proxy from the environment, straight to loopback.
        self.http = httpx.AsyncClient(base_url=base, trust_env=False, timeout=httpx.Timeout(timeout, connect=10))

    async def close(self) -> None:
        await self.http.aclose()

    async def act(self, payload: Payload, stats: dict[str, Stats], deadline: float) -> list | None:
        """Run one action into ``stats``; returns its output, or None if it failed or was unanswered."""
        loop = asyncio.get_running_loop()
        self.waiting_on = payload.row
        try:
            return await asyncio.wait_for(self._act(payload, stats), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            stats.setdefault(self.waiting_on, Stats()).unanswered += 1
        return None

    async def _act(self, payload: Payload, stats: dict[str, Stats]) -> list | None:
        import httpx

        data = payload.data
        if payload.upload:
            name, filename, content = payload.upload
            self.waiting_on = name
            up = stats.setdefault(name, Stats())
            up.calls += 1
            started = time.perf_counter()
            try:
                path = await upload_file(self.http, filename, content)
            except (CallError, httpx.HTTPError, ValueError, LookupError) as err:
                up.error(_describe(err))
                return None
            up.latencies.append(time.perf_counter() - started)
            data = [{"path": path, "orig_name": filename, "meta": {"_type": "gradio.FileData"}}
                    if v is UPLOAD else v for v in data]
        self.waiting_on = payload.row
        row = stats.setdefault(payload.row, Stats())
        row.calls += 1
        started = time.perf_counter()
        try:
            output = await call(self.http, payload.api, data, self.session)
            seconds = time.perf_counter() - started
            if self.fetch:
                for url in output_urls(output):
                    if not url.startswith(self.base):   # never leave the hub's loopback address
                        raise CallError(f"output URL outside the hub: {url[:120]}")
                    got = await self.http.get(url)
                    if got.status_code != 200:
                        raise CallError(f"fetch output: HTTP {got.status_code}: {url[-80:]}")
        except (CallError, httpx.HTTPError, ValueError, LookupError) as err:
            row.error(_describe(err))
            return None
        row.latencies.append(seconds)
        return output


def _describe(err: Exception) -> str:
    return str(err) if isinstance(err, CallError) else f"{type(err).__name__}: {err}"


# ---------------------------------------------------------------- the hub process


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


@contextmanager
def started_hub(port: int, temp_dir: Path, log_path: Path, start_timeout: float):
    """Start ``python -m genhub.cli serve`` on 127.0.0.1:port; yield (url, pid, seconds to HTTP 200)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT")}
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", GRADIO_TEMP_DIR=str(temp_dir))
    if not env.get("GENHUB_DATA") and (REPO.parent / "shared" / "datasets").is_dir():
        env["GENHUB_DATA"] = str(REPO.parent / "shared" / "datasets")
    url = f"http://{LOOPBACK}:{port}/"
    command = [sys.executable, "-m", "genhub.cli", "serve", "--host", LOOPBACK, "--port", str(port),
               "--no-plugin-autoload"]
    with spawned_server(command, url, cwd=REPO, env=env, log=log_path, timeout=start_timeout, poll=0.2) as (pid, took):
        yield url, pid, took



def process_stats(pid: int | None) -> dict[str, Any]:
    """RSS and its peak (MB), threads and CPU seconds of a process, from /proc."""
    if pid is None:
        return {}
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return {}
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    ticks = os.sysconf("SC_CLK_TCK")
    utime, stime = (int(v) for v in stat.rsplit(")", 1)[1].split()[11:13])
    return {"rss_mb": int(fields["VmRSS"].split()[0]) / 1024, "hwm_mb": int(fields["VmHWM"].split()[0]) / 1024,
            "threads": int(fields["Threads"]), "cpu_s": (utime + stime) / ticks}


def folder_stats(folder: Path | None) -> dict[str, Any]:
    if folder is None:
        return {}
    size = files = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                size += os.lstat(os.path.join(root, name)).st_size
                files += 1
            except OSError:
                pass
    return {"tmp_mb": size / 2**20, "tmp_files": files}


# ---------------------------------------------------------------- runs


async def verify(base: str, args: argparse.Namespace, noise: bytes) -> list[dict]:
    """Each action once (every variant, both upload sizes): a payload the hub rejects stops the bench."""
    make = builders(args, noise)
    rng = random.Random(args.seed)
    checks = [("vae_decode", {"variant": "mnist-2d"}, 1), ("vae_decode", {"variant": "mnist-32d"}, 1),
              ("vae_encode_upload", {"large": False, "variant": "mnist-2d"}, 4),
              ("vae_encode_upload", {"large": True, "variant": "mnist-32d"}, 4),
              ("cgan_grid", {"variant": "mnist"}, 1), ("cgan_grid", {"variant": "fashion-mnist"}, 1),
              ("pixelcnn_complete", {"variant": "binarized"}, 2),
              ("wavenet_generate", {}, 2)]
    person = Person(base, rng, args.timeout, fetch=True)
    results = []
    try:
        for api, options, outputs in checks:
            stats: dict[str, Stats] = {}
            started = time.perf_counter()
            output = await person.act(make[api](rng, **options), stats,
                                      asyncio.get_running_loop().time() + max(args.grace, VERIFY_S))
            seconds = time.perf_counter() - started
            what = f"{api} {options}" if options else api
            problems = [m for s in stats.values() for m in s.messages] + (
                ["unanswered"] if any(s.unanswered for s in stats.values()) else [])
            if output is not None and (len(output) != outputs or output[0] is None or output[-1] is None):
                problems.append(f"expected {outputs} outputs, none empty; got {json.dumps(output)[:300]}")
            if problems:
                raise RuntimeError(f"payload check failed for {what}: {problems[0]}")
            print(f"  ok  {what}: {seconds * 1e3:.0f} ms (the first call of a variant loads its model)")
            results.append({"check": what, "ms": round(seconds * 1e3, 1)})
    finally:
        await person.close()
    return results


async def load_run(base: str, clients: int, args: argparse.Namespace, noise: bytes, seed: int) -> dict[str, Stats]:
    loop = asyncio.get_running_loop()
    make = builders(args, noise)
    stats: dict[str, Stats] = {}
    start = loop.time()
    stop, deadline = start + args.seconds, start + args.seconds + args.grace
    slow = round(args.slow_share * clients)

    async def person_loop(index: int) -> None:
        rng = random.Random(seed * 100_003 + index)
        mix = args.slow_mix if index < slow else args.mix
        names, weights = list(mix), list(mix.values())
        person = Person(base, rng, args.timeout, fetch=not args.no_fetch)
        try:
            await asyncio.sleep(min(rng.uniform(0, args.start_spread), max(0.0, stop - loop.time())))
            while loop.time() < stop:
                await person.act(make[rng.choices(names, weights)[0]](rng), stats, deadline)
                think = rng.uniform(*args.think)
                if loop.time() + think >= stop:
                    break
                await asyncio.sleep(think)
        finally:
            await person.close()

    tasks = [asyncio.create_task(person_loop(i)) for i in range(clients)]
    # Each task ends by the deadline on its own; this wait is only a backstop.
    done, pending = await asyncio.wait(tasks, timeout=args.seconds + args.grace + 30)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            raise task.exception()
    return stats


def endpoint_rows(label: str, clients: int, stats: dict[str, Stats], order: list[str]) -> list[dict]:
    rows = []
    for name in sorted(stats, key=lambda n: (order.index(n) if n in order else len(order), n)):
        s = stats[name]
        ms = np.array(s.latencies) * 1e3
        rows.append({"run": label, "clients": clients, "endpoint": name, "calls": s.calls, "errors": s.errors,
                     "unanswered": s.unanswered,
                     "p50_ms": float(np.percentile(ms, 50)) if len(ms) else None,
                     "p95_ms": float(np.percentile(ms, 95)) if len(ms) else None,
                     "max_ms": float(ms.max()) if len(ms) else None, "first_errors": s.messages})
    return rows


async def run_all(base: str, pid: int | None, temp_dir: Path | None, args: argparse.Namespace) -> tuple[list, dict]:
    noise = noise_png(args.seed)
    print(f"checking every payload against {base} (large upload: {len(noise) / 2**20:.1f} MB)")
    checks = await verify(base, args, noise)
    order = ["vae_decode", "cgan_grid", "vae_encode_upload", "upload:digit", "vae_encode_upload:noise",
             "upload:noise", "pixelcnn_complete", "wavenet_generate"]
    plan = [(str(i + 1), args.clients) for i in range(args.runs)]
    if args.compare_clients:
        plan.append(("compare", args.compare_clients))
    rows: list[dict] = []
    cpu_before = process_stats(pid).get("cpu_s")
    for number, (label, clients) in enumerate(plan):
        print(f"run {label}: {clients} clients for {args.seconds:g} s (+ up to {args.grace:g} s grace) ...",
              flush=True)
        started, own_cpu = time.perf_counter(), time.process_time()
        stats = await load_run(base, clients, args, noise, args.seed + 1 + number)
        wall = time.perf_counter() - started
        proc, folder = process_stats(pid), folder_stats(temp_dir)
        per_endpoint = endpoint_rows(label, clients, stats, order)
        actions = sum(r["calls"] for r in per_endpoint if not r["endpoint"].startswith("upload:"))
        total = {"run": label, "clients": clients, "endpoint": "(all)", "calls": actions,
                 **{k: sum(r[k] for r in per_endpoint) for k in ("errors", "unanswered")},
                 "p50_ms": None, "p95_ms": None, "max_ms": None, "first_errors": [],
                 "wall_s": wall, "calls_per_s": actions / wall,
                 **{k: proc.get(k) for k in ("rss_mb", "hwm_mb", "threads")},
                 "hub_cpu_s": proc["cpu_s"] - cpu_before if proc and cpu_before is not None else None,
                 "bench_cpu_s": time.process_time() - own_cpu, **{k: folder.get(k) for k in ("tmp_mb", "tmp_files")}}
        cpu_before = proc.get("cpu_s", cpu_before)
        rows += [*per_endpoint, total]
    return rows, {"payload_checks": checks}


def goals(rows: list[dict], args: argparse.Namespace) -> tuple[list[tuple[str, bool | None, str]], float | None]:
    main_totals = [r for r in rows if r["endpoint"] == "(all)" and r["run"] != "compare"]
    bad = sum(r["errors"] + r["unanswered"] for r in rows if r["endpoint"] == "(all)")
    results: list[tuple[str, bool | None, str]] = [
        ("0 errors and 0 unanswered calls (all runs)", bad == 0,
         f"{sum(r['errors'] for r in rows if r['endpoint'] == '(all)')} errors, "
         f"{sum(r['unanswered'] for r in rows if r['endpoint'] == '(all)')} unanswered")]
    for api, goal in GOAL_P95_MS.items():
        p95s = [r["p95_ms"] for r in rows if r["endpoint"] == api and r["run"] != "compare"]
        name = f"{api} p95 <= {goal:g} ms ({args.clients} clients, worst run)"
        if not p95s or any(p is None for p in p95s):
            results.append((name, None if not p95s else False,
                            "not called in these runs" if not p95s else "a run with no answered call"))
        else:
            results.append((name, max(p95s) <= goal, f"{max(p95s):.0f} ms"))
    growth = None
    rss = [r["rss_mb"] for r in main_totals]
    if len(rss) >= 2 and None not in rss:
        growth = (rss[-1] - rss[0]) / rss[0] * 100
        results.append((f"RSS growth run 1 -> run {len(rss)} <= {GOAL_GROWTH_PCT:g} %", growth <= GOAL_GROWTH_PCT,
                        f"{rss[0]:.0f} -> {rss[-1]:.0f} MB, {growth:+.1f} %"))
    else:
        results.append((f"RSS growth <= {GOAL_GROWTH_PCT:g} %", None,
                        "needs --runs >= 2 and the hub's pid"))
    return results, growth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="simulated people per run")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of a run (no new calls after it)")
    parser.add_argument("--runs", type=int, default=3, help="runs with --clients against the same hub")
    parser.add_argument("--compare-clients", type=int, default=5, help="one more run with this many people (0: none)")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("LO", "HI"),
                        help="think time between one person's calls, uniform in [LO, HI] seconds")
    parser.add_argument("--start-spread", type=float, default=10.0,
                        help="people start at a uniform offset in [0, this] seconds")
    parser.add_argument("--mix", type=parse_mix, default=parse_mix(DEFAULT_MIX), help="actions=weights, most people")
    parser.add_argument("--slow-mix", type=parse_mix, default=parse_mix(DEFAULT_SLOW_MIX),
                        help="actions=weights of the slow-tab users")
    parser.add_argument("--slow-share", type=float, default=0.2, help="share of people who are slow-tab users")
    parser.add_argument("--large-upload-share", type=float, default=0.1,
                        help="share of VAE uploads that are a ~3 MB noise PNG instead of a drawn digit")
    parser.add_argument("--grace", type=float, default=120.0, help="seconds open calls get after a run ends")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-request timeout: seconds without a byte")
    parser.add_argument("--no-fetch", action="store_true", help="do not fetch the output files of a call")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", help="attach to this hub (http://127.0.0.1:PORT/) instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the hub's process id, for its memory and threads")
    parser.add_argument("--temp-dir", type=Path, help="with --url: the hub's GRADIO_TEMP_DIR, for its size")
    parser.add_argument("--port", type=int, default=0, help="port of the hub this starts (0: a free one)")
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--keep-temp", action="store_true", help="keep the hub's GRADIO_TEMP_DIR and log")
    parser.add_argument("--out", type=Path, help="default: bench/results/load.json")
    args = parser.parse_args(argv)
    known = {"vae_decode", "vae_encode_upload", "cgan_grid", "pixelcnn_complete", "wavenet_generate"}
    for mix in (args.mix, args.slow_mix):
        if set(mix) - known:
            parser.error(f"unknown actions {sorted(set(mix) - known)}; known: {sorted(known)}")
    if args.clients < 1 or args.runs < 1 or args.seconds <= 0 or args.compare_clients < 0:
        parser.error("--clients, --runs and --seconds must be positive")
    if not 0 <= args.think[0] <= args.think[1] or not 0 <= args.slow_share <= 1:
        parser.error("--think needs 0 <= LO <= HI and --slow-share a share in [0, 1]")

    meta: dict[str, Any] = {
        "clients": args.clients, "seconds": args.seconds, "runs": args.runs, "compare_clients": args.compare_clients,
        "think_s": list(args.think), "start_spread_s": args.start_spread, "grace_s": args.grace,
        "timeout_s": args.timeout, "fetch_outputs": not args.no_fetch, "seed": args.seed,
        "mix": args.mix, "slow_mix": args.slow_mix, "slow_share": args.slow_share,
        "slow_clients": round(args.slow_share * args.clients),
        "options": {"vae_32d_share": VAE_32D_SHARE, "cgan_fashion_share": CGAN_FASHION_SHARE,
                    "pixelcnn_grayscale_share": PIXELCNN_GRAYSCALE_SHARE,
                    "large_upload_share": args.large_upload_share, "large_upload_px": NOISE_SIDE},
    }
    if args.url:
        parsed = urllib.parse.urlparse(args.url)
        if parsed.scheme != "http" or parsed.hostname != LOOPBACK or not parsed.port:
            parser.error(f"--url must be http://{LOOPBACK}:PORT/ (loopback only); got {args.url}")
        base = f"http://{LOOPBACK}:{parsed.port}/"
        meta.update(hub="attached", url=base)
        try:
            rows, extra = asyncio.run(run_all(base, args.pid, args.temp_dir, args))
        except RuntimeError as err:
            print(f"bench.load: {err}", file=sys.stderr)
            return 2
    else:
        temp_dir = Path(tempfile.mkdtemp(prefix="genhub-load-"))
        log_path = Path(tempfile.mkstemp(prefix="genhub-load-", suffix=".log")[1])
        try:
            with started_hub(args.port or free_port(), temp_dir, log_path, args.start_timeout) as (base, pid, s):
                print(f"hub at {base} (pid {pid}) answered after {s:.1f} s; GRADIO_TEMP_DIR={temp_dir}")
                meta.update(hub="started", start_s=round(s, 2), rss_after_start_mb=process_stats(pid).get("rss_mb"))
                rows, extra = asyncio.run(run_all(base, pid, temp_dir, args))
        except RuntimeError as err:
            print(f"bench.load: {err}\nhub log ({log_path}):\n{log_tail(log_path)}", file=sys.stderr)
            return 2
        finally:
            if args.keep_temp:
                print(f"kept {temp_dir} and {log_path}")
            else:
                shutil.rmtree(temp_dir, ignore_errors=True)
                log_path.unlink(missing_ok=True)
    results, growth = goals(rows, args)
    meta.update(extra, rss_growth_pct=growth,
                goals=[{"goal": name, "pass": ok, "value": value} for name, ok, value in results])
    path = write_results("load", rows, meta, args.out)

    columns = ("run", "clients", "endpoint", "calls", "errors", "unanswered", "p50_ms", "p95_ms", "max_ms",
               "calls_per_s", "rss_mb", "hwm_mb", "threads", "hub_cpu_s", "bench_cpu_s", "tmp_mb", "tmp_files")
    print_table([{k: "" if r.get(k) is None else r.get(k, "") for k in columns} for r in rows])
    for r in rows:
        for message in r["first_errors"]:
            print(f"  error  run {r['run']} {r['endpoint']}: {message}")
    print()
    for name, ok, value in results:
        print(f"  {'n/a ' if ok is None else 'PASS' if ok else 'FAIL'}  {name}: {value}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
