"""The image pool (Shrivastava et al. 2017, as CycleGAN uses it): the discriminator is shown a
mix of the newest fakes and fakes from earlier steps, which damps the oscillation of the two
players."""

from __future__ import annotations

import torch


class ImagePool:
    """Up to ``size`` past generated images. `query` returns the current images unchanged until the
    pool is full; after that each image is, with probability ½, swapped for a stored one (which
    the new image replaces). ``size`` 0 turns the pool off. The pool lives in memory: a resumed
    run refills it within ``size`` images."""

    def __init__(self, size: int = 50) -> None:
        if size < 0:
            raise ValueError(f"pool size must be ≥ 0, got {size}")
        self.size = size
        self.images: list[torch.Tensor] = []

    def query(self, images: torch.Tensor, rng: torch.Generator | None = None) -> torch.Tensor:
        """images (N, …) -> (N, …): the batch the discriminator sees; draws from ``rng``."""
        if self.size == 0:
            return images
        out = []
        device = rng.device if rng is not None else images.device
        for image in images.detach():
            if len(self.images) < self.size:
                self.images.append(image.clone())
                out.append(image)
            elif torch.rand((), generator=rng, device=device).item() < 0.5:
                index = int(torch.randint(self.size, (), generator=rng, device=device).item())
                out.append(self.images[index])
                self.images[index] = image.clone()
            else:
                out.append(image)
        return torch.stack(out)
