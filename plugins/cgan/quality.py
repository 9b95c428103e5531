"""Score a conditional generator with the judge: label accuracy, Fréchet distance to the test
set beside the real-vs-real floor, per-class diversity beside real digits'."""

from __future__ import annotations

from typing import Any

import torch

from genhub.training.data import load_idx_dataset
from genhub.training.evaluation.classifier import judge, load_judge
from genhub.training.evaluation.metrics import (
    frechet_distance,
    label_accuracy,
    label_accuracy_per_class,
    per_class_diversity,
)


def real_reference(dataset: str, data_dir=None, per_class: int = 1000) -> dict[str, Any]:
    """Judge features of the test set and the floor: Fréchet distance between the first
    ``10·per_class`` training images and the test images."""
    classifier, _ = load_judge(dataset)
    test, test_y = load_idx_dataset(dataset, "test", data_dir)
    train, _ = load_idx_dataset(dataset, "train", data_dir, limit=10 * per_class)
    _, test_f = judge(classifier, test.float().div(255).unsqueeze(1))
    _, train_f = judge(classifier, train.float().div(255).unsqueeze(1))
    return {"features": test_f, "labels": test_y, "floor": frechet_distance(train_f, test_f),
            "diversity": per_class_diversity(test_f, test_y)}


def score_images(images: torch.Tensor, labels: torch.Tensor, dataset: str, reference: dict[str, Any]) -> dict[str, Any]:
    """Scores of generated images (N, 1, 28, 28) in [0, 1] drawn for ``labels`` (N,)."""
    classifier, _ = load_judge(dataset)
    probs, feats = judge(classifier, images)
    diversity = per_class_diversity(feats, labels)
    real = reference["diversity"]
    per_class = [round(v, 4) for v in label_accuracy_per_class(probs, labels)]
    return {
        "label_accuracy": round(label_accuracy(probs, labels), 4),
        "label_accuracy_per_class": per_class,
        "worst_class_accuracy": min(per_class),
        "frechet_distance": round(frechet_distance(feats, reference["features"]), 3),
        "frechet_floor_real_vs_real": round(reference["floor"], 3),
        "frechet_ratio_to_floor": round(frechet_distance(feats, reference["features"]) / reference["floor"], 2),
        "diversity_ratio_to_real": round(sum(diversity) / sum(real), 3),
        "diversity_per_class": [round(v, 3) for v in diversity],
        "diversity_real_per_class": [round(v, 3) for v in real],
    }


def score_generator(model, dataset: str, data_dir=None, per_class: int = 1000, seed: int = 12345,
                    reference: dict[str, Any] | None = None) -> dict[str, Any]:
    """Draw ``per_class`` samples of each class (seeded) and score them with `score_images`."""
    from genhub.plugins.cgan.sample import generate, noise_block

    reference = reference or real_reference(dataset, data_dir, per_class)
    labels = torch.arange(model.classes).repeat_interleave(per_class)
    z = noise_block(seed, len(labels), model.z_dim)
    images = torch.cat([generate(model, zc, yc) for zc, yc in zip(z.split(2000), labels.split(2000))])
    return {"samples_scored": len(labels), **score_images(images, labels, dataset, reference)}
