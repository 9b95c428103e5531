"""CycleGAN speed on CPU: a 256×256 image through one generator (model time), and the tab's
upload → translation + round trip + error map + hidden signal, end to end through a served hub
with gradio_client (the file upload included).

    python -m bench.cyclegan_speed [--calls 50]

Goals: model time ≤ 300 ms for a 256×256 input; ≤ 1 s end to end. Measured at the tab's default
(the generator run at 64 px on the longer side) and at the image's own 256 px. Writes
bench/results/cyclegan_speed.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch
from PIL import Image

from bench.hub_speed import percentiles, running_hub
from bench.report import print_table, write_results

SIDE = 256


def model_latency(work_side: int | None, calls: int) -> dict:
    from genhub.plugins.cyclegan import PLUGIN
    from genhub.plugins.cyclegan.translate import translate
    from genhub.weights import from_pretrained

    model = from_pretrained(PLUGIN, "anime-xdog").model
    image = torch.rand(1, 3, SIDE, SIDE, generator=torch.Generator().manual_seed(0))
    times = []
    for i in range(calls + 3):
        started = time.perf_counter()
        translate(model, image, "a2b", work_side=work_side)
        if i >= 3:
            times.append(time.perf_counter() - started)
    return percentiles(times)


def client_latency(url: str, work_side: int, calls: int) -> dict:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False, ssl_verify=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "face.png"
        Image.effect_mandelbrot((SIDE, SIDE), (-2, -1.5, 1, 1.5), 64).convert("RGB").save(path)
        for _ in range(3):
            client.predict("anime-xdog", handle_file(str(path)), "a2b", work_side, api_name="/cyclegan_translate")
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            client.predict("anime-xdog", handle_file(str(path)), "a2b", work_side, api_name="/cyclegan_translate")
            times.append(time.perf_counter() - started)
    return percentiles(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=50)
    p.add_argument("--port", type=int, default=7933)
    args = p.parse_args(argv)
    rows = []
    for side, name in ((64, "64 px (tab default)"), (None, "256 px (own size)")):
        rows.append({"measure": f"model, {SIDE}×{SIDE} in, run at {name}", **model_latency(side, args.calls),
                     "goal_p95_ms": 300})
    with running_hub(args.port) as (_, url):
        for side, name in ((64, "64 px"), (0, "256 px")):
            rows.append({"measure": f"end to end (client, upload + 5 images), run at {name}",
                         **client_latency(url, side, args.calls), "goal_p95_ms": 1000})
    print_table([{k: r.get(k, "") for k in ("measure", "p50_ms", "p95_ms", "mean_ms", "goal_p95_ms")} for r in rows])
    print(f"wrote {write_results('cyclegan_speed', rows, {'calls': args.calls, 'input': f'{SIDE}x{SIDE} RGB'})}")


if __name__ == "__main__":
    main()
