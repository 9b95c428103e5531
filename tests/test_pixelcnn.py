"""The PixelCNN: masks keep the autoregressive property, the cached sampler equals the naive
one, training on real MNIST lowers the NLL, and the tab rejects bad input clearly."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from gradio_client import handle_file
from PIL import Image

from genhub.plugin import TrainRequest
from genhub.plugins.pixelcnn.model import GatedPixelCNN, MaskedConv2d, PixelCNN
from genhub.plugins.pixelcnn.sample import complete, region_mask
from genhub.plugins.pixelcnn.sampling import complete_cached, complete_naive, draw_uniforms
from genhub.plugins.pixelcnn.train import mean_nll, mixture_nll, prepare
from genhub.training.data import load_idx_dataset

PROBES = [(0, 0), (3, 25), (13, 27), (14, 0), (20, 13)]


def changed_positions(model, x, i, j, y=None) -> torch.Tensor:
    """Raster indices whose logits change when pixel (i, j) changes."""
    bumped = x.clone()
    bumped[0, 0, i, j] = 1 - bumped[0, 0, i, j]
    with torch.no_grad():
        diff = (model(bumped, y) - model(x, y)).abs().sum(1)[0]
    return (diff > 1e-7).flatten().nonzero().flatten()


@pytest.mark.parametrize("mask_type", ["A", "B"])
def test_masked_convolutions_see_only_the_past(mask_type):
    torch.manual_seed(0)
    conv = MaskedConv2d(mask_type, 1, 4, 5)
    x = torch.rand(1, 1, 28, 28)
    for i, j in PROBES:
        bumped = x.clone()
        bumped[0, 0, i, j] += 1
        changed = ((conv(bumped) - conv(x)).abs().sum(1)[0] > 0).flatten().nonzero().flatten()
        first = i * 28 + j + (1 if mask_type == "A" else 0)
        assert changed.min() >= first, f"type {mask_type}: pixel {(i, j)} reached an earlier output"
        if mask_type == "B":
            assert first in changed.tolist(), "type B must see its own pixel"


@pytest.mark.parametrize("model", [
    GatedPixelCNN(levels=2, channels=8, layers=4, kernel=5, skip_channels=8, classes=10),
    GatedPixelCNN(levels=256, channels=8, layers=3, kernel=3, skip_channels=8, classes=0),
    PixelCNN(levels=2, channels=8, layers=3),
], ids=["gated-binary", "gated-256", "plain"])
def test_no_output_depends_on_its_own_or_a_later_pixel(model):
    torch.manual_seed(0)
    model.eval()
    x = torch.bernoulli(torch.full((1, 1, 28, 28), 0.3))
    for i, j in PROBES:
        changed = changed_positions(model, x, i, j)
        assert len(changed) == 0 or changed.min() > i * 28 + j


def test_the_gated_stacks_have_no_blind_spot():
    torch.manual_seed(0)
    gated = GatedPixelCNN(levels=2, channels=8, layers=4, kernel=5, skip_channels=8, classes=0).eval()
    plain = PixelCNN(levels=2, channels=8, layers=4).eval()
    x = torch.bernoulli(torch.full((1, 1, 28, 28), 0.3))
    # (10, 20) is above and to the right of (12, 14): the plain PixelCNN's blind spot.
    assert 12 * 28 + 14 in changed_positions(gated, x, 10, 20).tolist()
    assert 12 * 28 + 14 not in changed_positions(plain, x, 10, 20).tolist()


@pytest.mark.parametrize("levels", [2, 256])
def test_cached_and_naive_sampling_give_identical_completions(levels):
    torch.manual_seed(levels)
    model = GatedPixelCNN(levels=levels, channels=8, layers=3, kernel=5, skip_channels=8, classes=10).eval()
    x = torch.rand(3, 1, 28, 28)
    x = (x > 0.5).float() if levels == 2 else (x * 255).round() / 255
    mask = torch.zeros(3, 28, 28, dtype=torch.bool)
    mask[:, 20:] = True
    mask[1, 17, 9:15] = True            # a painted patch: the first hidden pixel is mid-row
    u = draw_uniforms((3, 28, 28), 5)
    for labels in (torch.tensor([1, 4, 9]), None):
        naive = complete_naive(model, x, mask, labels, 0.8, u)
        cached = complete_cached(model, x, mask, labels, 0.8, u)
        assert torch.equal(naive.images, cached.images)
        assert torch.allclose(naive.log_likelihood, cached.log_likelihood, atol=1e-3)
        assert torch.equal(cached.images[~mask[:, None]], x[~mask[:, None]]), "known pixels are kept"


def test_a_short_training_run_on_real_mnist_lowers_the_nll(data_dir, tmp_path):
    from genhub.plugins.pixelcnn import PLUGIN

    images, labels = load_idx_dataset("mnist", "test", data_dir, limit=256)
    x = prepare(images, 2, seed=0)
    torch.manual_seed(0)
    before = mean_nll(PLUGIN.build_model({"levels": 2, "channels": 8, "layers": 3, "kernel": 3,
                                          "skip_channels": 8, "classes": 10}), x, labels)
    import genhub.plugins.pixelcnn.variants as variants

    small = {"levels": 2, "channels": 8, "layers": 3, "kernel": 3, "skip_channels": 8, "classes": 10}
    recipe = variants.RECIPES["binarized"]
    variants.RECIPES["binarized"] = type(recipe)(2, small, epochs=1, batch_size=32, lr=3e-3)
    try:
        out = PLUGIN.train(TrainRequest(variant="binarized", out_dir=tmp_path, data_dir=data_dir, max_steps=40,
                                        train_limit=1280, command="genhub train pixelcnn --max-steps 40"))
    finally:
        variants.RECIPES["binarized"] = recipe
    from genhub.training.curves import read_log
    from genhub.weights import read_config

    config = read_config(out / "config.json")
    after = config["metrics"]["test_nll_nats_first_256"]   # smoke runs score a named subset
    assert after < before - 150, f"NLL {before:.1f} -> {after:.1f} nats"
    assert config["training"]["validation_examples"] == 128 and config["training"]["train_examples"] == 1152, \
        "a tenth of the 1,280 limited training digits is held out for validation"
    validation = [r for r in read_log(out / "log.jsonl") if r["split"] == "validation"]
    assert len(validation) == 1 and validation[0]["nll_nats"] < before, "one epoch, one validation score"
    assert config["training"]["kept_epoch"] == 1, "the release is the epoch validation chose"
    assert config["training"]["kept_validation_nll_nats"] == round(validation[0]["nll_nats"], 3)
    assert (out / "model.safetensors").is_file() and (out / "samples.png").is_file()


def test_complete_refuses_an_empty_mask_and_bad_temperatures():
    model = GatedPixelCNN(levels=2, channels=8, layers=2, kernel=3, skip_channels=8).eval()
    with pytest.raises(ValueError, match="hides no pixel"):
        complete(model, torch.zeros(1, 1, 28, 28), torch.zeros(1, 28, 28, dtype=torch.bool))
    for t in (0.0, -1.0):
        with pytest.raises(ValueError, match="temperature"):
            complete(model, torch.zeros(1, 1, 28, 28), region_mask("bottom half"), temperature=t)


def _png(array: np.ndarray, path) -> str:
    Image.fromarray(array).save(path)
    return str(path)


def _editor(path: str | None) -> dict:
    return {"background": None, "layers": [handle_file(path)] if path else [], "composite": None}


def _args(**over):
    base = dict(variant="binarized", source="test digit", index=0, drawing=None, upload=None, region="bottom half",
                painted=None, count=2, temperature=1.0, label="none", seed=0)
    base.update(over)
    return list(base.values())


def test_the_tab_completes_a_test_digit_and_ranks_by_likelihood(client):
    grid, table = client.predict(*_args(count=3), api_name="/pixelcnn_complete")
    assert Image.open(grid).width > 3 * 28 * 4
    ll = [row[2] for row in table["data"]]
    assert len(ll) == 3 and ll == sorted(ll, reverse=True) and all(v < 0 for v in ll)


def test_a_painted_mask_is_completed(client, tmp_path):
    stroke = np.zeros((280, 280, 4), np.uint8)
    stroke[100:180, 60:220] = 255
    grid, table = client.predict(*_args(region="painted", painted=_editor(_png(stroke, tmp_path / "m.png"))),
                                 api_name="/pixelcnn_complete")
    assert len(table["data"]) == 2


@pytest.mark.parametrize("over,fragment", [
    (dict(region="painted", painted="EMPTY"), "paint the pixels|hides no pixel"),
    (dict(region="painted", painted="WRONG"), "multiple of 28"),
    (dict(source="upload", upload="TEXT"), "not an image|could not be read|image"),
    (dict(temperature=0), "less than minimum|temperature must be"),
    (dict(temperature=-1), "less than minimum|temperature must be"),
    (dict(count=0), "less than minimum|completions must be"),
    (dict(region="top half"), "Hidden region must be one of"),
])
def test_bad_input_gets_a_clear_message(client, tmp_path, over, fragment):
    if over.get("painted") == "EMPTY":
        over["painted"] = _editor(_png(np.zeros((280, 280, 4), np.uint8), tmp_path / "empty.png"))
    if over.get("painted") == "WRONG":
        over["painted"] = _editor(_png(np.full((100, 70, 4), 255, np.uint8), tmp_path / "wrong.png"))
    if over.get("upload") == "TEXT":
        (tmp_path / "digit.png").write_text("this is not a picture")
        over["upload"] = handle_file(str(tmp_path / "digit.png"))
    with pytest.raises(Exception, match=fragment):
        client.predict(*_args(**over), api_name="/pixelcnn_complete")


def test_an_all_hidden_mask_draws_whole_digits(client, tmp_path):
    full = np.full((280, 280, 4), 255, np.uint8)
    grid, table = client.predict(*_args(region="painted", painted=_editor(_png(full, tmp_path / "all.png")), count=1,
                                        label="3"), api_name="/pixelcnn_complete")
    assert len(table["data"]) == 1


def test_the_cli_draws_class_conditioned_samples(tmp_path):
    from genhub.cli import main

    out = tmp_path / "x.npy"
    assert main(["sample", "pixelcnn", "--label", "3", "--count", "4", "--seed", "0", "--out", str(out)]) == 0
    x = np.load(out)
    assert x.shape == (4, 1, 28, 28) and set(np.unique(x)) <= {0.0, 1.0}


def test_the_label_mixture_nll_sits_within_log_10_of_the_best_label(data_dir):
    from genhub.plugins.pixelcnn import PLUGIN
    from genhub.plugins.pixelcnn.model import nll_nats

    images, _ = load_idx_dataset("mnist", "test", data_dir, limit=5)
    x = prepare(images, 2, seed=0)
    torch.manual_seed(0)
    model = PLUGIN.build_model({"levels": 2, "channels": 8, "layers": 3, "kernel": 3, "skip_channels": 8,
                                "classes": 10}).eval()
    with torch.no_grad():
        per_label = torch.stack([nll_nats(model(x, torch.full((5,), y)), x, 2) for y in range(10)])   # (10, 5)
    best = per_label.min(0).values.mean().item()
    mixture = mixture_nll(model, x)
    assert best < mixture <= best + math.log(10) + 1e-6
    assert mixture < per_label.mean().item(), "a log-mean-exp is below the mean"
    assert abs(mixture_nll(model, x, batch=2) - mixture) < 1e-6, "batching does not change it"
