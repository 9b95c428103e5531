"""Score a CycleGAN on the test split, once: face → drawing against the true XDoG drawings (L1,
edge F1) and the cycle reconstruction L1 per direction, all in [0, 1] units. The Inception FID of
drawing → face is `bench.cyclegan_quality`'s (it needs the metrics network, which training and
serving never load)."""

from __future__ import annotations

from typing import Any

from genhub.plugins.cyclegan.data import Domains
from genhub.plugins.cyclegan.metrics import edge_scores, l1
from genhub.plugins.cyclegan.model import CycleGAN
from genhub.plugins.cyclegan.train import translate_batches


def score_translation(model: CycleGAN, domains: Domains) -> dict[str, Any]:
    a, b = domains.test_a, domains.test_b
    drawn = translate_batches(model.face_to_drawing, a)
    faced = translate_batches(model.drawing_to_face, b)
    scores: dict[str, Any] = {
        "test_images_per_domain": len(a),
        "cycle_l1_a": l1(translate_batches(model.drawing_to_face, drawn * 2 - 1), a.float() / 255),
        "cycle_l1_b": l1(translate_batches(model.face_to_drawing, faced * 2 - 1), b.float() / 255),
    }
    if domains.test_a_drawings is not None:
        true = domains.test_a_drawings.float() / 255
        scores["a2b_l1"] = l1(drawn, true)
        scores.update({f"a2b_{k}": v for k, v in edge_scores(drawn, true).items()})
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}
