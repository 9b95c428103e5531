"""The fast generator's inner loop, compiled by Numba (cached on disk after the first call).

`run_steps` advances a batch through ``steps`` samples: for each sample and clip, the causal
convolution, every residual block (one product with the [now | past] taps, the queued past
term, the local condition's term for the sample's frame, the gate, residual and skip), the
output head and an inverse-CDF draw. Plain loops,
so no Python runs per operation; see `generation.FastGenerator` for the array layouts.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def run_steps(levels, feed, steps, temperature, uniforms, t0, embed, causal, causal_bias, prev, dilations, taps,
              biases, local, frame_samples, frame_offset, queues, w_res, b_res, w_skip, b_skip, w1, b1, w2,
              b2):  # pragma: no cover - compiled
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
        frame = min((t + frame_offset) // frame_samples, local.shape[2] - 1)
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
                    both[o] += queues[layer, n, slot, o] + local[layer, n, frame, o]
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
                levels[n, col + 1] = choose_level(logits, temperature, uniforms[n, k])


@njit(cache=True)
def choose_level(logits, temperature, u):  # pragma: no cover - compiled
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
