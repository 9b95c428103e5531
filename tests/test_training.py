"""Short training runs on a slice of real MNIST write weights that the hub loads; the same
command trains with two processes under torchrun (gloo); interrupted runs resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from genhub.cli import main
from genhub.plugin import SampleRequest
from genhub.plugins.vae import PLUGIN as VAE
from genhub.training.curves import read_log
from genhub.weights import load_weights, resolve_weights
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
    tests = [r["neg_elbo"] for r in read_log(out / "log.jsonl") if r["split"] == "test"]
    assert len(tests) == 2 and tests[1] < tests[0] < 550, "the test −ELBO falls from its ~544-nat start"
    spec = VAE.spec("mnist-2d")
    loaded = load_weights("vae", spec, resolve_weights("vae", spec, override_dir=tmp_path / "runs"),
                          VAE.build_model, torch.device("cpu"))
    assert VAE.sample(loaded.model, loaded.config, SampleRequest(4)).data.shape == (4, 1, 28, 28)


def test_an_interrupted_run_resumes_from_its_checkpoint(tmp_path, data_dir, capsys):
    out = train(tmp_path, data_dir, "--epochs", "1")
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    assert state["progress"]["epoch"] == 1 and state["progress"]["step"] == 8
    train(tmp_path, data_dir, "--epochs", "2")
    assert "resuming from" in capsys.readouterr().out
    assert json.loads((out / "checkpoint" / "state.json").read_text())["progress"]["step"] == 16
    steps = [r["step"] for r in read_log(out / "log.jsonl") if r["split"] == "test"]
    assert steps == [8, 16], "the log continues instead of starting over"


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
    assert state["progress"]["step"] == 8, "1024 examples in global batches of 128: 8 steps"
    assert (out / "model.safetensors").is_file()
