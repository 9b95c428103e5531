"""Train the spoken-digit judge: ``python -m genhub.training.evaluation.train_speech_classifier``.

FSDD takes 5-49 train, takes 0-4 test; light augmentation (random gain and time shift).
Writes ``weights/classifier/fsdd/``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

from genhub.training.data import carve_validation, load_fsdd
from genhub.training.evaluation.speech import SpokenDigitClassifier, fit_length, read_digits
from genhub.training.loop import FitConfig, fit
from genhub.training.model_card import CardText
from genhub.training.release import release, training_record


def augment(wave: torch.Tensor) -> torch.Tensor:
    """Random gain (0.5-1.2×) and a random delay of up to 0.1 s, per clip: (N, T) -> (N, T)."""
    n, t = wave.shape
    gain = torch.empty(n, 1, device=wave.device).uniform_(0.5, 1.2)
    shift = torch.randint(0, 800, (n,), device=wave.device)
    index = (torch.arange(t, device=wave.device)[None] - shift[:, None])
    shifted = torch.where(index >= 0, wave.gather(1, index.clamp(min=0)), torch.zeros((), device=wave.device))
    return shifted * gain


def main(argv: list[str] | None = None) -> Path:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=None)
    p.add_argument("--out", type=Path, default=Path("weights/classifier/fsdd"))
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--device", default="cpu")
    args = p.parse_args(argv)
    train, test = load_fsdd("train", args.data_dir), load_fsdd("test", args.data_dir)
    (x, digits), (val_x, val_digits) = carve_validation(torch.stack([fit_length(w) for w in train.waves]),
                                                        train.digits, size=len(train.waves) // 10)

    def loss_fn(model, batch, step):
        logits = model(augment(batch[0]))
        return {"loss": F.cross_entropy(logits, batch[1]), "accuracy": (logits.argmax(1) == batch[1]).float().mean()}

    def accuracy_on(model, waves, wanted) -> float:
        return float((read_digits(model, waves).argmax(1) == wanted).float().mean())

    def evaluate(model):  # per epoch, on the held-out training clips; the test clips are scored once, below
        return {"accuracy": accuracy_on(model, list(val_x), val_digits)}

    torch.manual_seed(0)
    config = FitConfig(epochs=args.epochs, batch_size=64, lr=2e-3, weight_decay=1e-4, lr_schedule="cosine")
    model = SpokenDigitClassifier(mels=40, channels=32, classes=10)
    result = fit(model, [x, digits], loss_fn, config, args.out / "run",
                 torch.device(args.device), evaluate=evaluate, title="classifier/fsdd")
    model = result.model.cpu()
    accuracy = accuracy_on(model, test.waves, test.digits)
    command = "python -m genhub.training.evaluation.train_speech_classifier " + shlex.join(
        sys.argv[1:] if argv is None else argv)
    data = {"dataset": "fsdd", "sample_rate": 8000, "clip_samples": 8000, "value_range": [-1.0, 1.0],
            "description": f"FSDD v1.0.9: {len(x):,} training clips of takes 5-49 ({len(val_x)} more held out for "
                           "validation), accuracy on the 300 test "
                           "clips (takes 0-4; the same six speakers)."}
    training = training_record(command=command, device=args.device, steps=result.steps, seconds=result.seconds,
                               fit=config, validation_examples=len(val_x))
    card = CardText(title="genhub judge — spoken digits (FSDD)",
                    summary="Log-mel CNN that scores whether generated audio says the requested digit.",
                    task="audio-classification", metric_names={"test_accuracy": "test accuracy"})
    release(args.out, model, plugin="classifier", variant="fsdd", data=data, training=training,
            metrics={"test_accuracy": round(accuracy, 4)}, card=lambda config: card)
    print(f"test accuracy {accuracy:.4f}")
    return args.out


if __name__ == "__main__":
    main()
