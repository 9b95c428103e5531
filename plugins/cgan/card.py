"""The model card (README.md) of a CGAN weights folder, from its config.json."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genhub.training.model_card import write_model_card


def write_card(folder: Path, config: Mapping[str, Any], sha256: str) -> Path:
    m = config.get("metrics", {})
    metrics = {k: v for k, v in m.items() if not isinstance(v, list)}
    t = config["training"]
    return write_model_card(
        folder, title=f"genhub conditional GAN — {config['variant']}",
        summary=(f"A class-conditional DCGAN with a projection discriminator, trained with the "
                 f"`{t['objective']}` objective ({t['d_steps_per_g_step']} D step(s) per G step), "
                 f"EMA generator (decay {t['ema_decay']}). "
                 f"`genhub sample cgan --variant {config['variant']} --label 7 --count 100 --out x.png`."),
        config=config, metrics=metrics, sha256=sha256, datasets=[config["data"]["dataset"]],
        sections={
            "Evaluation": "1,000 samples per class, scored by the project's judge classifier "
                          "(`weights/classifier/`): label accuracy = share read as the requested class; Fréchet "
                          "distance on the judge's 128-D penultimate features against the 10,000 test images, beside "
                          "the floor (10,000 real training images vs the test images); diversity = mean pairwise "
                          "feature distance within a class, generated over real. Reproduce with "
                          "`python -m bench.cgan_quality`.",
            "Samples": "Seed 0, one column per class:\n\n![samples](samples.png)",
            "Loss curve": "![loss curve](loss_curve.png)",
        })
