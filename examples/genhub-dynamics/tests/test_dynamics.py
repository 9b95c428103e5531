"""The package's own tests: the data it makes, the two dynamics, sampling, and the shipped
weights against the true rotated digits (needs MNIST: ``GENHUB_DATA`` or ``--genhub-data-dir``)."""

from __future__ import annotations

import pytest
import torch
from genhub.plugin import SampleRequest
from genhub.weights import from_pretrained

from genhub_dynamics import PLUGIN
from genhub_dynamics.data import SPEED_RANGE, frame_times, random_speeds, rotate, rotating_sequences
from genhub_dynamics.model import DynamicsVAE, negative_elbo
from genhub_dynamics.quality import frame_errors, seeded_sequences

TINY = dict(PLUGIN.tiny_config["model"])


def bar() -> torch.Tensor:
    """A vertical bar, (1, 1, 28, 28)."""
    image = torch.zeros(1, 1, 28, 28)
    image[..., 4:24, 12:16] = 1
    return image


def test_a_quarter_turn_is_counter_clockwise_and_a_full_turn_comes_back():
    quarter = rotate(bar(), torch.tensor([90.0]))
    assert torch.allclose(quarter, torch.rot90(bar(), 1, dims=(2, 3)), atol=1e-4)
    assert torch.allclose(rotate(bar(), torch.tensor([360.0])), bar(), atol=1e-4)


def test_sequences_turn_by_speed_times_time():
    frames = rotating_sequences(bar(), torch.tensor([-45.0]), torch.tensor([0.0, 2.0]))
    assert frames.shape == (1, 2, 1, 28, 28)
    assert torch.allclose(frames[0, 0], bar()[0])
    assert torch.allclose(frames[0, 1], rotate(bar(), torch.tensor([-90.0]))[0])


def test_speeds_come_from_the_training_range_in_both_directions():
    speeds = random_speeds(2000, torch.Generator().manual_seed(0))
    assert (speeds.abs() >= SPEED_RANGE[0]).all() and (speeds.abs() <= SPEED_RANGE[1]).all()
    assert 0.4 < (speeds > 0).float().mean() < 0.6
    with pytest.raises(ValueError, match="positive number of frames"):
        frame_times(4, 0.0)


def test_the_ode_gives_the_same_state_whether_asked_on_a_coarse_or_a_fine_grid():
    torch.manual_seed(0)
    model = DynamicsVAE(**{**TINY, "solver_step": 0.25}).eval()
    z0 = torch.randn(3, TINY["latent_dim"])
    coarse = model.trajectory(z0, torch.tensor([0.0, 1.0, 2.0]))
    fine = model.trajectory(z0, torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0]))
    late = model.trajectory(z0, torch.tensor([2.0]))   # does not start at 0: integrated from 0 anyway
    assert torch.allclose(coarse, fine[:, ::2], atol=1e-5) and torch.allclose(late[:, 0], coarse[:, 2], atol=1e-5)
    assert torch.equal(coarse[:, 0], z0)


def test_the_lstm_steps_whole_frames_and_blends_between_them():
    torch.manual_seed(0)
    model = DynamicsVAE(**{**TINY, "dynamics": "lstm"}).eval()
    z0 = torch.randn(2, TINY["latent_dim"])
    whole = model.trajectory(z0, torch.tensor([0.0, 1.0, 2.0]))
    half = model.trajectory(z0, torch.tensor([1.5]))
    assert torch.allclose(half[:, 0], (whole[:, 1] + whole[:, 2]) / 2, atol=1e-6)
    with pytest.raises(ValueError, match="ascending"):
        model.trajectory(z0, torch.tensor([2.0, 1.0]))


@torch.no_grad()
def test_the_loss_on_half_the_frames_estimates_the_loss_on_all():
    torch.manual_seed(0)
    model = DynamicsVAE(**TINY)
    frames = rotating_sequences(bar().expand(4, -1, -1, -1), torch.full((4,), 20.0), frame_times(8))
    torch.manual_seed(1)
    full = negative_elbo(model, frames)
    halves = []
    for seed in range(40):
        torch.manual_seed(seed)
        halves.append(float(negative_elbo(model, frames, decoded_frames=4)["reconstruction"]))
    assert abs(sum(halves) / len(halves) - float(full["reconstruction"])) < 0.05 * float(full["reconstruction"])


def test_sample_gives_one_filmstrip_per_input_at_the_asked_frames():
    torch.manual_seed(0)
    model = DynamicsVAE(**TINY).eval()
    request = SampleRequest(2, options={"frames": 5, "dt": 0.5, "speed": -20.0}, input=torch.rand(2, 3, 40, 30))
    out = PLUGIN.sample(model, PLUGIN.tiny_config, request)
    assert out.kind == "image" and out.data.shape == (2, 1, 28, 5 * 28)


@pytest.mark.parametrize("variant", [spec.variant for spec in PLUGIN.variants])
def test_the_shipped_weights_follow_the_turn_far_better_than_holding_still(variant, genhub_data_dir):
    from genhub.training.data import load_idx_dataset

    digits, _ = load_idx_dataset("mnist", "test", genhub_data_dir, limit=200)
    loaded = from_pretrained(PLUGIN, variant)
    assert loaded.origin.endswith(f"genhub_dynamics/weights/{variant}"), "the weights ship inside the package"
    errors = frame_errors(loaded.model, seeded_sequences(digits.float().div(255).unsqueeze(1), seed=3))
    assert errors["mse_1x"] < 0.5 * errors["static_mse_1x"], errors
    assert errors["mse_2x"] < errors["static_mse_2x"], errors
