"""``sample`` for CycleGAN: one translation per input image (the seed is unused: the generators are
deterministic)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from genhub.plugin import SampleRequest, Samples
from genhub.plugins.cyclegan.model import CycleGAN
from genhub.plugins.cyclegan.translate import MAX_SIDE, translate


def sample(model: CycleGAN, config: Mapping[str, Any], request: SampleRequest) -> Samples:
    """``request.input`` (N, C, H, W) in [0, 1] -> (N, 3, H, W) in [0, 1], the same size.

    Options: ``direction`` ("a2b": face → drawing, the default; "b2a": drawing → face) and
    ``work_side`` (the longer side, in px, the generator runs at: 64, the default, is the training
    size, at which faces look as the generator knows them; 0: the image's own size). A side over
    `MAX_SIDE` runs at `MAX_SIDE`, with a warning."""
    if request.input is None:
        raise ValueError("CycleGAN translates an image: give one (genhub sample cyclegan --input face.png)")
    side = int(request.options.get("work_side", 64)) or None
    longer = max(request.input.shape[-2:])
    if min(side or longer, longer) > MAX_SIDE:
        warnings.warn(f"the image's longer side is {longer} px: the generator runs at {MAX_SIDE} px (its cap) and "
                      "the result is scaled back up to the image's size", stacklevel=2)
    return Samples(kind="image", data=translate(model, request.input, str(request.options.get("direction", "a2b")),
                                                work_side=side))
