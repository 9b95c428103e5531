"""Measures of a dynamics model against the true rotated digits: per-frame mean squared error
within the training horizon and beyond it. Shared by training (validation, test), the bench
and the tests."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from genhub_dynamics.data import HORIZON, random_speeds, rotating_sequences


@dataclass(frozen=True)
class SequenceSet:
    """Rotating-digit sequences described, not rendered (10,000 sequences of 32 frames would be
    a gigabyte): ``digits`` (N, 1, 28, 28) in [0, 1], upright, and ``speeds`` (N,) in degrees per
    frame."""

    digits: torch.Tensor
    speeds: torch.Tensor

    def frames(self, times: torch.Tensor, index: slice = slice(None)) -> torch.Tensor:
        """(n, F, 1, 28, 28) in [0, 1]: sequences ``index`` at ``times`` (in frames)."""
        return rotating_sequences(self.digits[index], self.speeds[index], times)

    def __len__(self) -> int:
        return len(self.digits)


def seeded_sequences(digits: torch.Tensor, seed: int = 0) -> SequenceSet:
    """``digits`` (N, 1, 28, 28) in [0, 1] with speeds from the training distribution, seeded."""
    return SequenceSet(digits, random_speeds(len(digits), torch.Generator().manual_seed(seed)))


@torch.no_grad()
def predict(model: torch.nn.Module, sequences: SequenceSet, times: torch.Tensor,
            index: slice = slice(None)) -> torch.Tensor:
    """The model's frames (n, F, 1, 28, 28) in [0, 1] at ``times``, from the true frames at
    0, 1, …, context_frames - 1 of sequences ``index``."""
    device = next(model.parameters()).device
    context = sequences.frames(torch.arange(model.context_frames, dtype=torch.float32), index)
    return model(context.to(device), times.to(device)).cpu()


@torch.no_grad()
def frame_errors(model: torch.nn.Module, sequences: SequenceSet, frames: int = 2 * HORIZON,
                 batch: int = 500) -> dict[str, float | list[float]]:
    """Mean squared pixel error (pixels in [0, 1]) of the model's frames 0 … ``frames`` - 1 against
    the true ones: ``per_frame`` (a list), ``mse_1x`` (mean over the training horizon, frames
    0-15, the context frames included) and ``mse_2x`` (frames 16-31, beyond anything trained),
    and the same for the ``static`` baseline that holds the last context frame still."""
    was_training = model.training
    model.eval()
    times = torch.arange(frames, dtype=torch.float32)
    model_sum, static_sum = torch.zeros(frames), torch.zeros(frames)
    for begin in range(0, len(sequences), batch):
        index = slice(begin, begin + batch)
        truth = sequences.frames(times, index)
        guess = predict(model, sequences, times, index)
        last = truth[:, model.context_frames - 1: model.context_frames]
        model_sum += (guess - truth).pow(2).mean((2, 3, 4)).sum(0)
        static_sum += (last - truth).pow(2).mean((2, 3, 4)).sum(0)
    model.train(was_training)
    per_frame, static = model_sum / len(sequences), static_sum / len(sequences)
    split = min(HORIZON, frames)
    return {"mse_1x": float(per_frame[:split].mean()), "mse_2x": float(per_frame[split:].mean()),
            "static_mse_1x": float(static[:split].mean()), "static_mse_2x": float(static[split:].mean()),
            "per_frame": [round(float(v), 5) for v in per_frame]}
