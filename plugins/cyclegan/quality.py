"""Score a CycleGAN on the test split, once: face → drawing against the true XDoG drawings (L1,
edge F1) and the cycle reconstruction L1 per direction, all in [0, 1] units. The Inception FID of
drawing → face is `bench.cyclegan_quality`'s (it needs the metrics network, which training and
serving never load)."""

from __future__ import annotations

from typing import Any

import torch

from genhub.plugins.cyclegan.data import Domains
from genhub.plugins.cyclegan.metrics import edge_scores, l1
from genhub.plugins.cyclegan.model import CycleGAN, from_unit
from genhub.plugins.cyclegan.train import translate_batches


def translation_scores(model: CycleGAN, a: torch.Tensor, b: torch.Tensor,
                       a_drawings: torch.Tensor | None = None) -> dict[str, float]:
    """Faces ``a`` and drawings ``b`` (uint8 (N, 3, H, W)) -> cycle L1 per direction (``cycle_l1_a``,
    ``cycle_l1_b``) and, with the faces' true drawings ``a_drawings``, face → drawing ``l1`` and
    ``edge_precision``, ``edge_recall``, ``edge_f1``; all in [0, 1] units, unrounded."""
    drawn = translate_batches(model.face_to_drawing, a)
    faced = translate_batches(model.drawing_to_face, b)
    scores = {"cycle_l1_a": l1(translate_batches(model.drawing_to_face, from_unit(drawn)), a.float() / 255),
              "cycle_l1_b": l1(translate_batches(model.face_to_drawing, from_unit(faced)), b.float() / 255)}
    if a_drawings is not None:
        true = a_drawings.float() / 255
        scores["l1"] = l1(drawn, true)
        scores.update(edge_scores(drawn, true))
    return scores


def score_translation(model: CycleGAN, domains: Domains) -> dict[str, Any]:
    """The test split's `translation_scores`, face → drawing ones prefixed ``a2b_``, rounded to 4 places."""
    scores = translation_scores(model, domains.test_a, domains.test_b, domains.test_a_drawings)
    return {"test_images_per_domain": len(domains.test_a),
            **{(k if k.startswith("cycle") else f"a2b_{k}"): round(v, 4) for k, v in scores.items()}}
