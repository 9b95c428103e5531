"""The CGAN's model-card wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and evaluation notes of a CGAN weights folder, from its config.json."""
    t, variant = config["training"], config["variant"]
    head = " and an auxiliary class head (AC-GAN loss, weight " f"{t['aux_class_weight']})" \
        if t.get("aux_class_weight") else ""
    chosen = t.get("selected") or {}
    selection = (f" The kept EMA generator is the one of step {chosen['step']}, chosen on the judge's label accuracy "
                 f"of fresh samples against {t['validation_examples']:,} training images held out for validation."
                 if chosen else "")
    return CardText(
        title=f"genhub conditional GAN — {variant}",
        summary=(f"A class-conditional DCGAN with a projection discriminator{head}, trained with the "
                 f"`{t['objective']}` objective ({t['d_steps_per_g_step']} D step(s) per G step), EMA generator "
                 f"(decay {t['ema_decay']}).{selection} "
                 f"`genhub sample cgan --variant {variant} --label 7 --count 100 --out x.png`."),
        task="unconditional-image-generation",
        headline=("label_accuracy", "frechet_distance", "frechet_ratio_to_floor"),
        sections={"Evaluation": "1,000 samples per class, scored once, at the end, by the project's judge classifier "
                                "(`weights/classifier/`): label accuracy = share read as the requested class; Fréchet "
                                "distance on the judge's 128-D penultimate features against the 10,000 test images, "
                                "beside the floor (10,000 real training images vs the test images); diversity = mean "
                                "pairwise feature distance within a class, generated over real. Reproduce with "
                                "`python -m bench.cgan_quality`."},
        samples_caption="Seed 0, one column per class:")
