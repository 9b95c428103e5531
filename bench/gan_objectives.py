"""The GAN objectives of the seed texts, trained with the same budget and scored alike.

    python -m bench.gan_objectives --steps 400 --g-channels 32 --d-channels 16   # ~15 min, 2 CPU cores
    python -m bench.gan_objectives --steps 3000 --device cuda                    # the shipped architecture

Each objective trains through the plugin's own `genhub train cgan` (the shared adversarial loop):
same architecture (the shipped CGAN's unless narrowed), same number of generator steps and batch
size, each objective with its paper's optimizer settings and K (D steps per G step; 5 for the
WGANs). Scores are those the release step records: the judge classifier over 1,000 samples per
class against the test set. Writes bench/results/gan_objectives.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.report import print_table, write_results
from genhub.plugin import TrainRequest
from genhub.plugins.cgan import PLUGIN
from genhub.training.gan_objectives import OBJECTIVES
from genhub.weights import read_config


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=600, help="generator steps per objective")
    p.add_argument("--objectives", default=",".join(OBJECTIVES))
    p.add_argument("--variant", default="mnist", choices=[s.variant for s in PLUGIN.variants])
    p.add_argument("--g-channels", type=int, default=None, help="narrower generator for a cheaper comparison")
    p.add_argument("--d-channels", type=int, default=None, help="narrower discriminator")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--device", default="cpu")
    p.add_argument("--runs", type=Path, default=Path("runs/bench/gan_objectives"))
    args = p.parse_args(argv)
    widths = {k: v for k, v in (("g_channels", args.g_channels), ("d_channels", args.d_channels)) if v}
    rows = []
    for name in args.objectives.split(","):
        objective = OBJECTIVES[name]
        out = args.runs / name
        started = time.perf_counter()
        PLUGIN.train(TrainRequest(variant=args.variant, out_dir=out, data_dir=args.data_dir, device=args.device,
                                  max_steps=args.steps, resume=False, options={"objective": name, **widths},
                                  command=f"bench.gan_objectives --objectives {name}"))
        seconds = time.perf_counter() - started
        scores = read_config(out / "config.json")["metrics"]
        rows.append({"objective": name, "d_steps_per_g": objective.d_steps, "spectral_norm": objective.spectral_norm,
                     "label_accuracy": scores["label_accuracy"], "frechet": scores["frechet_distance"],
                     "floor": scores["frechet_floor_real_vs_real"], "ratio": scores["frechet_ratio_to_floor"],
                     "diversity_vs_real": scores["diversity_ratio_to_real"], "train_seconds": round(seconds, 1)})
        print_table(rows)
    meta = {"steps": args.steps, "variant": args.variant, "widths": widths, "per_class": 1000, "device": args.device,
            "command": "python -m bench.gan_objectives " + " ".join(sys.argv[1:] if argv is None else argv)}
    print(f"wrote {write_results('gan_objectives', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
