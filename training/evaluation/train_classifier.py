"""Train a judge classifier: ``python -m genhub.training.evaluation.train_classifier --dataset mnist``.

Writes ``weights/classifier/<dataset>/`` (or ``--out``): weights, config with test accuracy,
model card. Light augmentation (random shifts up to 2 px and rotations up to 10°).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from genhub.training.data import IDX_DATASETS, carve_validation, load_idx_dataset
from genhub.training.evaluation.classifier import Classifier, judge
from genhub.training.loop import FitConfig, fit
from genhub.training.model_card import CardText
from genhub.training.release import release, training_record


def augment(x: torch.Tensor) -> torch.Tensor:
    """Random per-image shift (≤ 2 px) and rotation (≤ 10°) of (N, 1, 28, 28)."""
    n = len(x)
    angle = (torch.rand(n, device=x.device) * 2 - 1) * (10 * torch.pi / 180)
    shift = (torch.rand(n, 2, device=x.device) * 2 - 1) * (2 / 14)  # grid units: 14 px = 1
    cos, sin = angle.cos(), angle.sin()
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def main(argv: list[str] | None = None) -> Path:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", choices=sorted(IDX_DATASETS), default="mnist")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--limit", type=int, default=None, help="first N training images (smoke tests)")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--device", default="cpu")
    args = p.parse_args(argv)
    out = args.out or Path("weights/classifier") / args.dataset
    images, labels = load_idx_dataset(args.dataset, "train", args.data_dir, args.limit)
    test_images, test_labels = load_idx_dataset(args.dataset, "test", args.data_dir)
    (x, labels), (val_x, val_labels) = carve_validation(images.float().div(255).unsqueeze(1), labels,
                                                        size=min(5000, max(1, len(images) // 10)))
    test_x = test_images.float().div(255).unsqueeze(1)

    def loss_fn(model, batch, step):
        logits = model(augment(batch[0]))
        loss = F.cross_entropy(logits, batch[1])
        return {"loss": loss, "accuracy": (logits.argmax(1) == batch[1]).float().mean()}

    def accuracy_on(model, images, wanted) -> float:
        probs, _ = judge(model, images)
        return float((probs.argmax(1) == wanted).float().mean())

    def evaluate(model):  # per epoch, on the held-out training images; the test set is scored once, below
        return {"accuracy": accuracy_on(model, val_x, val_labels)}

    torch.manual_seed(0)
    config = FitConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, max_steps=args.max_steps,
                       weight_decay=1e-4, lr_schedule="cosine")
    model = Classifier(classes=len(IDX_DATASETS[args.dataset].classes), channels=32, dropout=0.3)
    result = fit(model, [x, labels], loss_fn, config, out / "run", torch.device(args.device),
                 evaluate=evaluate, title=f"classifier/{args.dataset}")
    model = result.model.cpu()
    accuracy = accuracy_on(model, test_x, test_labels)
    command = "python -m genhub.training.evaluation.train_classifier " + shlex.join(
        sys.argv[1:] if argv is None else argv)
    data = {"dataset": args.dataset, "image_size": 28, "channels": 1, "value_range": [0.0, 1.0],
            "classes": list(IDX_DATASETS[args.dataset].classes),
            "description": f"{args.dataset}: {len(x):,} training images ({len(val_x):,} more held out for validation), "
                           "augmented with random "
                           "shifts ≤ 2 px and rotations ≤ 10°; accuracy on the 10,000 test images."}
    training = training_record(command=command, device=args.device, steps=result.steps, seconds=result.seconds,
                               fit=config, validation_examples=len(val_x))
    release(out, model, plugin="classifier", variant=args.dataset, data=data, training=training,
            metrics={"test_accuracy": round(accuracy, 4)}, card=card_text)
    print(f"test accuracy {accuracy:.4f}")
    return out


def card_text(config: Mapping[str, Any]) -> CardText:
    """The image judge's model-card wording."""
    return CardText(title=f"genhub judge classifier — {config['variant']}",
                    summary="The classifier that scores generated images (label accuracy, and the 128-D "
                            "features of its penultimate layer for the Fréchet distance and diversity). "
                            "Not a demo: the measuring stick of `training/evaluation/`.",
                    task="image-classification", metric_names={"test_accuracy": "test accuracy"})


if __name__ == "__main__":
    main()
