"""Datasets, read from ``--data-dir`` / ``$GENHUB_DATA``, else downloaded by torchvision.

Image datasets come back as uint8 tensors ``(N, H, W)`` (pixel values 0..255) with int64
labels ``(N,)``, in the files' original order, so splits and slices are reproducible.
"""

from __future__ import annotations

import functools
import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATA_ENV = "GENHUB_DATA"
DOWNLOAD_ROOT = Path.home() / ".cache" / "genhub" / "datasets"


@dataclass(frozen=True)
class IdxDataset:
    """An IDX-format image dataset (MNIST family): where to look and how torchvision names it."""

    name: str
    folders: tuple[str, ...]
    """Folders tried under the data root, in order."""
    system_dirs: tuple[str, ...]
    """Absolute folders tried after the data root (e.g. a Debian package's)."""
    torchvision_class: str
    classes: tuple[str, ...]


DIGITS = tuple(str(d) for d in range(10))
IDX_DATASETS = {
    "mnist": IdxDataset("mnist", ("mnist", "mnist/MNIST/raw", "MNIST/raw"), (), "MNIST", DIGITS),
    "fashion-mnist": IdxDataset(
        "fashion-mnist", ("fashion-mnist", "fashion-mnist/FashionMNIST/raw", "FashionMNIST/raw"),
        ("/usr/share/datasets/fashion-mnist",), "FashionMNIST",
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
         "Bag", "Ankle boot")),
}


def data_root(data_dir: str | Path | None = None) -> Path | None:
    """``data_dir`` if given, else ``$GENHUB_DATA``, else None (use the library's download)."""
    value = data_dir or os.environ.get(DATA_ENV)
    return Path(value).expanduser() if value else None


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped) of unsigned bytes into an array of its shape."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    if data[2] != 0x08:
        raise ValueError(f"{path} holds IDX type 0x{data[2]:02x}; only unsigned bytes (0x08) are supported")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated: header says {shape}, found {array.size} values")
    return array.reshape(shape)


def _find_idx_files(spec: IdxDataset, split: str, root: Path | None) -> tuple[Path, Path] | None:
    prefix = "train" if split == "train" else "t10k"
    candidates = [root / f for f in spec.folders] if root else []
    candidates += [Path(d) for d in spec.system_dirs]
    for folder in candidates:
        for suffix in (".gz", ""):
            images = folder / f"{prefix}-images-idx3-ubyte{suffix}"
            labels = folder / f"{prefix}-labels-idx1-ubyte{suffix}"
            if images.is_file() and labels.is_file():
                return images, labels
    return None


VALIDATION_SEED = 20_240_601
"""Fixes which training examples are held out for validation, for every run and every plugin."""


def carve_validation(*tensors: torch.Tensor, size: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Split tensors with a common first dimension into (training part, validation part):
    ``size`` examples chosen by a fixed seeded permutation are held out, the rest train.
    The same data always gives the same split, so recipes are chosen on data never trained on
    and the test set is scored once, at the end."""
    n = len(tensors[0])
    if not 0 < size < n:
        raise ValueError(f"validation size must be between 1 and {n - 1}, got {size}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(VALIDATION_SEED))
    held, kept = order[:size].sort().values, order[size:].sort().values
    return [t[kept] for t in tensors], [t[held] for t in tensors]


EXAMPLES_ENV = "GENHUB_EXAMPLES"
"""A folder of shipped example arrays (`write_examples`), read before the data root: a Space
carries the test digits its tabs show, so it downloads nothing."""


@functools.lru_cache(maxsize=8)
def example_digits(name: str, limit: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``limit`` test images of ``name`` as (N, 1, 28, 28) float in [0, 1] and labels
    (N,), loaded once per process: the digits a tab offers to pick from. Read from
    ``$GENHUB_EXAMPLES/<name>-test.npz`` when that holds at least ``limit``, else from the data
    root or a download (`load_idx_dataset`). Raises FileNotFoundError (not cached) where the data
    is missing. Treat the tensors as read-only: they are shared."""
    shipped = read_examples(name, limit)
    images, labels = shipped if shipped is not None else load_idx_dataset(name, "test", limit=limit)
    return images.float().div(255).unsqueeze(1), labels


def examples_file(folder: str | Path, name: str) -> Path:
    return Path(folder) / f"{name}-test.npz"


def write_examples(folder: str | Path, name: str, images: torch.Tensor, labels: torch.Tensor) -> Path:
    """Write test images of ``name`` (uint8 (N, 28, 28), the first N of the test set, as
    `load_idx_dataset` gives them) and their labels (int64 (N,)) to ``<folder>/<name>-test.npz``,
    where `example_digits` finds them through ``$GENHUB_EXAMPLES``; returns the file."""
    out = examples_file(folder, name)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, images=images.numpy(), labels=labels.numpy())
    return out


