"""What storing a VAE's weights in float16 changes: the same evaluation (test −ELBO and the
importance-weighted NLL, in nats: same binarized test digits, same seeds) on the released float32
file and on a float16 copy of it, and the two file sizes.

    python -m bench.vae_float16 --variant mnist-32d --k 100 --limit 2000
    python -m bench.vae_float16 --variant mnist-32d --k 100 --limit 2000 --apply

``--apply`` then stores the released file in float16 (`genhub.training.release.store_float16`)
with the measured change in its card; pin the printed sha256 in ``plugins/vae/__init__.py``.
Writes bench/results/vae_float16_<variant>.json.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.float16 import float16_copy
from bench.report import print_table, write_results
from bench.vae_quality import evaluate_variant
from genhub.device import pick_device
from genhub.plugin import WEIGHTS_FILENAME
from genhub.plugins.vae import PLUGIN as VAE
from genhub.plugins.vae.card import card_text
from genhub.plugins.vae.quality import binarize_fixed
from genhub.training.data import load_idx_dataset
from genhub.training.release import store_float16

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="mnist-32d")
    parser.add_argument("--k", type=int, default=100, help="importance samples per image")
    parser.add_argument("--limit", type=int, help="first N test images only")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--device")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--apply", action="store_true", help="store the released file in float16 afterwards")
    args = parser.parse_args(argv)

    folder = REPO / "weights" / "vae" / args.variant
    device = pick_device(args.device)
    with tempfile.TemporaryDirectory() as scratch:
        half = float16_copy(VAE, args.variant, Path(scratch))  # refuses a release in float16 already
        images, _ = load_idx_dataset("mnist", "test", args.data_dir, args.limit)
        x = binarize_fixed(images)
        rows = [{"stored as": "float32 (as trained)", **evaluate_variant(args.variant, x, args.k, args.batch,
                                                                           args.chunk, device, None),
                 "mb": round((folder / WEIGHTS_FILENAME).stat().st_size / 1e6, 2)},
                {"stored as": "float16", **evaluate_variant(args.variant, x, args.k, args.batch, args.chunk,
                                                            device, Path(scratch)),
                 "mb": round((half / WEIGHTS_FILENAME).stat().st_size / 1e6, 2)}]
    nll = f"iwae_nll_k{args.k}"
    for row in rows:
        row.pop("weights")
    print_table(rows)
    meta = {"variant": args.variant, "k": args.k, "test_images": len(x), "device": str(device),
            "binarization": "Bernoulli(pixel/255), seed 0", "same seeds": True}
    print(f"wrote {write_results(f'vae_float16_{args.variant}', rows, meta)}")
    if args.apply:
        full, half_row = rows
        subset = f"the first {len(x)} test digits" if args.limit else f"all {len(x)} test digits"
        effect = (f"test −ELBO {full['test_neg_elbo']:.3f} → {half_row['test_neg_elbo']:.3f} nats and NLL "
                  f"(k = {args.k}) {full[nll]:.3f} → {half_row[nll]:.3f} nats on {subset}, same seeds "
                  f"(`python -m bench.vae_float16 --variant {args.variant} --k {args.k}"
                  f"{f' --limit {args.limit}' if args.limit else ''}`)")
        store_float16(folder, card_text, effect)


if __name__ == "__main__":
    main()
