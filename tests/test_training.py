"""Short training runs on a slice of real MNIST write weights that the hub loads, monitored on a
validation split held out of the training images; the same command trains with two processes
under torchrun (gloo); interrupted runs resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import genhub.plugins.vae.train as vae_train
from genhub.cli import main
from genhub.plugin import SampleRequest
from genhub.plugins.vae import PLUGIN as VAE
from genhub.plugins.vae.quality import binarize_fixed
from genhub.training.curves import read_log
from genhub.training.data import carve_validation, load_idx_dataset
from genhub.weights import from_pretrained
from tests.conftest import REPO


def train(tmp_path: Path, data_dir: Path, *extra: str) -> Path:
    out = tmp_path / "runs" / "vae" / "mnist-2d"
    assert main(["train", "vae", "--variant", "mnist-2d", "--data-dir", str(data_dir), "--out", str(out),
                 "--device", "cpu", "--train-limit", "1024", *extra]) == 0
    return out


def test_a_short_run_writes_weights_the_hub_loads(tmp_path, data_dir):
    out = train(tmp_path, data_dir, "--epochs", "2")
    for name in ("model.safetensors", "config.json", "README.md", "loss_curve.png", "samples.png", "log.jsonl"):
        assert (out / name).is_file(), name
    config = json.loads((out / "config.json").read_text())
    assert config["training"]["command"].startswith("genhub train vae --variant mnist-2d")
    assert config["data"]["image_size"] == 28 and config["model"]["latent_dim"] == 2
    assert config["training"]["train_examples"] == 922 and config["training"]["validation_examples"] == 102
    assert "test_neg_elbo_nats" in config["metrics"]
    log = read_log(out / "log.jsonl")
    assert not [r for r in log if r["split"] == "test"], "the test set is scored once, for the release, not logged"
    scores = [r["neg_elbo"] for r in log if r["split"] == "validation"]
    assert len(scores) == 2 and scores[1] < scores[0] < 550, "the validation −ELBO falls from its ~544-nat start"
    loaded = from_pretrained(VAE, "mnist-2d", weights_dir=tmp_path / "runs")
    assert VAE.sample(loaded.model, loaded.config, SampleRequest(4)).data.shape == (4, 1, 28, 28)


def test_an_interrupted_run_resumes_from_its_checkpoint(tmp_path, data_dir, capsys):
    out = train(tmp_path, data_dir, "--epochs", "1")
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    assert state["progress"]["epoch"] == 1 and state["progress"]["step"] == 8
    train(tmp_path, data_dir, "--epochs", "2")
    assert "resuming from" in capsys.readouterr().out
    assert json.loads((out / "checkpoint" / "state.json").read_text())["progress"]["step"] == 16
    steps = [r["step"] for r in read_log(out / "log.jsonl") if r["split"] == "validation"]
    assert steps == [8, 16], "the log continues instead of starting over"


def test_the_validation_split_is_held_out_of_the_training_examples(tmp_path, data_dir, monkeypatch):
    """A tenth of the limited training images is carved off, never trained on, and scored after
    each epoch; the test images are scored once, after training."""
    trained, scored = [], []
    real_fit, real_score = vae_train.fit, vae_train.mean_neg_elbo

    def fit(model, data, *args, **kwargs):
        trained.append(data[0])
        return real_fit(model, data, *args, **kwargs)

    def mean_neg_elbo(model, x):
        scored.append(x)
        return real_score(model, x)

    monkeypatch.setattr(vae_train, "fit", fit)
    monkeypatch.setattr(vae_train, "mean_neg_elbo", mean_neg_elbo)
    out = train(tmp_path, data_dir, "--epochs", "1")
    images, _ = load_idx_dataset("mnist", "train", data_dir, limit=1024)
    (kept,), (held,) = carve_validation(images, size=102)
    seen = trained[0].mul(255).round().to(torch.uint8).squeeze(1)
    assert torch.equal(seen, kept), "fit gets the training images less the validation split"

    def rows(x):
        return {bytes(row) for row in x.flatten(1).numpy()}
    assert len(rows(seen)) == 922 and not rows(seen) & rows(held), "no validation image is trained on"
    assert len(scored) == 2 and torch.equal(scored[0], binarize_fixed(held)), "epoch 1 scores the validation split"
    assert len(scored[1]) == 256, "then the (limited) test set, once, for the release"
    config = json.loads((out / "config.json").read_text())
    assert config["training"]["validation_examples"] == 102 and config["training"]["train_examples"] == 922
    validation = [r for r in read_log(out / "log.jsonl") if r["split"] == "validation"]
    assert [r["step"] for r in validation] == [8] and validation[0]["neg_elbo"] < 550


@pytest.mark.slow
def test_the_same_command_trains_with_two_processes_under_torchrun(tmp_path, data_dir):
    out = tmp_path / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
               "-m", "genhub.training", "vae", "--variant", "mnist-2d", "--data-dir", str(data_dir), "--out", str(out),
               "--device", "cpu", "--train-limit", "1024", "--epochs", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    assert state["progress"]["step"] == 8, "922 examples (1,024 less 102 held out) in batches of 128: 8 steps"
    assert (out / "model.safetensors").is_file()
