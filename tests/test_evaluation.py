"""The sample-quality harness: the judge on real test images, and the Fréchet distance."""

from __future__ import annotations

import pytest
import torch

from genhub.training.data import load_idx_dataset
from genhub.training.evaluation.classifier import Classifier, judge, load_judge
from genhub.training.evaluation.metrics import (
    frechet_distance,
    label_accuracy,
    mean_pairwise_distance,
    per_class_diversity,
)
from genhub.training.evaluation.train_classifier import augment


def test_frechet_distance_of_known_gaussians():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(20000, 4, generator=g)
    shifted = torch.randn(20000, 4, generator=g) + torch.tensor([1.0, 2.0, 0.0, 0.0])
    scaled = torch.randn(20000, 4, generator=g) * 2
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(a, shifted) == pytest.approx(5.0, abs=0.15)      # |Δμ|² = 1 + 4
    assert frechet_distance(a, scaled) == pytest.approx(4.0, abs=0.15)       # tr(I + 4I − 2·2I) = 4·(1+4−4)


def test_diversity_is_zero_for_copies_and_grows_with_spread():
    x = torch.randn(50, 8)
    assert mean_pairwise_distance(x[:1].repeat(50, 1)) == 0.0
    assert mean_pairwise_distance(2 * x) == pytest.approx(2 * mean_pairwise_distance(x))
    labels = torch.arange(50) % 5
    assert len(per_class_diversity(x, labels, classes=5)) == 5


@pytest.mark.parametrize("dataset,accuracy", [("mnist", 0.992), ("fashion-mnist", 0.90)])
def test_the_judge_reads_real_test_images_and_real_sets_sit_at_the_floor(dataset, accuracy, data_dir):
    classifier, config = load_judge(dataset)
    assert config["metrics"]["test_accuracy"] >= accuracy
    test, test_y = load_idx_dataset(dataset, "test", data_dir, limit=2000)
    train, _ = load_idx_dataset(dataset, "train", data_dir, limit=2000)
    probs, test_f = judge(classifier, test.float().div(255).unsqueeze(1))
    _, train_f = judge(classifier, train.float().div(255).unsqueeze(1))
    assert label_accuracy(probs, test_y) >= accuracy - 0.01
    floor = frechet_distance(train_f, test_f)
    shuffled = frechet_distance(train_f, judge(classifier, test.float().div(255).unsqueeze(1).flip(2, 3))[1])
    noise = frechet_distance(train_f, judge(classifier, torch.rand(500, 1, 28, 28))[1])
    assert shuffled > 3 * floor and noise > 10 * floor, "the distance must separate real from not-real"


def test_augmentation_keeps_digits_recognizable(data_dir):
    classifier, _ = load_judge("mnist")
    images, labels = load_idx_dataset("mnist", "test", data_dir, limit=500)
    x = images.float().div(255).unsqueeze(1)
    torch.manual_seed(0)
    moved = augment(x)
    assert moved.shape == x.shape and not torch.equal(moved, x)
    assert label_accuracy(judge(classifier, moved)[0], labels) > 0.97


def test_features_have_the_documented_shape():
    probs, features = judge(Classifier().eval(), torch.rand(3, 1, 28, 28))
    assert probs.shape == (3, 10) and features.shape == (3, 128)
    assert torch.allclose(probs.sum(1), torch.ones(3))
