"""WaveNet quality: test NLL in bits per sample (uniform: 8), and whether generated clips say
the requested digit, as read by the project's spoken-digit judge.

    python -m bench.wavenet_quality [--per-digit 10] [--seconds 0.6] [--checkpoint runs/wavenet/fsdd/checkpoint]

Generates ``--per-digit`` clips for each digit (speakers cycled; ≥ 100 clips in all), goal
≥ 70 % read as requested (chance: 10 %). Beside them, the judge's floor: the same scoring of
clips that say no digit (silence, white noise, babble cut from the test clips), each "asked" for
the digits in the same order, and the real test clips. Prints the confusion matrix of the
generated clips (asked → read, the last column "not a digit"). Writes
bench/results/wavenet_quality.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

from bench.report import print_table, write_results
from genhub.plugins.wavenet import PLUGIN
from genhub.plugins.wavenet.audio import decode
from genhub.plugins.wavenet.generation import draw_uniforms, generate_fast
from genhub.plugins.wavenet.quality import bits_per_sample
from genhub.plugins.wavenet.variants import RECIPES, SAMPLE_RATE, SILENCE
from genhub.training.data import load_fsdd
from genhub.training.evaluation.not_digits import not_digit_clips
from genhub.training.evaluation.speech import LABELS, NOT_A_DIGIT, load_speech_judge, read_digits
from genhub.weights import from_pretrained


def scored(what: str, read: torch.Tensor, asked: torch.Tensor) -> dict:
    """A table row: how often the judge's reading ``read`` (N,) equals ``asked`` (N,), and how
    often it hears some digit at all."""
    return {"what": what, "clips": len(read), "judge_accuracy": round(float((read == asked).float().mean()), 3),
            "read_as_a_digit": round(float((read != NOT_A_DIGIT).float().mean()), 3)}


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-digit", type=int, default=10)
    p.add_argument("--seconds", type=float, default=0.6)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--checkpoint", type=Path, default=None,
                   help="score a training run's checkpoint folder (the recipe's model) instead of the released weights")
    args = p.parse_args(argv)
    spec = PLUGIN.spec()
    if args.checkpoint:
        model = PLUGIN.build_model(RECIPES[spec.variant].model)
        model.load_state_dict(load_file(args.checkpoint / "model.safetensors"))
        model.eval()
    else:
        model = from_pretrained(PLUGIN, spec.variant).model
    judge, judge_config = load_speech_judge()
    bits = bits_per_sample(model, load_fsdd("test", args.data_dir), RECIPES[spec.variant])
    n = 10 * args.per_digit
    digits = torch.arange(n) % 10
    speakers = (torch.arange(n) // 10) % model.speakers
    steps = int(args.seconds * SAMPLE_RATE)
    levels = generate_fast(model, torch.full((n, 1), SILENCE), steps, digits, speakers, args.temperature,
                           draw_uniforms(n, steps, 0))
    clips = decode(levels[:, 1:])
    read = read_digits(judge, list(clips)).argmax(1)
    per_digit = [float((read[digits == d] == d).float().mean()) for d in range(10)]
    real = load_fsdd("test", args.data_dir)
    real_read = read_digits(judge, real.waves).argmax(1)
    rows = [scored("generated clips", read, digits) | {"test_bits_per_sample": round(bits, 4), "goal_accuracy": 0.7},
            scored("real FSDD test clips", real_read, real.digits)]
    floor = torch.Generator().manual_seed(3)
    for kind in ("silence", "white noise", "babble"):
        nothing = not_digit_clips(n, floor, real.waves, kinds=(kind,))
        rows.append(scored(f"floor: {kind}", read_digits(judge, list(nothing)).argmax(1), digits))
    print_table(rows)
    confusion = torch.zeros(10, len(LABELS), dtype=torch.long)
    confusion.index_put_((digits, read), torch.ones_like(read), accumulate=True)
    print("generated clips, asked (rows) → read (columns; the last: not a digit):")
    print("     " + " ".join(f"{label[:3]:>4}" for label in LABELS))
    for d in range(10):
        print(f"{d:>4} " + " ".join(f"{int(c):>4}" for c in confusion[d]))
    meta = {"seconds": args.seconds, "temperature": args.temperature, "per_digit_accuracy": per_digit,
            "confusion_asked_by_read": confusion.tolist(), "judge_classes": list(LABELS),
            "judge_test_accuracy": judge_config["metrics"]["test_accuracy"],
            "command": "python -m bench.wavenet_quality " + " ".join(sys.argv[1:] if argv is None else argv)}
    print("per digit:", " ".join(f"{d}:{a:.2f}" for d, a in enumerate(per_digit)))
    if not args.checkpoint:  # a checkpoint's score is a progress check, not a release measurement
        print(f"wrote {write_results('wavenet_quality', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
