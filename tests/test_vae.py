"""The VAE's pieces: its objective, its likelihood bound, and the latent map's geometry."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

from genhub.plugins.vae.latent_map import MapFrame, plane_coordinates, plane_point
from genhub.plugins.vae.model import VAE, gaussian_kl, importance_weighted_nll, negative_elbo
from genhub.plugins.vae.train import binarize_fixed
from genhub.training.data import load_idx_dataset


def test_closed_form_kl_matches_torch_distributions():
    mu, logvar = torch.randn(5, 3), torch.randn(5, 3)
    reference = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(-1)
    assert torch.allclose(gaussian_kl(mu, logvar), reference, atol=1e-5)


@pytest.mark.parametrize("architecture", ["mlp", "conv"])
def test_shapes_and_the_negative_elbo_of_an_untrained_model(architecture):
    torch.manual_seed(0)
    model = VAE(latent_dim=4, architecture=architecture, hidden_dims=[32], channels=8, hidden_dim=32)
    x = torch.bernoulli(torch.full((6, 1, 28, 28), 0.2))
    logits, mu, logvar = model(x)
    assert logits.shape == x.shape and mu.shape == logvar.shape == (6, 4)
    terms = negative_elbo(model, x)
    assert terms["loss"].requires_grad
    assert 400 < terms["neg_elbo"] < 700, "an untrained decoder costs about 784·log 2 ≈ 543 nats"


def test_importance_weighting_tightens_the_bound_on_real_digits(data_dir):
    from genhub.plugins.vae import PLUGIN
    from genhub.weights import from_pretrained

    model = from_pretrained(PLUGIN, "mnist-2d").model
    images, _ = load_idx_dataset("mnist", "test", data_dir, limit=200)
    x = binarize_fixed(images)
    torch.manual_seed(0)
    elbo = torch.stack([negative_elbo(model, x)["neg_elbo"] for _ in range(20)]).mean()
    nll = importance_weighted_nll(model, x, k=200, generator=torch.Generator().manual_seed(0)).mean()
    assert nll < elbo, "log p(x) ≥ ELBO, so the k-sample NLL bound is below −ELBO"
    assert 100 < nll < 160, f"the shipped 2-D model measures ~135 nats, got {nll:.1f}"


def test_map_pixels_and_coordinates_round_trip():
    frame = MapFrame(-4.0, 4.0, size=400, margin=30)
    uv = np.array([[-4.0, -4.0], [0.0, 0.0], [1.5, -2.5], [4.0, 4.0]])
    for (u, v), (x, y) in zip(uv, frame.to_pixel(uv)):
        assert frame.to_map(x, y) == pytest.approx((u, v))
    assert frame.to_map(5, 5) is None, "the margin is outside the plot"
    assert frame.to_map(5, 5, snap=30) == pytest.approx((-4.0, 4.0)), "a drag that overshoots snaps to the corner"
    assert frame.to_map(5, 500, snap=30) is None, "the legend below is not the plot"
    x, y = frame.to_pixel(np.array([[0.0, 3.0]]))[0]
    assert y < frame.margin + frame.size / 2, "positive v is drawn upwards"


def test_the_plane_passes_through_its_anchors():
    anchors = torch.randn(3, 32)
    assert torch.allclose(plane_point(anchors, 0, 0), anchors[0])
    assert torch.allclose(plane_point(anchors, 1, 0), anchors[1])
    assert torch.allclose(plane_point(anchors, 0, 1), anchors[2])
    inside = torch.stack([plane_point(anchors, 0.3, -0.7), plane_point(anchors, 1.2, 0.4)])
    assert torch.allclose(plane_coordinates(inside, anchors), torch.tensor([[0.3, -0.7], [1.2, 0.4]]), atol=1e-4)


def test_the_plane_map_shows_each_anchor_digit_beside_its_ring():
    import numpy as np

    from genhub.plugins.vae.latent_map import THUMBNAIL_SCALE, MapFrame, render_map

    frame = MapFrame(-1, 2)
    anchors = np.array([[0, 0], [1, 0], [0, 1]], dtype=np.float32)
    digits = np.stack([np.full((28, 28), value, dtype=np.uint8) for value in (60, 120, 180)])
    plain = render_map(np.zeros((1, 2)), np.zeros(1, dtype=int), frame, "t", anchors)
    shown = render_map(np.zeros((1, 2)), np.zeros(1, dtype=int), frame, "t", anchors, digits)
    side = 28 * THUMBNAIL_SCALE
    for value in (60, 120, 180):
        added = (shown == value).all(-1).sum() - (plain == value).all(-1).sum()
        assert added > 0.8 * side * side, f"the anchor digit of grey {value} is drawn whole"
