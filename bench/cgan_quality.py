"""Sample quality of the shipped CGAN variants, and the judge on real test digits.

    python -m bench.cgan_quality [--per-class 1000]

For each variant: label accuracy (share of samples the judge reads as the requested class),
overall and for the worst class, Fréchet distance on the judge's features against the test
set beside the real-vs-real floor, and diversity per class over that of real images. Goals
(MNIST): label accuracy ≥ 99.5 % with every class ≥ 99 %, Fréchet distance ≤ 3× the floor.
Beside them, what the judge makes of real test images, of uniform noise and of blank images
(labels cycled through the classes), so a flattering judge shows. Writes
bench/results/cgan_quality.json.
"""

from __future__ import annotations

import argparse
import sys

import torch

from bench.report import print_table, write_results
from genhub.plugins.cgan import PLUGIN
from genhub.plugins.cgan.quality import real_reference, score_generator, score_images
from genhub.training.data import load_idx_dataset
from genhub.weights import from_pretrained


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--per-class", type=int, default=1000)
    p.add_argument("--data-dir", default=None)
    args = p.parse_args(argv)
    rows = []
    for spec in PLUGIN.variants:
        loaded = from_pretrained(PLUGIN, spec.variant)
        dataset = loaded.config["data"]["dataset"]
        reference = real_reference(dataset, args.data_dir, args.per_class)
        real, real_y = load_idx_dataset(dataset, "train", args.data_dir, limit=10 * args.per_class)
        test, test_y = load_idx_dataset(dataset, "test", args.data_dir)
        cycled = torch.arange(10 * args.per_class) % 10
        noise = torch.rand(len(cycled), 1, 28, 28, generator=torch.Generator().manual_seed(0))
        floors = {f"real {dataset} train images": (real.float().div(255).unsqueeze(1), real_y),
                  f"real {dataset} test images": (test.float().div(255).unsqueeze(1), test_y),
                  "uniform noise": (noise, cycled), "blank (all 0)": (torch.zeros_like(noise), cycled)}
        scored = {what: score_images(x, y, dataset, reference) for what, (x, y) in floors.items()}
        scored[f"cgan/{spec.variant}"] = score_generator(loaded.model, dataset, args.data_dir, args.per_class,
                                                         reference=reference)
        for what, s in scored.items():
            rows.append({"images": what, "label_accuracy": s["label_accuracy"],
                         "worst_class": s["worst_class_accuracy"], "frechet": s["frechet_distance"],
                         "floor": s["frechet_floor_real_vs_real"], "ratio": s["frechet_ratio_to_floor"],
                         "diversity_vs_real": s["diversity_ratio_to_real"],
                         "per_class": s["label_accuracy_per_class"]})
    print_table([{k: v for k, v in row.items() if k != "per_class"} for row in rows])
    command = "python -m bench.cgan_quality " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"per_class": args.per_class, "command": command,
            "goals": {"label_accuracy": 0.995, "worst_class_accuracy": 0.99, "frechet_ratio_to_floor": 3.0}}
    print(f"wrote {write_results('cgan_quality', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
