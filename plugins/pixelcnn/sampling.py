"""Completing images with a Gated PixelCNN: the naive loop and the cached one.

Both sample exactly the hidden pixels, in raster order, from the first hidden one on; known
pixels after it are kept. Randomness is drawn up front, one uniform per pixel (inverse-CDF
sampling), so the two samplers consume identical noise and give identical images.

The naive loop runs the whole network once per hidden pixel: O(H·W) full passes.
The cached loop (after Ramachandran et al. 2017, "Fast Generation for Convolutional
Autoregressive Models") runs one full pass for the known prefix, then per pixel computes
only the one new position of each horizontal-stack layer, and once per finished row that
row of each vertical-stack layer. Everything else is read from caches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from genhub.plugins.pixelcnn.model import GatedPixelCNN, _center, gate

Progress = Callable[[int, int], None]
"""``(pixels done, pixels to do)``."""


@dataclass
class Completion:
    images: torch.Tensor
    """(N, 1, H, W) in [0, 1]: known pixels kept, hidden ones sampled."""
    log_likelihood: torch.Tensor
    """(N,) nats: log p of the sampled hidden pixels given everything before them."""


def draw_uniforms(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """The sampling noise: one U[0, 1) per pixel, (N, H, W), from ``seed``."""
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed))


def pixel_values(logits: torch.Tensor, levels: int, temperature: float) -> torch.Tensor:
    """Per-pixel logits (N, 1) or (N, levels) -> probabilities of each value (N, levels)."""
    if levels == 2:
        p1 = torch.sigmoid(logits[:, 0] / temperature)
        return torch.stack([1 - p1, p1], dim=1)
    return torch.softmax(logits / temperature, dim=1)


def draw(probs: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """Inverse-CDF draw: the first value whose cumulative probability exceeds u (N,) -> (N,) int."""
    cdf = probs.cumsum(1)
    return torch.searchsorted(cdf, (u * cdf[:, -1]).unsqueeze(1)).squeeze(1).clamp_(max=probs.shape[1] - 1)


def _positions(mask: torch.Tensor) -> tuple[int, int]:
    """First and last hidden raster index over the batch; mask (N, H, W) bool, True = hidden."""
    any_hidden = mask.any(0).flatten().nonzero()
    return int(any_hidden[0]), int(any_hidden[-1])


@torch.no_grad()
def complete_naive(model: torch.nn.Module, images: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor | None,
                   temperature: float, uniforms: torch.Tensor, progress: Progress | None = None) -> Completion:
    """Reference sampler: a full forward pass per pixel. Works for any PixelCNN-like model
    ``model(x, y) -> logits``. images (N, 1, H, W) in [0, 1], mask (N, H, W) bool (True = sample it),
    uniforms (N, H, W)."""
    levels = model.levels
    x = images.clone() * ~mask[:, None]
    loglik = torch.zeros(len(x), dtype=torch.float64)
    first, last = _positions(mask)
    width = x.shape[-1]
    for n, index in enumerate(range(first, last + 1)):
        i, j = divmod(index, width)
        hidden = mask[:, i, j]
        if hidden.any():
            logits = model(x, labels)[:, :, i, j]
            loglik += _update(x, i, j, logits, hidden, levels, temperature, uniforms)
        if progress:
            progress(n + 1, last - first + 1)
    return Completion(x, loglik.float())


def _update(x: torch.Tensor, i: int, j: int, logits: torch.Tensor, hidden: torch.Tensor, levels: int,
            temperature: float, uniforms: torch.Tensor) -> torch.Tensor:
    """Sample pixel (i, j) where ``hidden``; write it into x; return its log-prob (N,), 0 where known."""
    probs = pixel_values(logits, levels, temperature)
    value = draw(probs, uniforms[:, i, j])
    x[:, 0, i, j] = torch.where(hidden, value.float() / (levels - 1), x[:, 0, i, j])
    return torch.where(hidden, probs.gather(1, value[:, None]).squeeze(1).clamp_min(1e-30).log().double(),
                       torch.zeros((), dtype=torch.float64))


class _Cache:
    """Activations of a Gated PixelCNN that later pixels reuse, for one batch.

    Per layer: ``v_in`` the vertical stack's input, padded (top k//2 rows, k//2 columns each
    side) so a row window is a plain slice; ``v_pre`` its pre-activation; ``h_row`` the
    current row of the horizontal stack's input, channels last (N, k//2 + W, C_in), padded on the
    left; ``row_bias`` what the vertical stack and the class add to that row's gate (N, W, 2C).
    """

    def __init__(self, model: GatedPixelCNN, x: torch.Tensor, y: torch.Tensor | None, row: int) -> None:
        self.model, self.half = model, model.kernel // 2
        n, _, self.height, self.width = x.shape
        half = self.half
        self.conds = [layer.condition(y, n, x.device) for layer in model.layers]
        # Flattened weights for the per-pixel steps; h_weight's input order matches a (kw, C_in) window.
        self.h_weight = [layer.h_conv.weight[:, :, 0].permute(0, 2, 1).flatten(1).T.contiguous()
                         for layer in model.layers]                                    # (kw·C_in, 2C)
        self.out_weight = [torch.cat([layer.h_out.weight.flatten(1), layer.skip.weight.flatten(1)]).T.contiguous()
                           for layer in model.layers]                                  # (C, C + S)
        self.out_bias = [torch.cat([layer.h_out.bias, layer.skip.bias]) for layer in model.layers]
        head = [m for m in model.head if isinstance(m, torch.nn.Conv2d)]                # 1×1 convs as matrices
        self.head = [(m.weight.flatten(1).T.contiguous(), m.bias) for m in head]
        # One full pass gives every activation of the known prefix (later rows are recomputed).
        v = h = _center(x, model.levels)
        self.v_in, self.v_pre, self.h_row = [], [], []
        for layer in model.layers:
            self.v_in.append(F.pad(v, (half, half, half, 0)))
            self.v_pre.append(layer.v_conv(self.v_in[-1]))
            self.h_row.append(F.pad(h[:, :, row], (half, 0)).permute(0, 2, 1).contiguous())
            v, h, _ = layer(v, h, y)
        self.start_row(row)

    def start_row(self, i: int) -> None:
        """Precompute, for row i, each layer's gate bias from the vertical stack (row i − 1) and the class."""
        self.row_bias = []
        for k, (layer, (_, cond_h)) in enumerate(zip(self.model.layers, self.conds)):
            bias = (layer.h_conv.bias + layer.v_to_h.bias)[None, None] + cond_h[:, None, :, 0, 0]  # (N, 1, 2C)
            if i > 0:
                above = self.v_pre[k][:, :, i - 1].transpose(1, 2)                   # (N, W, 2C)
                bias = bias + above @ layer.v_to_h.weight.flatten(1).T
            self.row_bias.append(bias.expand(-1, self.width, -1).contiguous())

    def finish_row(self, i: int, x: torch.Tensor) -> None:
        """Row i is complete: compute row i of every vertical layer, start row i + 1."""
        half = self.half
        v = _center(x[:, :, i:i + 1], self.model.levels)
        for k, (layer, (cond_v, _)) in enumerate(zip(self.model.layers, self.conds)):
            self.v_in[k][:, :, i + half, half:half + self.width] = v[:, :, 0]
            pre = layer.v_conv(self.v_in[k][:, :, i:i + half + 1])                 # (N, 2C, 1, W)
            self.v_pre[k][:, :, i] = pre[:, :, 0]
            v = gate(pre + cond_v)
        for row in self.h_row:
            row.zero_()
        self.start_row(i + 1)

    def pixel(self, i: int, j: int, x: torch.Tensor) -> torch.Tensor:
        """Logits at (i, j) (N, levels or 1), given the pixels before (i, j); updates the row caches."""
        half, model = self.half, self.model
        if j > 0:  # the pixel just sampled joins the first layer's row window
            self.h_row[0][:, j - 1 + half] = _center(x[:, :, i, j - 1], model.levels)
        skip = 0
        n = len(x)
        for k, layer in enumerate(model.layers):
            width = half if layer.first else half + 1
            window = self.h_row[k][:, j:j + width].reshape(n, -1)                   # (N, kw·C_in)
            g = gate(torch.addmm(self.row_bias[k][:, j], window, self.h_weight[k]))  # (N, C)
            out = torch.addmm(self.out_bias[k], g, self.out_weight[k])               # (N, C + S)
            c = g.shape[1]
            h_new = out[:, :c] if layer.first else self.h_row[k][:, j + half] + out[:, :c]
            skip = skip + out[:, c:]
            if k + 1 < len(model.layers):
                self.h_row[k + 1][:, j + half] = h_new
        (w1, b1), (w2, b2) = self.head
        return torch.addmm(b2, torch.relu(torch.addmm(b1, torch.relu(skip), w1)), w2)


