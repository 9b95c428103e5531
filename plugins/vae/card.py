"""The VAE's model-card wording; the release step (`genhub.training.release`) writes the card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genhub.training.model_card import CardText

ARCHITECTURES = {"mlp": "fully connected", "conv": "convolutional"}
METRIC_NAMES = {
    "test_neg_elbo_nats": "test −ELBO (nats, 1 sample)",
    "iwae_nll_k1000_nats": "test NLL, importance-weighted, k = 1000 (nats)",
    "iwae_nll_k5000_nats": "test NLL, importance-weighted, k = 5000 (nats)",
}


def card_text(config: Mapping[str, Any]) -> CardText:
    """Title, summary and evaluation notes of a VAE weights folder, from its config.json."""
    model, variant = config["model"], config["variant"]
    return CardText(
        title=f"genhub VAE — {variant}",
        summary=(f"A variational autoencoder with a {model['latent_dim']}-D latent, "
                 f"{ARCHITECTURES[model['architecture']]} encoder and decoder, Bernoulli p(x|z), trained on "
                 "reconstruction BCE + KL(q(z|x) || N(0, I)). Load it with genhub: "
                 f"`genhub sample vae --variant {variant} --out samples.png`."),
        task="unconditional-image-generation", metric_names=METRIC_NAMES,
        sections={"Evaluation": "Measured on an H100 with `python -m bench.vae_quality --device cuda --k 1000` and "
                                "`--k 5000` (bench/results/vae_quality*.json): test digits binarized once with seed "
                                "0; the NLL is the importance-weighted bound of Burda et al. (2015) with k samples "
                                "from q(z|x). Their 1-stochastic-layer VAE measures 86.76 nats."},
        samples_caption="Decoded prior samples z ~ N(0, I), seed 0:")
