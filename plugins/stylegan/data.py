"""The faces StyleGAN trains on: ``<data root>/anime_faces/images`` (10,000 96×96 JPEGs) as uint8
(N, 3, S, S), resized so the shorter side is S (antialiased bilinear) and centre-cropped, split by
a seeded permutation into training and validation faces. Training adds the mirror image of every
training face (`plugins/stylegan/train.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from genhub.training.image_files import ANIME_COUNT, anime_folder, read_images

SPLIT_SEED = 20201207
"""Seed of the permutation that picks the validation faces (fixed, recorded)."""


@dataclass(frozen=True)
class Faces:
    train: torch.Tensor
    """uint8 (N, 3, S, S)."""
    validation: torch.Tensor
    train_index: torch.Tensor
    """File numbers of the training faces, in ``train``'s order."""


def load_faces(size: int = 64, data_dir: str | Path | None = None, validation: int = 500,
               limit: int | None = None) -> Faces:
    """All faces at ``size``², ``validation`` of them held out; ``limit`` keeps the first N
    training faces (smoke tests)."""
    folder = anime_folder(data_dir)
    order = torch.randperm(ANIME_COUNT, generator=torch.Generator().manual_seed(SPLIT_SEED))
    held, train = order[:validation], order[validation:]
    if limit:
        train = train[:limit]
    read = lambda index: read_images([folder / f"{int(i)}.jpg" for i in index], size)  # noqa: E731
    return Faces(train=read(train), validation=read(held), train_index=train)


def all_faces(size: int = 64, data_dir: str | Path | None = None) -> torch.Tensor:
    """The 10,000 faces in file order at ``size``²: the FID reference set. uint8 (10000, 3, S, S)."""
    folder = anime_folder(data_dir)
    return read_images([folder / f"{i}.jpg" for i in range(ANIME_COUNT)], size)


def to_model(images: torch.Tensor) -> torch.Tensor:
    """uint8 [0, 255] -> float [-1, 1]."""
    return images.float().div(127.5).sub(1)

