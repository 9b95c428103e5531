"""Measure the released variants on the whole MNIST test set, ODE beside LSTM.

    python -m genhub_dynamics.bench [--limit N] [--record] [--out results/quality.json]
    python -m genhub_dynamics.bench --train-steps 100     # training speed instead

Every test digit is turned once at a seeded speed from the training range (16.9° to 28.1° per
frame, either way); each model reads frames 0-2 and renders frames 0-31, twice the 16-frame
training horizon. Reported per variant:

- pixel MSE (pixels in [0, 1]) against the truly turned digit, mean over frames 0-15 (1×,
  the horizon, context frames included) and 16-31 (2×, never trained on), per frame in the JSON;
  beside it the static baseline that holds frame 2 still;
- the MNIST judge (genhub's released classifier) on the generated frames turned back upright by
  the true angle: the share read as the digit's label, at 1× and 2×. So the judge does not
  flatter, the same is reported for the true frames turned and turned back (the ceiling: two
  resamplings blur a little), for blank frames and for uniform noise (labels as the test set's).

Prints a table; writes the JSON (``--out``); ``--record`` also writes the numbers into the
package's weights folders (config.json and model card).

``--train-steps N`` times N optimizer steps of each variant's recipe instead (after 5 warm-up
steps, on MNIST training digits, this machine's threads) and the whole recipe's optimizer steps
at that rate: the training time on a machine doing nothing else, where the time a weights
folder records is whatever the machine was also doing then. Writes results/train_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch
from genhub.training.data import load_idx_dataset
from genhub.training.evaluation.classifier import judge, load_judge
from genhub.weights import from_pretrained

from genhub_dynamics import PLUGIN
from genhub_dynamics.data import HORIZON, rotate
from genhub_dynamics.quality import SequenceSet, frame_errors, predict, seeded_sequences

FRAMES = 2 * HORIZON
PACKAGE = Path(__file__).resolve().parent


@torch.no_grad()
def judge_accuracy(frames_of, sequences: SequenceSet, labels: torch.Tensor, batch: int = 250) -> dict[str, float]:
    """Share of frames the MNIST judge reads as the label, once turned back upright by the true
    angle: ``frames_of(index) -> (n, F, 1, 28, 28)`` for sequences ``index``; over frames 0-15
    (``judge_1x``) and 16-31 (``judge_2x``)."""
    model, _ = load_judge("mnist")
    times = torch.arange(FRAMES, dtype=torch.float32)
    hits = torch.zeros(FRAMES)
    for begin in range(0, len(sequences), batch):
        index = slice(begin, begin + batch)
        frames = frames_of(index)
        n = len(frames)
        angles = -(sequences.speeds[index, None] * times[None]).reshape(-1)
        upright = rotate(frames.reshape(n * FRAMES, 1, 28, 28), angles)
        probabilities, _ = judge(model, upright)
        hits += (probabilities.argmax(1).view(n, FRAMES) == labels[index, None]).float().sum(0)
    share = hits / len(sequences)
    return {"judge_1x": float(share[:HORIZON].mean()), "judge_2x": float(share[HORIZON:].mean())}


def train_speed(steps: int, data_dir: str | None) -> list[dict]:
    """Seconds per optimizer step of each recipe, and the recipe's whole training at that rate."""
    from genhub_dynamics.model import DynamicsVAE
    from genhub_dynamics.train import VALIDATION_DIGITS, recipe_loss
    from genhub_dynamics.variants import RECIPES

    digits, _ = load_idx_dataset("mnist", "train", data_dir)
    rows = []
    for variant, recipe in RECIPES.items():
        torch.manual_seed(0)
        model = DynamicsVAE(**recipe.model)
        optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr)
        loss_fn = recipe_loss(recipe)
        batches = digits[: (steps + 5) * recipe.batch_size].float().div(255).unsqueeze(1).split(recipe.batch_size)
        for index, batch in enumerate(batches):
            if index == 5:
                started = time.perf_counter()
            loss = loss_fn(model, [batch], index)["loss"]
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        per_step = (time.perf_counter() - started) / steps
        recipe_steps = recipe.epochs * -(-(len(digits) - VALIDATION_DIGITS) // recipe.batch_size)
        rows.append({"variant": variant, "seconds_per_step": round(per_step, 4), "recipe_steps": recipe_steps,
                     "recipe_minutes": round(per_step * recipe_steps / 60, 1)})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="first N test digits only (default: all 10,000)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", type=Path, default=PACKAGE.parent / "results" / "quality.json")
    parser.add_argument("--record", action="store_true", help="write the metrics into the package's weights")
    parser.add_argument("--train-steps", type=int, default=None, help="time this many training steps instead")
    args = parser.parse_args(argv)
    command = "python -m genhub_dynamics.bench " + " ".join(sys.argv[1:] if argv is None else argv)
    if args.train_steps:
        rows = train_speed(args.train_steps, args.data_dir)
        _print_table(rows)
        _write(args.out.with_name("train_speed.json"), {"command": command, "steps": args.train_steps}, rows)
        return rows
    digits, labels = load_idx_dataset("mnist", "test", args.data_dir, args.limit)
    sequences = seeded_sequences(digits.float().div(255).unsqueeze(1), seed=0)
    times = torch.arange(FRAMES, dtype=torch.float32)
    rows, per_frame = [], {}
    noise = torch.rand(len(sequences), FRAMES, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    references = {
        "true frames (ceiling)": lambda index: sequences.frames(times, index),
        "blank frames": lambda index: torch.zeros(len(sequences.digits[index]), FRAMES, 1, 28, 28),
        "uniform noise": lambda index: noise[index],
    }
    for name, frames_of in references.items():
        rows.append({"frames": name, "mse_1x": "", "mse_2x": "", **judge_accuracy(frames_of, sequences, labels)})
    for spec in PLUGIN.variants:
        loaded = from_pretrained(PLUGIN, spec.variant)
        started = time.perf_counter()
        errors = frame_errors(loaded.model, sequences, FRAMES)
        scores = judge_accuracy(lambda index, m=loaded.model: predict(m, sequences, times, index), sequences, labels)
        per_frame[spec.variant] = errors["per_frame"]
        rows.append({"frames": f"dynamics/{spec.variant}", "mse_1x": errors["mse_1x"], "mse_2x": errors["mse_2x"],
                     **scores, "seconds": round(time.perf_counter() - started, 1)})
        if spec.variant == PLUGIN.default_variant:
            rows.insert(len(references), {"frames": "static baseline (frame 2 held)", "mse_1x": errors["static_mse_1x"],
                                          "mse_2x": errors["static_mse_2x"], "judge_1x": "", "judge_2x": ""})
        if args.record:
            from genhub.training.release import record_metrics

            from genhub_dynamics.card import card_text

            # A subset is named in the metric's key, so it never reads as a whole-test-set number.
            subset = "" if args.limit is None else f"_first{len(sequences)}"
            metrics = {f"judge_accuracy_1x{subset}": round(100 * scores["judge_1x"], 2),
                       f"judge_accuracy_2x{subset}": round(100 * scores["judge_2x"], 2)}
            if not subset:  # training already scored the whole test set's MSE; a subset's would only confuse
                metrics.update(test_mse_1x=round(errors["mse_1x"], 5), test_mse_2x=round(errors["mse_2x"], 5))
            record_metrics(PACKAGE / "weights" / spec.variant, metrics, card_text)
    _print_table(rows)
    _write(args.out, {"command": command, "test_digits": len(sequences), "frames": FRAMES, "horizon": HORIZON},
           rows, per_frame_mse=per_frame)
    return rows


def _write(out: Path, meta: dict, rows: list[dict], **extra: object) -> None:
    machine = {"python": platform.python_version(), "torch": torch.__version__, "threads": torch.get_num_threads(),
               "cpu": platform.machine(), "cores": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "machine": machine, "rows": rows, **extra}, indent=2) + "\n")
    print(f"wrote {out}")


def _print_table(rows: list[dict]) -> None:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[f"{row.get(k, ''):.4g}" if isinstance(row.get(k), float) else str(row.get(k, "")) for k in keys]
             for row in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))


if __name__ == "__main__":
    main()
