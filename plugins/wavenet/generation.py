"""Generating audio from a WaveNet, sample by sample: the naive loop and the fast one.

Both continue a prime (μ-law levels already known, at least one) for ``steps`` new samples
and consume the same noise, one uniform per new sample (inverse-CDF sampling, temperature
0 = greedy), so for the same seed they produce the same audio.

Naive: a full forward pass over the last receptive-field samples per new sample.
Fast (Paine et al. 2016, "Fast Wavenet Generation Algorithm"): each dilated layer keeps a
queue of its past inputs as long as its dilation, so a new sample costs one step per layer.
The queue stores each past input already multiplied by the layer's first tap (plus biases
and the condition), so a step is one small matrix product per layer. It runs on the CPU in a
loop compiled by Numba (`kernel.py`): per-sample steps are far too small for a GPU or for
PyTorch's per-call overhead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import torch

from genhub.plugins.wavenet.model import WaveNet

Progress = Callable[[int, int], None]


def draw_uniforms(batch: int, steps: int, seed: int) -> torch.Tensor:
    """The sampling noise: (batch, steps) U[0, 1) from ``seed``."""
    return torch.rand(batch, steps, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@torch.no_grad()
def generate_naive(model: WaveNet, prime: torch.Tensor, steps: int, digit: torch.Tensor | None,
                   speaker: torch.Tensor | None, temperature: float, uniforms: torch.Tensor,
                   progress: Progress | None = None, positioned: bool = True,
                   plan: torch.Tensor | None = None) -> torch.Tensor:
    """Reference generator. prime (N, P) int64 levels, P ≥ 1 -> (N, P + steps) levels.
    ``positioned``: the prime starts the clip (else the position condition is "unspecified").
    ``plan``: a vocoder's log-mel frames (N, mels, F) for the whole clip, the prime included."""
    from genhub.plugins.wavenet.kernel import choose_level  # the fast path's own draw, so both sample alike

    seq = prime.clone()
    window = model.receptive_field
    for t in range(steps):
        start = max(0, seq.shape[1] - window)
        logits = model(seq[:, start:], digit, speaker, start if positioned else None, plan)[:, :, -1]
        logits = logits.double().cpu().numpy()
        level = np.array([choose_level(row, float(temperature), float(u))
                          for row, u in zip(logits, uniforms[:, t].numpy())])
        seq = torch.cat([seq, torch.from_numpy(level).to(seq)[:, None]], dim=1)
        if progress:
            progress(t + 1, steps)
    return seq


def check_plan(model: WaveNet, plan: torch.Tensor | None, batch: int) -> None:
    """ValueError unless ``plan`` is (batch, model.mels, F ≥ 1): the fast loop reads it unchecked."""
    if plan is None:
        raise ValueError("this WaveNet is a vocoder: it needs a plan (log-mel frames)")
    if plan.ndim != 3 or plan.shape[0] != batch or plan.shape[1] != model.mels or plan.shape[2] < 1:
        raise ValueError(f"a plan must be (batch {batch}, mels {model.mels}, frames ≥ 1); got {tuple(plan.shape)}")


