"""WaveNet quality: whether generated clips say the requested digit, as read by the project's
spoken-digit judge, beside what the judge reads in real, resynthesized and no-digit clips; and
the test NLL in bits per sample (uniform: 8).

    python -m bench.wavenet_quality [--variant fsdd-mel] [--per-digit 30] [--seconds 1.0]
                                    [--temperature 1.0] [--resynthesize 300] [--old-variant fsdd]

Generated: ``--per-digit`` clips for each digit (speakers cycled, seeds fixed; no clip is chosen
by the judge or anything else). Goal: ≥ 85 % read as requested, every digit ≥ 60 % (chance:
10 %). Beside them:

- the real FSDD test clips (takes 0-4, all 300);
- a planned variant's vocoder mode: the first ``--resynthesize`` test clips said again from
  their own plans, digit and speaker not given;
- the judge's floor: silence, white noise, and babble (test clips cut into 25 ms pieces and
  shuffled), each "asked" for the digits in the same order, and the old variant's clips
  (``--old-variant``; its word-shaped babble);
- a confusion matrix of the generated clips (asked → read, the last column "not a digit").

Writes bench/results/wavenet_quality.json (or ``--out``). The test NLL of a planned variant is
its vocoder's, given each test clip's own plan.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from bench.report import print_table, write_results
from genhub.plugins.wavenet import PLUGIN
from genhub.plugins.wavenet.audio import decode, normalize
from genhub.plugins.wavenet.generation import draw_uniforms, generate_fast
from genhub.plugins.wavenet.planner import PlannedWaveNet
from genhub.plugins.wavenet.quality import bits_per_sample
from genhub.plugins.wavenet.sample import draw_plans, wave_plan
from genhub.plugins.wavenet.variants import RECIPES, SAMPLE_RATE, SILENCE
from genhub.training.data import load_fsdd
from genhub.training.evaluation.not_digits import not_digit_clips
from genhub.training.evaluation.speech import LABELS, NOT_A_DIGIT, load_speech_judge, read_digits
from genhub.weights import from_pretrained

GOAL, DIGIT_GOAL = 0.85, 0.6


def scored(what: str, read: torch.Tensor, asked: torch.Tensor) -> dict:
    """A table row: how often the judge's reading ``read`` (N,) equals ``asked`` (N,), the worst
    digit's share, and how often it hears some digit at all."""
    worst = min(float((read[asked == d] == d).float().mean()) for d in asked.unique().tolist())
    return {"what": what, "clips": len(read), "judge_accuracy": round(float((read == asked).float().mean()), 3),
            "worst_digit": round(worst, 3), "read_as_a_digit": round(float((read != NOT_A_DIGIT).float().mean()), 3)}


def generated(model: torch.nn.Module, digits: torch.Tensor, speakers: torch.Tensor, seconds: float,
              temperature: float, seed: int = 0, plan_scale: float = 1.0) -> torch.Tensor:
    """Clips (N, T) in [-1, 1] saying ``digits`` in ``speakers``' voices, one batch, seeded; a
    planned variant draws its plans' latents from N(0, plan_scale²)."""
    n, steps = len(digits), int(seconds * SAMPLE_RATE)
    plan, wavenet = None, model
    if isinstance(model, PlannedWaveNet):
        plan, wavenet = draw_plans(model, n, digits, speakers, seed, None, steps, plan_scale), model.vocoder
    levels = generate_fast(wavenet, torch.full((n, 1), SILENCE), steps, digits, speakers, temperature,
                           draw_uniforms(n, steps, seed), plan=plan)
    return decode(levels[:, 1:])


