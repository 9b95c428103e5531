"""The model card (README.md) of a VAE weights folder, from its config.json."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genhub.training.model_card import write_model_card

ARCHITECTURES = {"mlp": "fully connected", "conv": "convolutional"}
METRIC_NAMES = {
    "test_neg_elbo_nats": "test −ELBO (nats, 1 sample)",
    "iwae_nll_k1000_nats": "test NLL, importance-weighted, k = 1000 (nats)",
    "iwae_nll_k5000_nats": "test NLL, importance-weighted, k = 5000 (nats)",
}


def write_card(folder: Path, config: Mapping[str, Any], sha256: str) -> Path:
    metrics = {METRIC_NAMES.get(k, k): v for k, v in config.get("metrics", {}).items()}
    model = config["model"]
    return write_model_card(
        folder, title=f"genhub VAE — {config['variant']}",
        summary=(f"A variational autoencoder with a {model['latent_dim']}-D latent, "
                 f"{ARCHITECTURES[model['architecture']]} encoder and decoder, Bernoulli p(x|z), trained on "
                 "reconstruction BCE + KL(q(z|x) || N(0, I)). Load it with genhub: "
                 f"`genhub sample vae --variant {config['variant']} --out samples.png`."),
        config=config, metrics=metrics, sha256=sha256, datasets=["mnist"],
        sections={
            "Evaluation": "Measured on an H100 with `python -m bench.vae_quality --device cuda --k 1000` and "
                          "`--k 5000` (bench/results/vae_quality*.json): test digits binarized once with seed 0; "
                          "the NLL is the importance-weighted bound of Burda et al. (2015) with k samples from "
                          "q(z|x). Their 1-stochastic-layer VAE measures 86.76 nats.",
            "Samples": "Decoded prior samples z ~ N(0, I), seed 0:\n\n![samples](samples.png)",
            "Loss curve": "![loss curve](loss_curve.png)",
        })
