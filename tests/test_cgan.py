"""The conditional GAN: every objective trains on real MNIST, samples honour labels and seeds,
best-of-N ranks by the discriminator, and the tab rejects bad input clearly."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
import torch
from PIL import Image

from genhub.latent import slerp
from genhub.plugin import SampleRequest
from genhub.plugins.cgan import PLUGIN
from genhub.plugins.cgan.model import ConditionalGAN
from genhub.plugins.cgan.sample import best_of, generate, noise, noise_block, realness
from genhub.plugins.cgan.train import train_gan
from genhub.plugins.cgan.variants import RECIPES
from genhub.training.evaluation.classifier import judge, load_judge
from genhub.training.gan_objectives import OBJECTIVES, gradient_penalty
from genhub.weights import from_pretrained


@pytest.fixture(scope="module")
def mnist_gan() -> ConditionalGAN:
    return from_pretrained(PLUGIN, "mnist").model


@pytest.mark.parametrize("objective", list(OBJECTIVES))
def test_every_objective_trains_a_few_steps_on_real_mnist(objective, data_dir, tmp_path):
    recipe = dataclasses.replace(RECIPES["mnist"], objective=objective, model={
        "z_dim": 16, "embed_dim": 8, "g_channels": 8, "d_channels": 8})
    model, result = train_gan(recipe, tmp_path, data_dir=data_dir, steps=4, batch_size=16, train_limit=512,
                              save_every=2)
    record = json.loads((tmp_path / "log.jsonl").read_text().splitlines()[-1])
    assert record["step"] == 4 and math.isfinite(record["loss_d"]) and math.isfinite(record["loss_g"])
    assert all(torch.isfinite(p).all() for p in model.parameters())
    if objective == "wgan":
        assert max(p.abs().max() for p in model.discriminator.parameters()) <= 0.01 + 1e-7
    if objective == "wgan-gp":
        assert math.isfinite(record["gradient_penalty"])
    assert (tmp_path / "checkpoint" / "optimizer-discriminator.safetensors").is_file()
    _, resumed = train_gan(recipe, tmp_path, data_dir=data_dir, steps=6, batch_size=16, train_limit=512)
    assert resumed.steps == 6


def test_gradient_penalty_is_zero_for_a_unit_slope_critic():
    w = torch.zeros(1, 1, 28, 28)
    w[0, 0, 0, 0] = 1.0
    real, fake = torch.rand(8, 1, 28, 28), torch.rand(8, 1, 28, 28)
    assert gradient_penalty(lambda x: (x * w).sum((1, 2, 3)), real, fake).item() == pytest.approx(0.0, abs=1e-10)
    assert gradient_penalty(lambda x: 3 * (x * w).sum((1, 2, 3)), real, fake).item() == pytest.approx(4.0)


def test_a_seed_fixes_z_whatever_the_count():
    assert torch.equal(noise([5, 6], 16)[0], noise([5], 16)[0])
    assert torch.equal(noise_block(3, 10, 16)[:4], noise_block(3, 4, 16))
    path = slerp(noise([1], 16)[0], noise([2], 16)[0], torch.linspace(0, 1, 5))
    assert torch.allclose(path[0], noise([1], 16)[0], atol=1e-5) and torch.allclose(path[-1], noise([2], 16)[0],
                                                                                       atol=1e-5)


def test_samples_honour_the_requested_labels(mnist_gan):
    classifier, _ = load_judge("mnist")
    labels = torch.arange(10).repeat_interleave(20)
    images = generate(mnist_gan, noise_block(0, len(labels), mnist_gan.z_dim), labels)
    probs, _ = judge(classifier, images)
    assert (probs.argmax(1) == labels).float().mean() >= 0.95
    one_hand = generate(mnist_gan, noise([4], mnist_gan.z_dim).expand(10, -1), torch.arange(10))
    assert (judge(classifier, one_hand)[0].argmax(1) == torch.arange(10)).float().mean() >= 0.9


def test_sample_options_and_their_errors(mnist_gan):
    config = {"model": {"z_dim": mnist_gan.z_dim, "classes": 10}}
    sevens = PLUGIN.sample(mnist_gan, config, SampleRequest(count=6, seed=1, options={"label": 7}))
    assert sevens.data.shape == (6, 1, 28, 28)
    classifier, _ = load_judge("mnist")
    assert (judge(classifier, sevens.data)[0].argmax(1) == 7).all()
    with pytest.raises(ValueError, match="label must be -1"):
        PLUGIN.sample(mnist_gan, config, SampleRequest(count=1, options={"label": 10}))


def test_best_of_n_keeps_the_discriminators_favourites(mnist_gan):
    images, labels, scores = best_of(mnist_gan, torch.tensor([3, 8]), draws=32, keep=4, seed=9)
    assert images.shape == (8, 1, 28, 28) and labels.tolist() == [3] * 4 + [8] * 4
    assert torch.allclose(realness(mnist_gan, images, labels), scores, atol=1e-4)
    everything = realness(mnist_gan, generate(mnist_gan, noise_block(9, 64, mnist_gan.z_dim),
                                               torch.tensor([3, 8]).repeat_interleave(32)),
                          torch.tensor([3, 8]).repeat_interleave(32))
    assert scores[0] == pytest.approx(everything[:32].max().item(), abs=1e-4)
    assert scores[4] == pytest.approx(everything[32:].max().item(), abs=1e-4)
    assert (scores[:4].diff() <= 0).all()


def test_the_cli_writes_raw_samples(tmp_path):
    from genhub.cli import main

    out = tmp_path / "x.npy"
    assert main(["sample", "cgan", "--label", "7", "--count", "100", "--seed", "0", "--out", str(out)]) == 0
    x = np.load(out)
    assert x.shape == (100, 1, 28, 28) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1


def _image(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


def test_the_tab_draws_grids_numbers_styles_best_of_and_interpolations(client):
    grid = _image(client.predict("mnist", "all", 100, 0, False, api_name="/cgan_grid"))
    again = _image(client.predict("mnist", "all", 100, 0, False, api_name="/cgan_grid"))
    assert np.array_equal(grid, again) and grid.shape[0] > 10 * 28 * 3
    number = _image(client.predict("mnist", "2026", 3, False, api_name="/cgan_number"))
    assert number.shape == (28 * 3, 4 * 28 * 3)
    read = Image.open(client.predict("mnist", "2026", 3, True, api_name="/cgan_number"))
    assert read.mode == "RGB" and read.height > 28 * 3, "the judge's reading is captioned under each digit"
    styles = _image(client.predict("mnist", "0,1", False, api_name="/cgan_styles"))
    assert styles.shape[1] > styles.shape[0]
    assert _image(client.predict("mnist", "7", 64, 10, 0, False, api_name="/cgan_best_of")).size
    assert _image(client.predict("mnist", "all", 0, 1, 8, api_name="/cgan_interpolate")).size
    fashion = _image(client.predict("fashion-mnist", "Sneaker", 10, 0, False, api_name="/cgan_grid"))
    assert fashion.size


@pytest.mark.parametrize("api,args,fragment", [
    ("/cgan_number", ("mnist", "20a6", 0, False), "only the digits 0-9"),
    ("/cgan_number", ("mnist", "", 0, False), "type a number"),
    ("/cgan_number", ("mnist", "1" * 500, 0, False), "Number \\(digits 0-9\\) is 500 characters long; at most 200"),
    ("/cgan_number", ("mnist", "1" * 30, 0, False), "at most 24 digits"),
    ("/cgan_number", ("mnist", "٣٤", 0, False), "only the digits 0-9"),
    ("/cgan_grid", ("mnist", "7", 10, -1, False), "seed must be a whole number between 0 and"),
    ("/cgan_grid", ("mnist", "7", 10, 2**40, False), "seed must be a whole number between 0 and"),
    ("/cgan_grid", ("mnist", "seven", 10, 0, False), "class must be 'all', a class index 0-9 or one of"),
    ("/cgan_best_of", ("mnist", "7", 0, 1, 0, False), "less than minimum value|N \\(draws\\) must be"),
    ("/cgan_best_of", ("mnist", "7", 100000, 1, 0, False), "greater than maximum value|N \\(draws\\) must be"),
    ("/cgan_best_of", ("mnist", "7", 8, 20, 0, False), "k \\(kept\\) must be a whole number between 1 and 8"),
    ("/cgan_styles", ("mnist", "1,x", False), "seed must be a whole number"),
])
def test_bad_input_gets_a_clear_message(client, api, args, fragment):
    with pytest.raises(Exception, match=fragment):
        client.predict(*args, api_name=api)
    assert client.predict("mnist", "7", 4, 0, False, api_name="/cgan_grid"), "the hub keeps serving"