def read_examples(name: str, limit: int) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The first ``limit`` shipped test images and labels of ``name`` from ``$GENHUB_EXAMPLES``;
    None when the variable is unset or its file is missing or holds fewer."""
    folder = os.environ.get(EXAMPLES_ENV)
    if not folder or not examples_file(folder, name).is_file():
        return None
    with np.load(examples_file(folder, name), allow_pickle=False) as arrays:
        images, labels = arrays["images"], arrays["labels"]
    if len(images) < limit:
        return None
    return torch.from_numpy(images[:limit].copy()), torch.from_numpy(labels[:limit].astype(np.int64))


def load_idx_dataset(name: str, split: str, data_dir: str | Path | None = None,
                     limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Images ``(N, 28, 28)`` uint8 and labels ``(N,)`` int64 of ``name`` ("mnist",
    "fashion-mnist"), ``split`` "train" or "test", the first ``limit`` if given.

    Looks under the data root first; if nothing is there, downloads with torchvision into
    ``~/.cache/genhub/datasets`` (needs internet) and says where it looked if that fails.
    """
    if name not in IDX_DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(IDX_DATASETS)}")
    if split not in {"train", "test"}:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    spec = IDX_DATASETS[name]
    root = data_root(data_dir)
    found = _find_idx_files(spec, split, root)
    if found is None:
        return _download_idx(spec, split, root, limit)
    images, labels = (torch.from_numpy(read_idx(p).copy()) for p in found)
    if len(images) != len(labels):
        raise ValueError(f"{found[0]} has {len(images)} images but {found[1]} has {len(labels)} labels")
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images, labels.long()


def _download_idx(spec: IdxDataset, split: str, root: Path | None,
                  limit: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    import torchvision

    where = f"{root} (from --data-dir / {DATA_ENV})" if root else f"no data folder (set {DATA_ENV} or --data-dir)"
    try:
        dataset = getattr(torchvision.datasets, spec.torchvision_class)(
            DOWNLOAD_ROOT, train=split == "train", download=True)
    except Exception as err:  # noqa: BLE001 - network errors come in many types
        raise FileNotFoundError(
            f"{spec.name} {split} split not found: looked in {where} for "
            f"{', '.join(spec.folders + spec.system_dirs)}, and the torchvision download failed "
            f"({type(err).__name__}: {err}). Point --data-dir at a folder holding "
            f"{spec.folders[0]}/train-images-idx3-ubyte.gz and its siblings."
        ) from err
    images, labels = dataset.data, dataset.targets.long()
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images, labels


FSDD_RATE = 8000
FSDD_TEST_TAKES = range(5)
"""The dataset's own convention: takes 0-4 of each speaker and digit are the test split."""


@dataclass(frozen=True)
class SpokenDigits:
    """Clips of the Free Spoken Digit Dataset: float32 waveforms in [-1, 1] at 8 kHz."""

    waves: list[torch.Tensor]
    digits: torch.Tensor
    """(N,) int64, 0-9."""
    speakers: torch.Tensor
    """(N,) int64 indices into ``speaker_names``."""
    speaker_names: tuple[str, ...]


def load_fsdd(split: str, data_dir: str | Path | None = None, limit: int | None = None) -> SpokenDigits:
    """FSDD ``split`` ("train": takes 5-49, "test": takes 0-4) from ``<root>/fsdd/recordings``,
    sorted by (digit, speaker, take). Speakers are indexed in sorted name order."""
    import soundfile

    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    root = data_root(data_dir)
    folder = root / "fsdd" / "recordings" if root else None
    if folder is None or not folder.is_dir():
        raise FileNotFoundError(f"the Free Spoken Digit Dataset is not at {folder}; set --data-dir or {DATA_ENV} to "
                                "a folder holding fsdd/recordings/*.wav (Jakobovski/free-spoken-digit-dataset)")
    entries = []
    for path in folder.glob("*.wav"):
        digit, speaker, take = path.stem.split("_")
        if (int(take) in FSDD_TEST_TAKES) == (split == "test"):
            entries.append((int(digit), speaker, int(take), path))
    entries.sort()
    entries = entries[:limit] if limit else entries
    names = tuple(sorted({e[1] for e in entries}))
    waves = []
    for *_, path in entries:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        if rate != FSDD_RATE:
            raise ValueError(f"{path} is {rate} Hz; FSDD is {FSDD_RATE} Hz")
        waves.append(torch.from_numpy(data.mean(1)))
    return SpokenDigits(waves, torch.tensor([e[0] for e in entries]),
                        torch.tensor([names.index(e[1]) for e in entries]), names)
