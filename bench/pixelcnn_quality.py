"""PixelCNN quality: test NLL (nats for binarized, bits/dim for 256 levels), and the judge
classifier on whole samples and on completions.

    python -m bench.pixelcnn_quality [--limit 10000] [--samples 100] [--variant binarized] [--device cuda]

Binarized goal: ≤ 81.3 nats (PixelCNN, van den Oord et al. 2016a), an unconditional model's NLL:
the comparable number here is the label mixture's (`nll_nats_mixture`, p(x) = Σ_y p(x | y) / 10),
not the NLL given the true label (up to log 10 = 2.3 nats lower). The judge's label accuracy
on class-conditioned samples, and on completions of the bottom half of test digits (given no
class: does a completed 7 still read as a 7?). Writes bench/results/pixelcnn_quality.json.
"""

from __future__ import annotations

import argparse
import math
import sys

import torch

from bench.report import print_table, write_results
from genhub.plugins.pixelcnn import PLUGIN
from genhub.plugins.pixelcnn.quality import mean_nll, mixture_nll, prepare
from genhub.plugins.pixelcnn.sample import complete, quantize, region_mask
from genhub.training.data import load_idx_dataset
from genhub.training.evaluation.classifier import judge, load_judge
from genhub.training.evaluation.metrics import label_accuracy
from genhub.weights import from_pretrained


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=10000, help="test digits for the NLL")
    p.add_argument("--samples", type=int, default=100, help="samples (and completions) scored by the judge")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--device", default="cpu")
    p.add_argument("--variant", default=None, help="one variant (default: every variant)")
    args = p.parse_args(argv)
    classifier, _ = load_judge("mnist")
    images, labels = load_idx_dataset("mnist", "test", args.data_dir, limit=args.limit)
    rows = []
    for spec in PLUGIN.variants:
        if args.variant and spec.variant != args.variant:
            continue
        model = from_pretrained(PLUGIN, spec.variant, device=args.device).model
        x = prepare(images, model.levels, seed=0)
        nll = mean_nll(model, x, labels)
        nll_free = mean_nll(model, x, None)
        n = args.samples
        wanted = torch.arange(n) % 10
        drawn = complete(model, torch.zeros(n, 1, 28, 28), region_mask("everything", n), wanted, seed=1).images
        source = quantize(images[:n].float().div(255).unsqueeze(1), model.levels)
        completed = complete(model, source, region_mask("bottom half", n), None, seed=2).images
        row = {"variant": spec.variant, "test_digits": len(x),
               "nll_nats": round(nll, 2), "nll_nats_no_label": round(nll_free, 2),
               "bits_per_dim": round(nll / (784 * math.log(2)), 4),
               "judge_acc_conditioned_samples": round(label_accuracy(judge(classifier, drawn)[0], wanted), 3),
               "judge_acc_completions": round(label_accuracy(judge(classifier, completed)[0], labels[:n]), 3),
               "judge_acc_inputs": round(label_accuracy(judge(classifier, source)[0], labels[:n]), 3)}
        if model.levels == 2:   # ten passes per digit: only where there is a goal to compare with
            row["nll_nats_mixture"] = round(mixture_nll(model, x), 2)
            row["goal_nll_nats"] = 81.3
        rows.append(row)
    print_table(rows)
    meta = {"limit": args.limit, "samples": args.samples, "test_binarization": "Bernoulli(pixel/255), seed 0",
            "command": "python -m bench.pixelcnn_quality " + " ".join(sys.argv[1:] if argv is None else argv)}
    print(f"wrote {write_results('pixelcnn_quality', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
