"""Translation scores that need no feature network: L1 and an edge F1 for drawings.

Drawings are dark lines on white in [0, 1]; a pixel is ink where it is below ½. The edge F1
allows a ``tolerance`` of pixels of misplacement, as boundary benchmarks (BSDS) do: precision is
the share of predicted ink within ``tolerance`` px (Chebyshev) of true ink, recall the share of
true ink within ``tolerance`` px of predicted ink; both pooled over all pixels of the set.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

INK = 0.5


def l1(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean absolute difference of two image batches in [0, 1] (same shape)."""
    return float((a.float() - b.float()).abs().mean())


def ink(drawings: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) in [0, 1] -> bool ink mask (N, 1, H, W) (mean over channels below ½)."""
    return drawings.float().mean(1, keepdim=True) < INK


def _near(mask: torch.Tensor, tolerance: int) -> torch.Tensor:
    if tolerance == 0:
        return mask
    return F.max_pool2d(mask.float(), 2 * tolerance + 1, stride=1, padding=tolerance) > 0


def edge_scores(predicted: torch.Tensor, true: torch.Tensor, tolerance: int = 1) -> dict[str, float]:
    """Precision, recall and F1 of ``predicted`` drawings' ink against ``true`` drawings' ink."""
    p, t = ink(predicted), ink(true)
    hits_p = (p & _near(t, tolerance)).sum().item()
    hits_t = (t & _near(p, tolerance)).sum().item()
    precision = hits_p / max(1, p.sum().item())
    recall = hits_t / max(1, t.sum().item())
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"edge_precision": precision, "edge_recall": recall, "edge_f1": f1}
