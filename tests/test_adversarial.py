"""The shared adversarial loop: resumes exactly, keeps the generator its validator prefers,
runs the R1 and auxiliary-loss hooks, and trains CGAN with two processes under torchrun."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
import torch
from torch import nn

from genhub.plugins.cgan import PLUGIN
from genhub.plugins.cgan.model import ConditionalGAN
from genhub.plugins.cgan.train import conditional_task, train_gan
from genhub.plugins.cgan.variants import RECIPES
from genhub.training.adversarial import GANConfig, train_adversarial
from genhub.training.curves import read_log
from genhub.weights import from_pretrained, read_config
from tests.conftest import REPO

TINY = {"z_dim": 8, "embed_dim": 4, "g_channels": 4, "d_channels": 4}


def _tiny_data(n: int = 256) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return [torch.rand(n, 1, 28, 28, generator=generator) * 2 - 1, torch.randint(10, (n,), generator=generator)]


def _run(tmp_path, steps: int, *, aux: bool = False, **config) -> tuple[ConditionalGAN, object]:
    torch.manual_seed(0)
    model = ConditionalGAN(spectral=True, aux_classifier=aux, **TINY)
    settings = GANConfig(steps=steps, batch_size=8, log_every=1, save_every=1, **config)
    result = train_adversarial(model.generator, model.discriminator, _tiny_data(),
                               conditional_task(8, aux_weight=0.5 if aux else 0.0), settings, tmp_path,
                               torch.device("cpu"), title="test")
    return model, result


def _same(a: nn.Module, b: nn.Module) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


@pytest.mark.parametrize("objective", ["hinge", "wgan-gp"])
def test_a_resumed_run_ends_exactly_where_an_unbroken_one_does(tmp_path, objective):
    _, unbroken = _run(tmp_path / "unbroken", 6, objective=objective)
    _run(tmp_path / "broken", 3, objective=objective)
    _, resumed = _run(tmp_path / "broken", 6, objective=objective)
    assert resumed.steps == 6
    assert _same(unbroken.generator_ema, resumed.generator_ema)
    assert _same(unbroken.discriminator, resumed.discriminator)
    assert [r["step"] for r in read_log(tmp_path / "broken" / "log.jsonl")] == [1, 2, 3, 4, 5, 6]


def test_a_run_that_crashed_between_checkpoints_resumes_without_repeating_its_log(tmp_path):
    def crash_at_step_3(generator: nn.Module) -> dict[str, float]:
        raise KeyboardInterrupt

    torch.manual_seed(0)
    model = ConditionalGAN(**TINY)
    config = GANConfig(steps=6, batch_size=8, log_every=1, save_every=2, validate_every=3)
    with pytest.raises(KeyboardInterrupt):
        train_adversarial(model.generator, model.discriminator, _tiny_data(), conditional_task(8), config, tmp_path,
                          torch.device("cpu"), validate=crash_at_step_3)
    assert [r["step"] for r in read_log(tmp_path / "log.jsonl")] == [1, 2, 3], "step 3 was logged, not saved"
    result = train_adversarial(model.generator, model.discriminator, _tiny_data(), conditional_task(8), config,
                               tmp_path, torch.device("cpu"))
    assert result.steps == 6
    assert [r["step"] for r in read_log(tmp_path / "log.jsonl")] == [1, 2, 3, 4, 5, 6]


def test_the_validator_chooses_the_kept_generator(tmp_path):
    torch.manual_seed(0)
    model = ConditionalGAN(**TINY)
    seen: list[torch.Tensor] = []

    def validate(generator: nn.Module) -> dict[str, float]:
        seen.append(generator.embed.weight.clone())
        return {"score": 1.0 if len(seen) == 2 else 0.0}   # the second look (step 4) is the best

    result = train_adversarial(model.generator, model.discriminator, _tiny_data(), conditional_task(8),
                               GANConfig(steps=6, batch_size=8, validate_every=2), tmp_path, torch.device("cpu"),
                               validate=validate, select="score")
    assert result.best == {"step": 4, "score": 1.0}
    assert torch.equal(result.generator_ema.embed.weight, seen[1]) and not torch.equal(seen[1], seen[2])
    assert [r["step"] for r in read_log(tmp_path / "log.jsonl") if r["split"] == "validation"] == [2, 4, 6]


def test_r1_and_the_auxiliary_class_loss_are_applied_and_logged(tmp_path):
    _, result = _run(tmp_path, 4, aux=True, r1_gamma=1.0, r1_every=2)
    log = read_log(tmp_path / "log.jsonl")
    assert [r["step"] for r in log if "r1" in r] == [1, 3], "lazy R1: every second D step"
    assert all(r["aux_d"] > 0 and r["aux_g"] > 0 for r in log)


def test_cgan_epochs_set_the_step_budget(tmp_path, data_dir):
    recipe = dataclasses.replace(RECIPES["mnist"], model=TINY)
    _, result = train_gan(recipe, tmp_path, data_dir=data_dir, epochs=1, batch_size=100, train_limit=1000)
    assert result.steps == 9, "1000 images less 100 held out, in batches of 100: 9 steps"


@pytest.mark.slow
def test_cgan_trains_with_two_processes_under_torchrun_and_loads(tmp_path, data_dir):
    out = tmp_path / "cgan" / "mnist"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
               "-m", "genhub.training", "cgan", "--variant", "mnist", "--data-dir", str(data_dir), "--out", str(out),
               "--device", "cpu", "--train-limit", "1024", "--max-steps", "4", "--batch-size", "16"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("wrote ") == 1, "only the main process writes the weights"
    loaded = from_pretrained(PLUGIN, "mnist", weights_dir=tmp_path)
    assert read_config(out / "config.json")["training"]["steps"] == 4
    assert loaded.model.generator(torch.randn(2, loaded.model.z_dim), torch.tensor([1, 2])).shape == (2, 1, 28, 28)


def test_the_augmentation_hook_sees_every_image_the_discriminator_judges(tmp_path):
    torch.manual_seed(0)
    model = ConditionalGAN(**TINY)
    sizes: list[int] = []

    def augment(images: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
        sizes.append(len(images))
        return images.flip(-1)

    task = dataclasses.replace(conditional_task(8), augment=augment)
    train_adversarial(model.generator, model.discriminator, _tiny_data(), task, GANConfig(steps=2, batch_size=8),
                      tmp_path, torch.device("cpu"))
    assert sizes == [16, 8, 16, 8], "per step: real and fake together for D, then the fakes for G"


def test_the_replay_hook_feeds_only_the_discriminator_step(tmp_path):
    torch.manual_seed(0)
    model = ConditionalGAN(**TINY)
    seen: list[int] = []

    def replay(images: torch.Tensor, labels: torch.Tensor, rng: torch.Generator):
        seen.append(len(images))
        return images.flip(0), labels.flip(0)

    task = dataclasses.replace(conditional_task(8), replay=replay)
    train_adversarial(model.generator, model.discriminator, _tiny_data(), task, GANConfig(steps=3, batch_size=8),
                      tmp_path, torch.device("cpu"))
    assert seen == [8, 8, 8], "once per discriminator step, never for the generator's"


def test_the_learning_rate_decays_linearly_and_a_resumed_run_follows_the_same_schedule(tmp_path):
    from genhub.training.adversarial import _decay

    assert [_decay(s, 4, 8) for s in (0, 3, 4, 6, 8)] == [1.0, 1.0, 1.0, 0.5, 0.0]
    _, unbroken = _run(tmp_path / "unbroken", 6, objective="lsgan", decay_from=2)
    _run(tmp_path / "broken", 3, objective="lsgan", decay_from=2)
    _, resumed = _run(tmp_path / "broken", 6, objective="lsgan", decay_from=2)
    assert _same(unbroken.generator_ema, resumed.generator_ema)
    _, constant = _run(tmp_path / "constant", 6, objective="lsgan")
    assert not _same(unbroken.generator_ema, constant.generator_ema), "the schedule changes the training"


def test_a_time_budget_stops_the_run_checkpointed_and_snapshots_keep_the_ema(tmp_path):
    import json

    _, result = _run(tmp_path, 10_000, objective="hinge", max_seconds=2.0, snapshot_every=1, betas=(0.0, 0.99))
    assert 0 < result.steps < 10_000 and result.seconds >= 2.0
    progress = json.loads((tmp_path / "checkpoint" / "state.json").read_text())["progress"]
    assert progress["step"] == result.steps, "the stopping step is checkpointed"
    snapshots = sorted(p.name for p in (tmp_path / "snapshots").iterdir())
    assert snapshots[0] == "ema-0000001.safetensors" and len(snapshots) == result.steps


def test_a_time_budget_stops_fit_mid_epoch(tmp_path):
    from genhub.training.loop import FitConfig, fit

    model = nn.Linear(4, 1)
    data = [torch.randn(100_000, 4)]

    def loss_fn(m, batch, step):
        return {"loss": m(batch[0]).pow(2).mean()}

    result = fit(model, data, loss_fn, FitConfig(epochs=3, batch_size=2, lr=1e-3, max_seconds=0.5), tmp_path,
                 torch.device("cpu"))
    assert 0 < result.steps < 50_000, "stopped inside the first epoch"
    assert result.seconds >= 0.5 and (tmp_path / "checkpoint").is_dir()
    import json
    progress = json.loads((tmp_path / "checkpoint" / "state.json").read_text())["progress"]
    assert progress == {"epoch": 0, "step": result.steps, "seconds": result.seconds}, "a half-run epoch is not done"
