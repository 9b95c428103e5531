"""VAE quality on binarized MNIST test digits: −ELBO and importance-weighted NLL, in nats.

    python -m bench.vae_quality --k 5000 --device cuda          # the published numbers
    python -m bench.vae_quality --k 1000 --limit 1000           # a quicker CPU check

The test set is binarized once with seed 0 (as in training's evaluation). The NLL bound
uses k importance samples from q(z|x) (Burda et al. 2015); the goal for the quality
variant is ≤ 86.8 nats (their 1-stochastic-layer VAE). Writes bench/results/vae_quality.json.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from bench.report import print_table, write_results
from genhub.device import pick_device
from genhub.plugins.vae import PLUGIN
from genhub.plugins.vae.card import card_text
from genhub.plugins.vae.model import importance_weighted_nll, negative_elbo
from genhub.plugins.vae.quality import binarize_fixed
from genhub.training.data import load_idx_dataset
from genhub.training.release import record_metrics
from genhub.weights import from_pretrained

GOAL_NLL = 86.8


def evaluate_variant(variant: str, x: torch.Tensor, k: int, batch: int, chunk: int,
                     device: torch.device, weights_dir: Path | None) -> dict:
    loaded = from_pretrained(PLUGIN, variant, device=device, weights_dir=weights_dir)
    model = loaded.model
    torch.manual_seed(0)
    generator = torch.Generator(device=device).manual_seed(0)
    started = time.perf_counter()
    elbo_sum = nll_sum = 0.0
    with torch.no_grad():
        for part in x.split(batch):
            part = part.to(device)
            elbo_sum += negative_elbo(model, part)["neg_elbo"].item() * len(part)
            nll_sum += importance_weighted_nll(model, part, k, chunk, generator).sum().item()
    return {"variant": variant, "latent_dim": loaded.config["model"]["latent_dim"],
            "test_neg_elbo": elbo_sum / len(x), f"iwae_nll_k{k}": nll_sum / len(x),
            "images": len(x), "seconds": round(time.perf_counter() - started, 1),
            "weights": loaded.origin, "sha256": loaded.sha256[:12]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(s.variant for s in PLUGIN.variants))
    parser.add_argument("--k", type=int, default=5000, help="importance samples per image (>= 1000 to report)")
    parser.add_argument("--limit", type=int, help="first N test images only")
    parser.add_argument("--batch", type=int, default=50, help="test images per forward pass")
    parser.add_argument("--chunk", type=int, default=250, help="importance samples per forward pass")
    parser.add_argument("--device")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--weights-dir", type=Path, help="evaluate your own weights (<dir>/vae/<variant>/)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--write-cards", action="store_true",
                        help="record the NLL in each evaluated weights folder's config.json metrics and model card")
    parser.add_argument("--tf32", action="store_true", help="allow TF32 on GPUs (faster, slightly less exact)")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.backends.cudnn.allow_tf32 = args.tf32
    images, _ = load_idx_dataset("mnist", "test", args.data_dir, args.limit)
    x = binarize_fixed(images)
    rows = [evaluate_variant(v, x, args.k, args.batch, args.chunk, device, args.weights_dir)
            for v in args.variants.split(",")]
    for row in rows:
        row["goal_nll"] = GOAL_NLL
    meta = {"k": args.k, "device": str(device), "test_images": len(x), "tf32": args.tf32,
            "binarization": "Bernoulli(pixel/255), seed 0"}
    path = write_results("vae_quality", rows, meta, args.out)
    print_table(rows)
    print(f"wrote {path}")
    if args.write_cards:
        for row in rows:
            metrics = {f"iwae_nll_k{args.k}_nats": round(row[f"iwae_nll_k{args.k}"], 2),
                       "test_neg_elbo_nats": round(row["test_neg_elbo"], 2)}
            record_metrics(Path(row["weights"]), metrics, card=card_text)


if __name__ == "__main__":
    main()
