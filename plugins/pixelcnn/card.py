"""The model card (README.md) of a PixelCNN weights folder, from its config.json."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genhub.training.model_card import write_model_card

METRIC_NAMES = {
    "test_nll_nats_first_2000": "test NLL, first 2,000 test digits (nats)",
    "test_nll_nats": "test NLL, 10,000 test digits (nats)",
    "test_nll_bits_per_dim_first_2000": "test NLL, first 2,000 test digits (bits/dim)",
    "test_nll_bits_per_dim": "test NLL, 10,000 test digits (bits/dim)",
    "test_nll_nats_no_label_first_2000": "test NLL without a label, first 2,000 test digits (nats)",
    "test_nll_nats_label_mixture_first_2000": "test NLL of the label mixture Σ_y p(x|y)/10, first 2,000 (nats)",
}


def write_card(folder: Path, config: Mapping[str, Any], sha256: str) -> Path:
    metrics = {METRIC_NAMES.get(k, k): v for k, v in config.get("metrics", {}).items()}
    m = config["model"]
    output = "one Bernoulli per pixel" if m["levels"] == 2 else f"a {m['levels']}-way softmax per pixel"
    return write_model_card(
        folder, title=f"genhub Gated PixelCNN — {config['variant']}",
        summary=(f"A Gated PixelCNN (van den Oord et al. 2016b): {m['layers']} gated layers of {m['channels']} "
                 f"channels, kernel {m['kernel']}, vertical and horizontal stacks (no blind spot), residual and "
                 f"skip connections, {output}, conditioned on the digit (or on none). "
                 f"`genhub sample pixelcnn --variant {config['variant']} --label 3 --count 16 --out x.png`."),
        config=config, metrics=metrics, sha256=sha256, datasets=["mnist"],
        sections={
            "Evaluation": "Test NLL is given the true label unless the row says otherwise; the label mixture "
                          "is an unconditional density, the one to compare with unconditional models. "
                          "Reproduce with `python -m bench.pixelcnn_quality`.",
            "Samples": "Whole digits drawn pixel by pixel with labels 0-9, seed 0:\n\n![samples](samples.png)",
            "Loss curve": "![loss curve](loss_curve.png)",
        })
