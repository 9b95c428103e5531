"""The two unpaired domains CycleGAN trains on.

The shipped variant, ``anime-xdog``, builds both from ``<data root>/anime_faces/images`` (10,000
96×96 JPEGs): a fixed seeded permutation splits the faces into two disjoint halves; domain A is
the first half as it is, domain B the second half turned into line drawings by `xdog`, so no
face appears in both domains. Each half keeps its last `TEST_PER_DOMAIN` images as the test
split and the `VALIDATION_PER_DOMAIN` before them for validation.

Any other folder in the standard unpaired layout (``trainA/``, ``trainB/``, ``testA/``,
``testB/`` of PNG or JPEG files, as the CycleGAN repository's datasets) trains a variant too.

Every split is uint8 (N, 3, S, S): resized so the shorter side is S (antialiased bilinear),
centre-cropped; drawings are grey in all three channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from genhub.plugins.cyclegan.xdog import XDoG, xdog
from genhub.training.image_files import ANIME_COUNT, anime_folder, read_images

SPLIT_SEED = 20171101
"""Seed of the permutation that splits the anime faces into the two domains (fixed, recorded)."""
TEST_PER_DOMAIN = 500
VALIDATION_PER_DOMAIN = 250
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


@dataclass(frozen=True)
class Domains:
    """uint8 (N, 3, S, S) images per domain and split; ``test_a_drawings`` are the true XDoG
    drawings of the test faces (None for a folder dataset: its domains are not made by a filter)."""

    train_a: torch.Tensor
    train_b: torch.Tensor
    validation_a: torch.Tensor
    validation_b: torch.Tensor
    test_a: torch.Tensor
    test_b: torch.Tensor
    validation_a_drawings: torch.Tensor | None = None
    test_a_drawings: torch.Tensor | None = None


def drawings_of(faces: torch.Tensor, params: XDoG = XDoG()) -> torch.Tensor:
    """uint8 faces (N, 3, S, S) -> uint8 XDoG drawings (N, 3, S, S), grey in all channels."""
    out = []
    for chunk in faces.split(1000):
        lines = xdog(chunk.float() / 255, params)
        out.append(lines.mul(255).round().to(torch.uint8).expand(-1, 3, -1, -1))
    return torch.cat(out)


def anime_split() -> dict[str, torch.Tensor]:
    """Indices (file numbers) of the anime faces in each domain and split: ``{"train_a", …, "test_b"}``."""
    order = torch.randperm(ANIME_COUNT, generator=torch.Generator().manual_seed(SPLIT_SEED))
    halves = {"a": order[: ANIME_COUNT // 2], "b": order[ANIME_COUNT // 2:]}
    split = {}
    for name, half in halves.items():
        train_end = len(half) - TEST_PER_DOMAIN - VALIDATION_PER_DOMAIN
        split[f"train_{name}"] = half[:train_end]
        split[f"validation_{name}"] = half[train_end: train_end + VALIDATION_PER_DOMAIN]
        split[f"test_{name}"] = half[train_end + VALIDATION_PER_DOMAIN:]
    return split


def load_anime(size: int = 64, data_dir: str | Path | None = None, limit: int | None = None,
               params: XDoG = XDoG()) -> Domains:
    """The ``anime-xdog`` domains at ``size``² (see the module docstring). ``limit`` keeps the
    first N training images of each domain (smoke tests); the other splits stay whole."""
    folder = anime_folder(data_dir)
    split = anime_split()
    if limit:
        split["train_a"], split["train_b"] = split["train_a"][:limit], split["train_b"][:limit]
    images = {k: read_images([folder / f"{int(i)}.jpg" for i in v], size) for k, v in split.items()}
    return Domains(train_a=images["train_a"], train_b=drawings_of(images["train_b"], params),
                   validation_a=images["validation_a"], validation_b=drawings_of(images["validation_b"], params),
                   test_a=images["test_a"], test_b=drawings_of(images["test_b"], params),
                   validation_a_drawings=drawings_of(images["validation_a"], params),
                   test_a_drawings=drawings_of(images["test_a"], params))


def load_folder(folder: str | Path, size: int = 64, limit: int | None = None,
                validation: int = VALIDATION_PER_DOMAIN) -> Domains:
    """A dataset in the unpaired layout ``trainA/ trainB/ testA/ testB/``; the validation split is
    the last ``validation`` training images of each domain (at most a tenth of them)."""
    folder = Path(folder)
    found = {}
    for part in ("trainA", "trainB", "testA", "testB"):
        files = sorted(p for p in (folder / part).glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise FileNotFoundError(f"{folder / part} holds no images ({', '.join(IMAGE_SUFFIXES)}); the unpaired "
                                    "layout is trainA/, trainB/, testA/, testB/")
        found[part] = files
    out = {}
    for domain in ("A", "B"):
        files = found[f"train{domain}"]
        held = max(1, min(validation, len(files) // 10))
        train_files = files[:-held][:limit] if limit else files[:-held]
        out[f"train_{domain.lower()}"] = read_images(train_files, size)
        out[f"validation_{domain.lower()}"] = read_images(files[-held:], size)
        out[f"test_{domain.lower()}"] = read_images(found[f"test{domain}"], size)
    return Domains(**out)


def to_model(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 3, S, S) -> float (N, 3, S, S) in [-1, 1]."""
    return images.float().div(127.5).sub(1)