class FastGenerator:
    """One batch's generation state, as flat float32 arrays for `kernel.run_steps` (compiled by Numba).

    Per layer l a queue ``queues[l, n, :dilation[l]]`` holds the layer's last ``dilation``
    inputs, each already multiplied by the first tap, plus biases and the global condition;
    ``local[l, n, f]`` is the layer's local-condition term for clip n in frame f: the position
    condition's (the same for every clip), the plan condition's (``plan`` (N, mels, F), per clip),
    or one zero frame for a model with neither; input sample t is in frame
    min((t + frame_offset) // frame_samples, F - 1)."""

    def __init__(self, model: WaveNet, digit: torch.Tensor | None, speaker: torch.Tensor | None, batch: int,
                 positioned: bool = True, plan: torch.Tensor | None = None) -> None:
        def f(t: torch.Tensor) -> np.ndarray:
            return np.ascontiguousarray(t.detach().float().cpu().numpy())

        device = next(model.parameters()).device
        with torch.no_grad():
            h = model.condition(None if digit is None else digit.to(device),
                                None if speaker is None else speaker.to(device), batch, device)
            cond = [block.condition(h) for block in model.blocks]
            self.frame_offset = 0
            if model.mels:
                check_plan(model, plan, batch)
                if not positioned:
                    raise ValueError("a vocoder's plan starts with the clip: its position cannot be unspecified")
                features = model.plan_features(plan.to(device))                              # (N, F, E)
                local = torch.stack([block.position(features) for block in model.blocks])   # (L, N, F, 2C)
                self.frame_samples, self.frame_offset = model.hop, model.hop // 2
            elif model.position_embed is None:
                local = torch.zeros(len(model.blocks), batch, 1, 2 * model.blocks[0].residual.in_channels)
                self.frame_samples = 1
            else:
                rows = model.frame_embeddings(positioned)
                local = torch.stack([block.position(rows) for block in model.blocks])[:, None].expand(
                    -1, batch, -1, -1)
                self.frame_samples = model.frame_samples
        blocks = model.blocks
        channels, dmax = blocks[0].residual.in_channels, max(model.dilations)
        self.embed = f(model.embed_input.weight)                                           # (levels, C)
        self.causal = f(model.causal.weight.permute(2, 1, 0))                              # (2, C_in, C_out)
        self.causal_bias = f(model.causal.bias)
        self.dilations = np.array(model.dilations, dtype=np.int64)
        self.taps = np.stack([f(torch.cat([b.dilated.weight[:, :, 1], b.dilated.weight[:, :, 0]]).T)
                              for b in blocks])                                             # (L, C, 4C): [now | past]
        self.biases = np.stack([f(b.dilated.bias + c) for b, c in zip(blocks, cond)])       # (L, N, 2C)
        self.local = f(local)                                                               # (L, N, F, 2C)
        self.queues = np.repeat(self.biases[:, :, None], dmax, axis=2).copy()               # (L, N, dmax, 2C)
        self.w_res = np.stack([f(b.residual.weight[:, :, 0].T) for b in blocks])             # (L, C, C)
        self.b_res = np.stack([f(b.residual.bias) for b in blocks])
        self.w_skip = np.stack([f(b.skip.weight[:, :, 0].T) for b in blocks])                # (L, C, S)
        self.b_skip = f(sum(b.skip.bias for b in blocks))
        convs = [m for m in model.head if isinstance(m, torch.nn.Conv1d)]
        self.w1, self.b1 = f(convs[0].weight[:, :, 0].T), f(convs[0].bias)
        self.w2, self.b2 = f(convs[1].weight[:, :, 0].T), f(convs[1].bias)
        self.prev = np.zeros((batch, channels), np.float32)
        self.t = 0

    def run(self, levels: np.ndarray, feed: int, steps: int, temperature: float, uniforms: np.ndarray) -> None:
        """Advance in place: ``levels`` (N, T) int64 holds known levels up to column ``feed``;
        feeds columns feed.., and samples columns feed + 1 .. feed + steps (those beyond the
        known prefix) with ``uniforms`` (N, steps)."""
        from genhub.plugins.wavenet.kernel import run_steps  # Numba: imported (and compiled) on first use

        run_steps(levels, feed, steps, temperature, uniforms, self.t, self.embed, self.causal, self.causal_bias,
                  self.prev, self.dilations, self.taps, self.biases, self.local, self.frame_samples,
                  self.frame_offset, self.queues, self.w_res, self.b_res, self.w_skip, self.b_skip, self.w1, self.b1,
                  self.w2, self.b2)
        self.t += steps


def iter_fast(model: WaveNet, prime: torch.Tensor, steps: int, digit: torch.Tensor | None,
              speaker: torch.Tensor | None, temperature: float, uniforms: torch.Tensor,
              progress: Progress | None = None, chunk: int = 2000, positioned: bool = True,
              plan: torch.Tensor | None = None) -> Iterator[torch.Tensor]:
    """The fast generator; yields the levels so far (N, P + k) after every ``chunk`` new samples
    and at the end (N, P + steps)."""
    batch, p = prime.shape
    state = FastGenerator(model, digit, speaker, batch, positioned, plan)
    levels = np.full((batch, p + steps), -1, dtype=np.int64)       # −1: not yet sampled
    levels[:, :p] = prime.cpu().numpy()
    u = uniforms.numpy().astype(np.float64)
    if p > 1:                                                       # fill the queues with the prime
        state.run(levels, 0, p - 1, float(temperature), np.zeros((batch, p - 1)))
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        state.run(levels, p - 1 + done, n, float(temperature), np.ascontiguousarray(u[:, done:done + n]))
        done += n
        if progress:
            progress(done, steps)
        yield torch.from_numpy(levels[:, :p + done].copy())


def generate_fast(model: WaveNet, prime: torch.Tensor, steps: int, digit: torch.Tensor | None,
                  speaker: torch.Tensor | None, temperature: float, uniforms: torch.Tensor,
                  progress: Progress | None = None, positioned: bool = True,
                  plan: torch.Tensor | None = None) -> torch.Tensor:
    """Same contract and same result as `generate_naive`."""
    *_, levels = iter_fast(model, prime, steps, digit, speaker, temperature, uniforms, progress,
                           positioned=positioned, plan=plan)
    return levels