def resynthesized(model: PlannedWaveNet, waves: list[torch.Tensor], temperature: float, seed: int = 0) -> list:
    """Each clip said again by the vocoder from its own plan (no digit, no speaker), one batch."""
    waves = [normalize(w) for w in waves]
    steps = max(len(w) for w in waves)
    padded = torch.stack([torch.nn.functional.pad(w, (0, steps - len(w))) for w in waves])
    plans = torch.cat([wave_plan(w) for w in padded])
    levels = generate_fast(model.vocoder, torch.full((len(waves), 1), SILENCE), steps, None, None, temperature,
                           draw_uniforms(len(waves), steps, seed), plan=plans)
    return [decode(row[1:1 + len(w)]) for row, w in zip(levels, waves)]


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", default=PLUGIN.spec().variant)
    p.add_argument("--per-digit", type=int, default=30)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--resynthesize", type=int, default=300, help="test clips to say again (planned variants)")
    p.add_argument("--old-variant", default="fsdd", help="a variant whose clips join the floor; '' for none")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    model = from_pretrained(PLUGIN, args.variant).model
    judge, judge_config = load_speech_judge()
    real = load_fsdd("test", args.data_dir)
    wavenet = model.vocoder if isinstance(model, PlannedWaveNet) else model
    bits = bits_per_sample(wavenet, real, RECIPES[args.variant])
    n = 10 * args.per_digit
    digits = torch.arange(n) % 10
    speakers = (torch.arange(n) // 10) % model.speakers
    started = time.perf_counter()
    clips = generated(model, digits, speakers, args.seconds, args.temperature)
    seconds = time.perf_counter() - started
    read = read_digits(judge, list(clips)).argmax(1)
    per_digit = [round(float((read[digits == d] == d).float().mean()), 3) for d in range(10)]
    rows = [scored(f"generated ({args.variant})", read, digits)
            | {"goal": f"≥ {GOAL:.0%}, every digit ≥ {DIGIT_GOAL:.0%}"},
            scored("real FSDD test clips", read_digits(judge, real.waves).argmax(1), real.digits)]
    if isinstance(model, PlannedWaveNet) and args.resynthesize:
        some = slice(0, args.resynthesize)
        again = resynthesized(model, real.waves[some], args.temperature)
        rows.append(scored("resynthesized test clips (vocoder mode)", read_digits(judge, again).argmax(1),
                           real.digits[some]))
    floor = torch.Generator().manual_seed(3)
    for kind in ("silence", "white noise", "babble"):
        nothing = not_digit_clips(n, floor, real.waves, kinds=(kind,))
        rows.append(scored(f"floor: {kind}", read_digits(judge, list(nothing)).argmax(1), digits))
    if args.old_variant and args.old_variant != args.variant:
        old = from_pretrained(PLUGIN, args.old_variant).model
        old_read = read_digits(judge, list(generated(old, digits, speakers, 0.6, 1.0))).argmax(1)
        rows.append(scored(f"floor: the old {args.old_variant} variant's clips", old_read, digits))
    for row in rows:
        row["test_bits_per_sample"] = round(bits, 4) if row is rows[0] else None
    print_table(rows)
    confusion = torch.zeros(10, len(LABELS), dtype=torch.long)
    confusion.index_put_((digits, read), torch.ones_like(read), accumulate=True)
    print("generated clips, asked (rows) → read (columns; the last: not a digit):")
    print("     " + " ".join(f"{label[:3]:>4}" for label in LABELS))
    for d in range(10):
        print(f"{d:>4} " + " ".join(f"{int(c):>4}" for c in confusion[d]))
    print("per digit:", " ".join(f"{d}:{a:.2f}" for d, a in enumerate(per_digit)))
    meta = {"variant": args.variant, "seconds": args.seconds, "temperature": args.temperature,
            "per_digit_accuracy": per_digit, "confusion_asked_by_read": confusion.tolist(),
            "judge_classes": list(LABELS), "judge_test_accuracy": judge_config["metrics"]["test_accuracy"],
            "generation_seconds": round(seconds, 1), "goal_met": rows[0]["judge_accuracy"] >= GOAL
            and min(per_digit) >= DIGIT_GOAL, "selection": "none: every generated clip is scored",
            "test_bits_per_sample": "given each test clip's own plan" if isinstance(model, PlannedWaveNet)
            else "given digit and speaker",
            "command": "python -m bench.wavenet_quality " + " ".join(sys.argv[1:] if argv is None else argv)}
    print(f"wrote {write_results('wavenet_quality', rows, meta, args.out)}")
    return rows


if __name__ == "__main__":
    main()
