"""Generating audio from a WaveNet, sample by sample: the naive loop and the fast one.

Both continue a prime (μ-law levels already known, at least one) for ``steps`` new samples
and consume the same noise, one uniform per new sample (inverse-CDF sampling, temperature
0 = greedy), so for the same seed they produce the same audio.

Naive: a full forward pass over the last receptive-field samples per new sample.
Fast (Paine et al. 2016, "Fast Wavenet Generation Algorithm"): each dilated layer keeps a
queue of its past inputs as long as its dilation, so a new sample costs one step per layer.
The queue stores each past input already multiplied by the layer's first tap (plus biases
and the condition), so a step is one small matrix product per layer. It runs in NumPy on the
CPU: per-sample steps are far too small for a GPU or for PyTorch's per-call overhead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import torch
from numba import njit

from plugins.wavenet.model import WaveNet

Progress = Callable[[int, int], None]


def draw_uniforms(batch: int, steps: int, seed: int) -> torch.Tensor:
    """The sampling noise: (batch, steps) U[0, 1) from ``seed``."""
    return torch.rand(batch, steps, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def choose(logits: np.ndarray, temperature: float, u: np.ndarray) -> np.ndarray:
    """Logits (N, L) -> levels (N,): inverse-CDF draw with uniforms u (N,), or argmax at temperature 0."""
    if temperature == 0:
        return logits.argmax(1)
    z = logits.astype(np.float64) / temperature
    p = np.exp(z - z.max(1, keepdims=True))
    cdf = np.cumsum(p, 1)
    target = u * cdf[:, -1]
    return np.minimum((cdf < target[:, None]).sum(1), logits.shape[1] - 1)


@torch.no_grad()
def generate_naive(model: WaveNet, prime: torch.Tensor, steps: int, digit: torch.Tensor | None,
                   speaker: torch.Tensor | None, temperature: float, uniforms: torch.Tensor,
                   progress: Progress | None = None) -> torch.Tensor:
    """Reference generator. prime (N, P) int64 levels, P ≥ 1 -> (N, P + steps) levels."""
    seq = prime.clone()
    window = model.receptive_field
    for t in range(steps):
        logits = model(seq[:, -window:], digit, speaker)[:, :, -1].double().cpu().numpy()
        level = choose(logits, temperature, uniforms[:, t].numpy())
        seq = torch.cat([seq, torch.from_numpy(level).to(seq)[:, None]], dim=1)
        if progress:
            progress(t + 1, steps)
    return seq


class FastGenerator:
    """One batch's generation state, as flat float32 arrays for `_run` (compiled by Numba).

    Per layer l a queue ``queues[l, n, :dilation[l]]`` holds the layer's last ``dilation``
    inputs, each already multiplied by the first tap, plus biases and the condition."""

    def __init__(self, model: WaveNet, digit: torch.Tensor | None, speaker: torch.Tensor | None, batch: int) -> None:
        def f(t: torch.Tensor) -> np.ndarray:
            return np.ascontiguousarray(t.detach().float().cpu().numpy())

        device = next(model.parameters()).device
        with torch.no_grad():
            h = model.condition(None if digit is None else digit.to(device),
                                None if speaker is None else speaker.to(device), batch, device)
            cond = [block.condition(h) for block in model.blocks]
        blocks = model.blocks
        channels, dmax = blocks[0].residual.in_channels, max(model.dilations)
        self.embed = f(model.embed_input.weight)                                           # (levels, C)
        self.causal = f(model.causal.weight.permute(2, 1, 0))                              # (2, C_in, C_out)
        self.causal_bias = f(model.causal.bias)
        self.dilations = np.array(model.dilations, dtype=np.int64)
        self.taps = np.stack([f(torch.cat([b.dilated.weight[:, :, 1], b.dilated.weight[:, :, 0]]).T)
                              for b in blocks])                                             # (L, C, 4C): [now | past]
        self.biases = np.stack([f(b.dilated.bias + c) for b, c in zip(blocks, cond)])       # (L, N, 2C)
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
        _run(levels, feed, steps, temperature, uniforms, self.t, self.embed, self.causal, self.causal_bias,
             self.prev, self.dilations, self.taps, self.biases, self.queues, self.w_res, self.b_res, self.w_skip,
             self.b_skip, self.w1, self.b1, self.w2, self.b2)
        self.t += steps


@njit(cache=True, nogil=True)
def _run(levels, feed, steps, temperature, uniforms, t0, embed, causal, causal_bias, prev, dilations, taps,
         biases, queues, w_res, b_res, w_skip, b_skip, w1, b1, w2, b2):  # pragma: no cover - compiled
    n_batch = levels.shape[0]
    n_layers, channels, four_c = taps.shape
    c2 = four_c // 2
    n_levels = w2.shape[1]
    x = np.empty(channels, np.float32)
    both = np.empty(four_c, np.float32)
    g = np.empty(channels, np.float32)
    skip = np.empty(w_skip.shape[2], np.float32)
    hidden = np.empty(w1.shape[1], np.float32)
    logits = np.empty(n_levels, np.float64)
    for k in range(steps):
        t = t0 + k
        col = feed + k
        for n in range(n_batch):
            e = embed[levels[n, col]]
            for o in range(channels):
                acc = causal_bias[o]
                for i in range(channels):
                    acc += prev[n, i] * causal[0, i, o] + e[i] * causal[1, i, o]
                x[o] = acc
            prev[n, :] = e
            skip[:] = b_skip
            for layer in range(n_layers):
                slot = t % dilations[layer]
                both[:] = 0.0
                for i in range(channels):
                    xi = x[i]
                    for o in range(four_c):
                        both[o] += xi * taps[layer, i, o]
                for o in range(c2):
                    both[o] += queues[layer, n, slot, o]
                    queues[layer, n, slot, o] = both[c2 + o] + biases[layer, n, o]  # seen again in `dilation` steps
                for o in range(channels):
                    g[o] = np.tanh(both[o]) / (1.0 + np.exp(-both[channels + o]))
                for o in range(channels):
                    acc = b_res[layer, o]
                    for i in range(channels):
                        acc += g[i] * w_res[layer, i, o]
                    x[o] += acc
                for i in range(channels):
                    gi = g[i]
                    for o in range(skip.shape[0]):
                        skip[o] += gi * w_skip[layer, i, o]
            for o in range(hidden.shape[0]):
                acc = b1[o]
                for i in range(skip.shape[0]):
                    acc += max(skip[i], 0.0) * w1[i, o]
                hidden[o] = max(acc, 0.0)
            for o in range(n_levels):
                acc = b2[o]
                for i in range(hidden.shape[0]):
                    acc += hidden[i] * w2[i, o]
                logits[o] = acc
            if col + 1 < levels.shape[1] and levels[n, col + 1] < 0:
                levels[n, col + 1] = _choose(logits, temperature, uniforms[n, k])


@njit(cache=True)
def _choose(logits, temperature, u):  # pragma: no cover - compiled
    """Inverse-CDF draw from softmax(logits / temperature) with uniform u; argmax at temperature 0."""
    if temperature == 0.0:
        return np.argmax(logits)
    z = logits / temperature
    z = np.exp(z - z.max())
    cdf = np.cumsum(z)
    target = u * cdf[-1]
    count = 0
    for v in cdf:
        if v < target:
            count += 1
    return min(count, logits.shape[0] - 1)


def iter_fast(model: WaveNet, prime: torch.Tensor, steps: int, digit: torch.Tensor | None,
              speaker: torch.Tensor | None, temperature: float, uniforms: torch.Tensor,
              progress: Progress | None = None, chunk: int = 2000) -> Iterator[torch.Tensor]:
    """The fast generator; yields the levels so far (N, P + k) after every ``chunk`` new samples
    and at the end (N, P + steps)."""
    batch, p = prime.shape
    state = FastGenerator(model, digit, speaker, batch)
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
                  progress: Progress | None = None) -> torch.Tensor:
    """Same contract and same result as `generate_naive`."""
    *_, levels = iter_fast(model, prime, steps, digit, speaker, temperature, uniforms, progress)
    return levels
