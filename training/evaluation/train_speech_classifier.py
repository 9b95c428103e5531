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

from genhub.training.data import load_fsdd
from genhub.training.evaluation.speech import SpokenDigitClassifier, fit_length, read_digits
from genhub.training.loop import FitConfig, fit
from genhub.training.model_card import write_model_card
from genhub.weights import save_weights


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
    x = torch.stack([fit_length(w) for w in train.waves])

    def loss_fn(model, batch, step):
        logits = model(augment(batch[0]))
        return {"loss": F.cross_entropy(logits, batch[1]), "accuracy": (logits.argmax(1) == batch[1]).float().mean()}

    def evaluate(model):
        return {"accuracy": float((read_digits(model, test.waves).argmax(1) == test.digits).float().mean())}

    torch.manual_seed(0)
    model_args = {"mels": 40, "channels": 32, "classes": 10}
    config = FitConfig(epochs=args.epochs, batch_size=64, lr=2e-3, weight_decay=1e-4, lr_schedule="cosine")
    result = fit(SpokenDigitClassifier(**model_args), [x, train.digits], loss_fn, config, args.out / "run",
                 torch.device(args.device), evaluate=evaluate, title="classifier/fsdd")
    model = result.model.cpu()
    accuracy = evaluate(model)["accuracy"]
    command = "python -m genhub.training.evaluation.train_speech_classifier " + shlex.join(
        sys.argv[1:] if argv is None else argv)
    full = {"plugin": "classifier", "variant": "fsdd", "model": model_args,
            "data": {"dataset": "fsdd", "sample_rate": 8000, "clip_samples": 8000, "value_range": [-1.0, 1.0],
                     "description": "FSDD v1.0.9: 2,700 training clips (takes 5-49), accuracy on the 300 test "
                                    "clips (takes 0-4; the same six speakers)."},
            "training": {"command": command, "epochs": args.epochs, "steps": result.steps,
                         "seconds": round(result.seconds, 1), "device": args.device},
            "metrics": {"test_accuracy": round(accuracy, 4)}}
    sha = save_weights(args.out, model, full)
    write_model_card(args.out, title="genhub judge — spoken digits (FSDD)",
                     summary="Log-mel CNN that scores whether generated audio says the requested digit.",
                     config=full, metrics={"test accuracy": accuracy}, sha256=sha,
                     datasets=["fsdd"])
    print(f"test accuracy {accuracy:.4f}; wrote {args.out} (sha256 {sha})")
    return args.out


if __name__ == "__main__":
    main()
