"""The GAN objectives of the seed texts, trained with the same budget and scored alike.

    python -m bench.gan_objectives --steps 400 --g-channels 32 --d-channels 16   # ~15 min, 2 CPU cores
    python -m bench.gan_objectives --steps 3000 --device cuda                    # the shipped architecture

Same architecture (the shipped CGAN's unless narrowed), same number of generator steps and batch size, each
objective with its paper's optimizer settings and K (D steps per G step; 5 for the WGANs).
Scores from the judge classifier over 200 samples per class. Writes
bench/results/gan_objectives.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import torch

from bench.report import print_table, write_results
from genhub.plugins.cgan.quality import real_reference, score_generator
from genhub.plugins.cgan.train import train_gan
from genhub.plugins.cgan.variants import RECIPES
from genhub.training.gan_objectives import OBJECTIVES


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=600, help="generator steps per objective")
    p.add_argument("--objectives", default=",".join(OBJECTIVES))
    p.add_argument("--dataset", default="mnist", choices=sorted({r.dataset for r in RECIPES.values()}))
    p.add_argument("--per-class", type=int, default=200)
    p.add_argument("--g-channels", type=int, default=None, help="narrower generator for a cheaper comparison")
    p.add_argument("--d-channels", type=int, default=None, help="narrower discriminator")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--device", default="cpu")
    p.add_argument("--runs", type=Path, default=Path("runs/bench/gan_objectives"))
    args = p.parse_args(argv)
    recipe = RECIPES[args.dataset]
    narrower = {k: v for k, v in (("g_channels", args.g_channels), ("d_channels", args.d_channels)) if v}
    recipe = dataclasses.replace(recipe, model={**recipe.model, **narrower})
    reference = real_reference(args.dataset, args.data_dir, args.per_class)
    rows = []
    for name in args.objectives.split(","):
        objective = OBJECTIVES[name]
        started = time.perf_counter()
        state = train_gan(dataclasses.replace(recipe, objective=name), args.runs / name, data_dir=args.data_dir,
                          device=args.device, steps=args.steps, resume=False, save_every=args.steps,
                          title=f"objective {name}")
        seconds = time.perf_counter() - started
        torch.manual_seed(0)
        scores = score_generator(state.model, args.dataset, args.data_dir, args.per_class, reference=reference)
        rows.append({"objective": name, "d_steps_per_g": objective.d_steps, "spectral_norm": objective.spectral_norm,
                     "label_accuracy": scores["label_accuracy"], "frechet": scores["frechet_distance"],
                     "floor": scores["frechet_floor_real_vs_real"], "ratio": scores["frechet_ratio_to_floor"],
                     "diversity_vs_real": scores["diversity_ratio_to_real"], "train_seconds": round(seconds, 1)})
        print_table(rows)
    meta = {"steps": args.steps, "batch_size": recipe.batch_size, "dataset": args.dataset, "model": recipe.model,
            "per_class": args.per_class, "device": args.device,
            "command": "python -m bench.gan_objectives " + " ".join(sys.argv[1:] if argv is None else argv)}
    print(f"wrote {write_results('gan_objectives', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
