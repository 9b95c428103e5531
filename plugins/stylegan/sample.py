"""Seeded generation from the StyleGAN2 generator: single faces, style mixing, SeFa directions and
interpolations. Everything here is plain torch, shared by the tab, the CLI and the benches.

Seeds are whole numbers 0 … 2³² − 1. Seed s gives z = randn(z_dim) from a generator seeded s and
its random noise from a generator seeded 2³² + s, so the same seed gives the same face, noise
included, in any batch. Images come back float32 (N, 3, R, R) in [0, 1], on the CPU.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from genhub.latent import slerp
from genhub.plugin import SampleRequest, Samples
from genhub.plugins.stylegan.model import Generator, NoiseMode, style_bands, to_unit

MAX_SEED = 2**32 - 1
NOISE_OFFSET = 2**32
"""Seed s's noise comes from a generator seeded NOISE_OFFSET + s (never the global RNG)."""


def z_for(seeds: Sequence[int], z_dim: int) -> torch.Tensor:
    """One z ~ N(0, I) per seed: (len(seeds), z_dim)."""
    return torch.stack([torch.randn(z_dim, generator=torch.Generator().manual_seed(int(s))) for s in seeds])


def noise_for(seeds: Sequence[int]) -> list[torch.Generator]:
    """One noise generator per image, seeded from the image's seed."""
    return [torch.Generator().manual_seed(NOISE_OFFSET + int(s)) for s in seeds]


def styles(g: Generator, seeds: Sequence[int], psi: float = 1.0, cutoff: int | None = None) -> torch.Tensor:
    """The truncated styles of ``seeds``: (N, num_ws, w_dim)."""
    with torch.no_grad():
        return g.mapping_ws(z_for(seeds, g.z_dim).to(_device(g)), psi, cutoff)


def render(g: Generator, ws: torch.Tensor, seeds: Sequence[int], noise_mode: NoiseMode = "const") -> torch.Tensor:
    """Styles (N, num_ws, w_dim) → images (N, 3, R, R) in [0, 1] on the CPU; with random noise,
    image i's noise comes from ``seeds[i]``."""
    with torch.no_grad():
        rng = noise_for(seeds) if noise_mode == "random" else None
        return to_unit(g.synthesis(ws.to(_device(g)), noise_mode, rng)).float().cpu()


def faces(g: Generator, seeds: Sequence[int], psi: float = 1.0, cutoff: int | None = None,
          noise_mode: NoiseMode = "const") -> torch.Tensor:
    """One face per seed: (N, 3, R, R) in [0, 1]."""
    return render(g, styles(g, seeds, psi, cutoff), seeds, noise_mode)


def mix(row_ws: torch.Tensor, column_ws: torch.Tensor, band: tuple[int, int]) -> torch.Tensor:
    """Style mixing: for each row and column, the row's styles with the column's copied into the
    layers [start, stop) of ``band``. (R, num_ws, w_dim), (C, num_ws, w_dim) → (R·C, num_ws, w_dim),
    row-major. An empty band (start = stop) leaves every row unchanged."""
    start, stop = band
    mixed = row_ws[:, None].repeat(1, len(column_ws), 1, 1)                       # (R, C, num_ws, w_dim)
    mixed[:, :, start:stop] = column_ws[None, :, start:stop]
    return mixed.flatten(0, 1)


def mixing_grid(g: Generator, rows: Sequence[int], columns: Sequence[int], band: tuple[int, int], psi: float = 1.0,
                noise_mode: NoiseMode = "const") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The style-mixing figure's faces, drawn in one batch: (mixed (R·C, 3, H, W) row-major, the
    row faces (R, …), the column faces (C, …)). A mixed face keeps its row seed's noise."""
    row_ws, column_ws = styles(g, rows, psi), styles(g, columns, psi)
    ws = torch.cat([mix(row_ws, column_ws, band), row_ws, column_ws])
    images = render(g, ws, [r for r in rows for _ in columns] + list(rows) + list(columns), noise_mode)
    cells = len(rows) * len(columns)
    return images[:cells], images[cells:cells + len(rows)], images[cells + len(rows):]


def band_for(preset: str, num_ws: int) -> tuple[int, int]:
    """A named band ("coarse", "middle", "fine") as [start, stop) style layers."""
    bands = style_bands(num_ws)
    if preset not in bands:
        raise ValueError(f"band must be one of {', '.join(bands)}, got {preset!r}")
    return bands[preset]


@functools.lru_cache(maxsize=4)
def _sefa(g: Generator) -> tuple[torch.Tensor, torch.Tensor]:
    a = g.style_weights().detach().double().cpu()
    values, vectors = torch.linalg.eigh(a.t() @ a)
    order = values.argsort(descending=True)
    return vectors[:, order].t().float(), values[order].float()


def sefa_directions(g: Generator, k: int = 5) -> tuple[torch.Tensor, torch.Tensor]:
    """Closed-form factorization (Shen & Zhou 2021, SeFa): the top ``k`` eigenvectors of AᵀA, A the
    stacked, row-normalised style weights of every modulated convolution. Returns unit directions
    in W (k, w_dim), orthonormal, and their eigenvalues (k,), largest first. Cached per model."""
    vectors, values = _sefa(g)
    return vectors[:k].clone(), values[:k].clone()


def move(ws: torch.Tensor, directions: torch.Tensor, amounts: Sequence[float]) -> torch.Tensor:
    """Styles (N, num_ws, w_dim) moved by Σ amount_i · direction_i in every layer."""
    shift = (torch.as_tensor(list(amounts), dtype=directions.dtype)[:, None] * directions).sum(0)
    return ws + shift.to(ws.device, ws.dtype)


def interpolation(g: Generator, seed_a: int, seed_b: int, frames: int, space: str = "w", psi: float = 1.0,
                  noise_mode: NoiseMode = "const") -> torch.Tensor:
    """``frames`` faces from seed a to seed b: slerp between their z's (``space="z"``) or lerp
    between their w's (``"w"``). Random noise is seed a's in every frame, so only the styles move."""
    if space not in ("z", "w"):
        raise ValueError(f"space must be 'z' (slerp) or 'w' (lerp), got {space!r}")
    t = torch.linspace(0, 1, frames)
    with torch.no_grad():
        if space == "z":
            za, zb = z_for([seed_a, seed_b], g.z_dim)
            ws = g.mapping_ws(slerp(za, zb, t).to(_device(g)), psi)
        else:
            wa, wb = styles(g, [seed_a, seed_b], psi)
            ws = torch.lerp(wa[None], wb[None], t.to(wa.device)[:, None, None])
    return render(g, ws, [seed_a] * frames, noise_mode)


def sample(model: Generator, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """``count`` faces (N, 3, R, R) in [0, 1], seeds ``seed``, ``seed`` + 1, …

    Options: ``psi`` (truncation ψ), ``cutoff`` (truncate the first this many style layers),
    ``noise_mode`` (random / const / none)."""
    psi = float(request.options.get("psi", 0.7))
    cutoff = int(request.options.get("cutoff", model.num_ws))
    noise_mode = str(request.options.get("noise_mode", "const"))
    seeds = [(request.seed + i) % (MAX_SEED + 1) for i in range(request.count)]
    return Samples(kind="image", data=faces(model, seeds, psi, min(cutoff, model.num_ws), noise_mode))


def _device(g: Generator) -> torch.device:
    return next(g.parameters()).device
