"""How a planned WaveNet's two sampling settings trade clarity against variety: the plan scale
(the planner's latents ~ N(0, scale²)) and the vocoder's temperature. For choosing the defaults
without touching the test clips: the clips are drawn from seeds the headline bench does not use
(``--seed``, default 1; `bench.wavenet_quality` uses 0), and nothing of the test set is read.

    python -m bench.wavenet_settings [--scales 0.5 0.75 1.0] [--temperatures 0.7 0.85 1.0]
                                     [--per-digit 20] [--seed 1] [--seconds 1.0]

Per setting: the judge's share read as asked, the worst digit, the share read as any digit, and
the variety of what was said: the spread of the generated clips' own plans (log-mel), per element
across the clips of one digit, over the same spread of the real validation clips (1: as varied
as people; lower: more alike). The judge is the only reader here, so a setting it likes is
checked against the variety column before it becomes a default. Writes
bench/results/wavenet_settings.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from bench.report import print_table, write_results
from bench.wavenet_quality import generated, scored
from genhub.plugin import TrainRequest
from genhub.plugins.wavenet import PLUGIN
from genhub.plugins.wavenet.audio import normalize
from genhub.plugins.wavenet.plan import HOP, fit_frames, plan_of
from genhub.plugins.wavenet.planner import PlannedWaveNet
from genhub.plugins.wavenet.train import fsdd_split
from genhub.plugins.wavenet.variants import SAMPLE_RATE
from genhub.training.evaluation.speech import load_speech_judge, read_digits
from genhub.weights import from_pretrained


def spread(clips: list[torch.Tensor], digits: torch.Tensor, frames: int) -> float:
    """Mean over digits of the per-element standard deviation of the clips' plans (``frames``
    frames each, peak-normalized first): how differently one digit is said."""
    plans = torch.stack([fit_frames(plan_of(normalize(c))[None], frames)[0] for c in clips])
    return float(torch.stack([plans[digits == d].std(0).mean() for d in digits.unique()]).mean())


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", default=PLUGIN.spec().variant)
    p.add_argument("--scales", type=float, nargs="+", default=[0.5, 0.75, 1.0])
    p.add_argument("--temperatures", type=float, nargs="+", default=[0.7, 0.85, 1.0])
    p.add_argument("--per-digit", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--data-dir", type=Path, default=None)
    args = p.parse_args(argv)
    model = from_pretrained(PLUGIN, args.variant).model
    if not isinstance(model, PlannedWaveNet):
        raise SystemExit(f"{args.variant} has no planner; choose a planned variant (fsdd-mel)")
    judge, _ = load_speech_judge()
    _, validation, _ = fsdd_split(TrainRequest(variant=args.variant, out_dir=Path("."), data_dir=args.data_dir))
    steps = int(args.seconds * SAMPLE_RATE)
    frames = 1 + steps // HOP
    real = spread([w[:steps] for w in validation.waves], validation.digits, frames)
    n = 10 * args.per_digit
    digits = torch.arange(n) % 10
    speakers = (torch.arange(n) // 10) % model.speakers
    rows = []
    for scale in args.scales:
        for temperature in args.temperatures:
            started = time.perf_counter()
            clips = list(generated(model, digits, speakers, args.seconds, temperature, args.seed, scale))
            read = read_digits(judge, clips).argmax(1)
            rows.append({"plan_scale": scale, "temperature": temperature,
                         **{k: v for k, v in scored("generated", read, digits).items() if k != "what"},
                         "variety_vs_real": round(spread(clips, digits, frames) / real, 3),
                         "seconds": round(time.perf_counter() - started, 1)})
            print(rows[-1], flush=True)
    print_table(rows)
    meta = {"variant": args.variant, "seed": args.seed, "seconds": args.seconds, "per_digit": args.per_digit,
            "real_validation_spread": round(real, 4), "validation_clips": len(validation.waves),
            "selection": "none: every generated clip is scored",
            "command": "python -m bench.wavenet_settings " + " ".join(sys.argv[1:] if argv is None else argv)}
    print(f"wrote {write_results('wavenet_settings', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
