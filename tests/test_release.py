"""The release step: one config.json schema for every plugin, written from the model's own
config, a model card whose front matter the Hub parses (eval results included), and folders
that `from_pretrained` loads, from a tiny model and from a short real training run."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from huggingface_hub import ModelCard
from torch import nn

from genhub.cli import main
from genhub.plugins.cgan import PLUGIN as CGAN
from genhub.plugins.cgan.model import ConditionalGAN
from genhub.plugins.cgan.variants import data_facts as cgan_data
from genhub.plugins.pixelcnn import PLUGIN as PIXELCNN
from genhub.plugins.pixelcnn.card import card_text as pixelcnn_card
from genhub.plugins.pixelcnn.model import GatedPixelCNN
from genhub.plugins.pixelcnn.variants import data_facts as pixelcnn_data
from genhub.plugins.vae import PLUGIN as VAE
from genhub.plugins.vae.card import card_text as vae_card
from genhub.plugins.vae.model import VAE as VAEModel
from genhub.plugins.vae.variants import DATA_FACTS as VAE_DATA
from genhub.plugins.wavenet import PLUGIN as WAVENET
from genhub.plugins.wavenet.card import card_text as wavenet_card
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.variants import data_facts as wavenet_data
from genhub.training.model_card import CardText
from genhub.training.release import CONFIG_KEYS, record_metrics, release, release_config, store_float16, training_record
from genhub.weights import REPO_WEIGHTS_DIR, from_pretrained, sha256_of

TRAINING = training_record(command="genhub train x", device="cpu", steps=3, seconds=0.25)
METRICS = {"test_score": 1.5, "per_class": [0.5, 0.25]}


def cgan_card(config) -> CardText:
    return CardText(title=f"cgan {config['variant']}", summary="A tiny CGAN.", task="unconditional-image-generation")


TINY = [  # plugin, variant, tiny model, data facts, card wording
    (VAE, "mnist-2d", lambda: VAEModel(latent_dim=2, hidden_dims=[8]), VAE_DATA, vae_card),
    (PIXELCNN, "binarized", lambda: GatedPixelCNN(channels=4, layers=2, kernel=3, skip_channels=4),
     pixelcnn_data(2), pixelcnn_card),
    (WAVENET, "fsdd", lambda: WaveNet(channels=4, skip_channels=4, dilations=[1, 2], speakers=2),
     wavenet_data(["a", "b"], 5), wavenet_card),
    (CGAN, "mnist", lambda: ConditionalGAN(z_dim=4, embed_dim=4, g_channels=4, d_channels=4), cgan_data("mnist"),
     cgan_card),
]


def test_every_plugin_releases_the_same_schema_from_its_model_and_the_folder_loads(tmp_path):
    schemas = set()
    for plugin, variant, build, data, card in TINY:
        torch.manual_seed(0)
        model = build()
        folder = tmp_path / plugin.name / variant
        sha = release(folder, model, plugin=plugin.name, variant=variant, data=data, training=TRAINING,
                      metrics=METRICS, card=card)
        config = json.loads((folder / "config.json").read_text())
        schemas.add(tuple(config))
        assert config["model"] == model.config and config["metrics"] == METRICS
        assert {"command", "steps", "seconds", "device", "hardware"} <= set(config["training"])
        loaded = from_pretrained(plugin, variant, weights_dir=tmp_path)
        assert loaded.sha256 == sha == sha256_of(folder / "model.safetensors")
        assert loaded.origin == str(folder) and loaded.model.config == model.config
        card = ModelCard.load(folder / "README.md")
        [result] = card.data.eval_results   # the list-valued metric stays in config.json only
        assert (result.metric_type, result.metric_value, result.dataset_type) == ("test_score", 1.5, data["dataset"])
        assert card.data.library_name == "genhub" and plugin.name in card.data.tags
        assert "genhub train x" in card.text and sha in card.text and "## Config" in card.text
    assert schemas == {CONFIG_KEYS}


def test_release_refuses_a_model_without_its_own_config_and_an_incomplete_record():
    with pytest.raises(TypeError, match="subclass genhub.config.Configurable"):
        release_config(nn.Linear(2, 2), plugin="p", variant="v", data=VAE_DATA, training=TRAINING, metrics={})
    with pytest.raises(ValueError, match=r"'training' lacks \['command'\]"):
        release_config(VAEModel(hidden_dims=[8]), plugin="vae", variant="v", data=VAE_DATA,
                       training={k: v for k, v in TRAINING.items() if k != "command"}, metrics={})
    with pytest.raises(TypeError, match="cannot be stored in config.json"):
        release_config(VAEModel(hidden_dims=[8]), plugin="vae", variant="v", data=VAE_DATA, training=TRAINING,
                       metrics={"nll": torch.tensor(1.0)})


def test_recorded_metrics_join_config_and_card_and_leave_the_weights_alone(tmp_path):
    folder = tmp_path / "mnist-2d"
    shutil.copytree(REPO_WEIGHTS_DIR / "vae" / "mnist-2d", folder)
    before = json.loads((folder / "config.json").read_text())
    config = record_metrics(folder, {"iwae_nll_k10_nats": 99.5}, card=vae_card)
    assert config["metrics"] == {**before["metrics"], "iwae_nll_k10_nats": 99.5}
    assert sha256_of(folder / "model.safetensors") == VAE.spec("mnist-2d").sha256
    results = {r.metric_type: r.metric_value for r in ModelCard.load(folder / "README.md").data.eval_results}
    assert results["iwae_nll_k10_nats"] == 99.5 and results.keys() == config["metrics"].keys()


def test_float16_storage_halves_the_file_records_its_effect_and_loads_into_float32(tmp_path):
    from safetensors.torch import load_file, save_file

    folder = tmp_path / "vae" / "mnist-2d"
    shutil.copytree(REPO_WEIGHTS_DIR / "vae" / "mnist-2d", folder)
    # The release is stored in float16 itself: widen it to the float32 file a training run writes.
    state = {name: tensor.float() for name, tensor in load_file(folder / "model.safetensors").items()}
    save_file(state, folder / "model.safetensors", metadata={"format": "pt"})
    full = from_pretrained("vae", "mnist-2d", weights_dir=tmp_path).model
    size = (folder / "model.safetensors").stat().st_size
    sha = store_float16(folder, vae_card, "test −ELBO 1.0 → 1.0 nats (a test)")
    # Rounding the widened file again gives the released file, byte for byte.
    assert sha == sha256_of(folder / "model.safetensors") == VAE.spec("mnist-2d").sha256
    assert {t.dtype for t in load_file(folder / "model.safetensors").values()} == {torch.float16}
    assert (folder / "model.safetensors").stat().st_size < 0.51 * size
    loaded = from_pretrained("vae", "mnist-2d", weights_dir=tmp_path)
    assert tuple(loaded.config) == CONFIG_KEYS and loaded.config["training"]["stored_as"].startswith("float16")
    for name, value in loaded.model.state_dict().items():
        assert value.dtype == torch.float32
        torch.testing.assert_close(value, full.state_dict()[name], rtol=1e-3, atol=1e-4)
    card = (folder / "README.md").read_text()
    assert f"sha256 `{sha}`. Stored as float16 (trained in float32): test −ELBO 1.0 → 1.0 nats (a test)." in card
    with pytest.raises(ValueError, match="float16"):
        store_float16(folder, vae_card, "again")


def test_a_few_real_training_steps_write_a_folder_that_loads(tmp_path, data_dir):
    out = tmp_path / "runs" / "vae" / "mnist-2d"
    assert main(["train", "vae", "--variant", "mnist-2d", "--max-steps", "5", "--train-limit", "256",
                 "--data-dir", str(data_dir), "--out", str(out), "--device", "cpu"]) == 0
    loaded = from_pretrained("vae", "mnist-2d", weights_dir=tmp_path / "runs")
    assert loaded.config["training"]["steps"] == 5 and loaded.config["model"] == loaded.model.config
    assert tuple(loaded.config) == CONFIG_KEYS
    [result] = ModelCard.load(out / "README.md").data.eval_results
    assert result.metric_type == "test_neg_elbo_nats" and result.metric_value > 100
    assert (out / "samples.png").is_file() and "![samples](samples.png)" in (out / "README.md").read_text()
