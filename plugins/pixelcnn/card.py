"""The PixelCNN's model-card wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText

METRIC_NAMES = {
    "test_nll_nats_first_2000": "test NLL, first 2,000 test digits (nats)",
    "test_nll_nats": "test NLL, 10,000 test digits (nats)",
    "test_nll_bits_per_dim_first_2000": "test NLL, first 2,000 test digits (bits/dim)",
    "test_nll_bits_per_dim": "test NLL, 10,000 test digits (bits/dim)",
    "test_nll_nats_no_label_first_2000": "test NLL without a label, first 2,000 test digits (nats)",
    "test_nll_nats_label_mixture_first_2000": "test NLL of the label mixture Σ_y p(x|y)/10, first 2,000 (nats)",
    "test_nll_nats_no_label": "test NLL without a label, 10,000 test digits (nats)",
    "test_nll_nats_label_mixture": "test NLL of the label mixture Σ_y p(x|y)/10, 10,000 test digits (nats)",
    "test_nll_bits_per_dim_no_label": "test NLL without a label, 10,000 test digits (bits/dim)",
}


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and evaluation notes of a PixelCNN weights folder, from its config.json."""
    m, variant = config["model"], config["variant"]
    output = "one Bernoulli per pixel" if m["levels"] == 2 else f"a {m['levels']}-way softmax per pixel"
    return CardText(
        title=f"genhub Gated PixelCNN — {variant}",
        summary=(f"A Gated PixelCNN (van den Oord et al. 2016b): {m['layers']} gated layers of {m['channels']} "
                 f"channels, kernel {m['kernel']}, vertical and horizontal stacks (no blind spot), residual and "
                 f"skip connections, {output}, conditioned on the digit (or on none). "
                 f"`genhub sample pixelcnn --variant {variant} --label 3 --count 16 --out x.png`."),
        task="unconditional-image-generation", metric_names=METRIC_NAMES,
        sections={"Evaluation": "Test NLL is given the true label unless the row says otherwise; the label mixture "
                                "is an unconditional density, the one to compare with unconditional models. "
                                "Reproduce with `python -m bench.pixelcnn_quality`."},
        samples_caption="Whole digits drawn pixel by pixel with labels 0-9, seed 0:")
