"""Sample-quality numbers on the judge's features: label accuracy, Fréchet distance, diversity.

The Fréchet distance is FID's formula (Heusel et al. 2017) on the judge classifier's
128-D penultimate features instead of Inception's, so it suits 28×28 grayscale images; its
scale is set by those features, so read it beside the real-vs-real floor.
"""

from __future__ import annotations

import numpy as np
import torch


def label_accuracy(probs: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of images (rows of ``probs`` (N, K)) whose most likely class is ``labels`` (N,)."""
    return float((probs.argmax(1) == labels.cpu()).float().mean())


def label_accuracy_per_class(probs: torch.Tensor, labels: torch.Tensor) -> list[float]:
    """`label_accuracy` of each class present in ``labels``, in class order."""
    labels = labels.cpu()
    hits = probs.argmax(1) == labels
    return [float(hits[labels == c].float().mean()) for c in labels.unique().tolist()]


def gaussian_stats(features: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) of features (N, D), in float64."""
    x = features.double().numpy()
    return x.mean(0), np.cov(x, rowvar=False)


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to features ``a`` (N, D) and ``b`` (M, D):
    |μa − μb|² + tr(Σa + Σb − 2 (Σa Σb)^½)."""
    mu_a, cov_a = gaussian_stats(a)
    mu_b, cov_b = gaussian_stats(b)
    # tr((Σa Σb)^½) = Σ sqrt(eig(Σa^½ Σb Σa^½)), all symmetric PSD: stable without scipy.
    vals, vecs = np.linalg.eigh(cov_a)
    root_a = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root)


def mean_pairwise_distance(features: torch.Tensor, limit: int = 1000) -> float:
    """Mean Euclidean distance between distinct rows of ``features`` (first ``limit`` rows):
    a diversity score; mode collapse drives it toward 0."""
    x = features[:limit].double()
    if len(x) < 2:
        return 0.0
    d = torch.cdist(x, x)
    return float(d.sum() / (len(x) * (len(x) - 1)))


def per_class_diversity(features: torch.Tensor, labels: torch.Tensor, classes: int = 10) -> list[float]:
    """`mean_pairwise_distance` within each class 0..classes-1 (NaN where a class is absent)."""
    return [mean_pairwise_distance(features[labels == k]) if (labels == k).sum() > 1 else float("nan")
            for k in range(classes)]
