"""PixelCNN completion speed on CPU: the bottom half of 8 test digits, cached vs naive sampler.

    python -m bench.pixelcnn_speed [--repeats 5] [--threads 2]

Goals: cached ≤ 1 s, and ≥ 5× faster than the naive loop (a full forward pass per pixel).
Both give identical samples for the same seed (checked here too). Writes
bench/results/pixelcnn_speed.json.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from bench.report import print_table, write_results
from genhub.plugins.pixelcnn import PLUGIN
from genhub.plugins.pixelcnn.sample import quantize, region_mask
from genhub.plugins.pixelcnn.sampling import complete_cached, complete_naive, draw_uniforms
from genhub.training.data import load_idx_dataset
from genhub.weights import from_pretrained


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--naive-repeats", type=int, default=1)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--data-dir", default=None)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    images, labels = load_idx_dataset("mnist", "test", args.data_dir, limit=8)
    rows = []
    for spec in PLUGIN.variants:
        model = from_pretrained(PLUGIN, spec.variant).model
        x = quantize(images.float().div(255).unsqueeze(1), model.levels)
        mask = region_mask("bottom half", 8)
        u = draw_uniforms((8, 28, 28), 0)
        timings = {}
        results = {}
        for name, sampler, repeats in (("cached", complete_cached, args.repeats),
                                       ("naive", complete_naive, args.naive_repeats)):
            seconds = []
            for _ in range(repeats):
                started = time.perf_counter()
                results[name] = sampler(model, x, mask, labels, 1.0, u)
                seconds.append(time.perf_counter() - started)
            timings[name] = statistics.median(seconds)
        rows.append({"variant": spec.variant, "pixels": int(mask.sum()), "cached_s": round(timings["cached"], 3),
                     "naive_s": round(timings["naive"], 2), "speedup": round(timings["naive"] / timings["cached"], 1),
                     "identical": bool(torch.equal(results["cached"].images, results["naive"].images)),
                     "goal_cached_s": 1.0, "goal_speedup": 5})
    print_table(rows)
    print(f"wrote {write_results('pixelcnn_speed', rows, {'threads': args.threads, 'digits': 8})}")
    return rows


if __name__ == "__main__":
    main()