@torch.inference_mode()
def complete_cached(model: GatedPixelCNN, images: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor | None,
                    temperature: float, uniforms: torch.Tensor, progress: Progress | None = None) -> Completion:
    """The fast sampler; same contract and same samples as `complete_naive`."""
    return _last(iter_cached(model, images, mask, labels, temperature, uniforms, progress))


# Inference mode, not no_grad: the per-pixel loop is thousands of small ops, and skipping autograd's
# bookkeeping makes a bottom-half completion of 8 digits about 12 % faster (bench/pixelcnn_speed.py).
# Its results are inference tensors: clone them before changing them in place.
@torch.inference_mode()
def iter_cached(model: GatedPixelCNN, images: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor | None,
                temperature: float, uniforms: torch.Tensor, progress: Progress | None = None,
                every_row: bool = False) -> Iterator[Completion]:
    """`complete_cached` as a generator: with ``every_row`` it yields the partial completion after
    each finished row (for a UI that shows rows as they are sampled), and always the final one."""
    levels = model.levels
    x = images.clone() * ~mask[:, None]
    loglik = torch.zeros(len(x), dtype=torch.float64)
    first, last = _positions(mask)
    width = x.shape[-1]
    cache = _Cache(model, x, labels, first // width)
    for n, index in enumerate(range(first, last + 1)):
        i, j = divmod(index, width)
        if j == 0 and index > first:
            cache.finish_row(i - 1, x)
        hidden = mask[:, i, j]
        logits = cache.pixel(i, j, x)
        if hidden.any():
            loglik += _update(x, i, j, logits, hidden, levels, temperature, uniforms)
        if progress:
            progress(n + 1, last - first + 1)
        if every_row and j == width - 1 and index != last:
            yield Completion(x.clone(), loglik.float())
    yield Completion(x, loglik.float())


def _last(iterator: Iterator[Completion]) -> Completion:
    *_, result = iterator
    return result
