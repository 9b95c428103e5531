"""Checks for values that reach a plugin's handlers from the UI or the API.

Gradio forwards API values largely as sent, so a handler cannot trust a slider to be a
number in range. These raise ``gr.Error`` with a message naming the field, the value and
what would be right; Gradio shows it in the UI and returns it to API clients.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import gradio as gr
import torch

from genhub.imaging.digits import digit_tensor
from genhub.imaging.uploads import ImageInputError, open_image
from genhub.validation import bound, shown


def number(name: str, value: Any, lo: float, hi: float, *, integer: bool = False) -> float:
    """``value`` as a finite float (or int) in [lo, hi], else gr.Error."""
    kind = "a whole number" if integer else "a number"
    wrong = f"{name} must be {kind} between {bound(lo)} and {bound(hi)}; got {shown(value)}"
    if isinstance(value, bool) or value is None or value == "":
        raise gr.Error(wrong)
    try:
        number_ = float(value)
    except (TypeError, ValueError, OverflowError):
        raise gr.Error(wrong) from None
    if not math.isfinite(number_) or not lo <= number_ <= hi:
        raise gr.Error(wrong)
    if integer:
        if number_ != int(number_):
            raise gr.Error(wrong)
        return int(number_)
    return number_


def integer(name: str, value: Any, lo: int, hi: int) -> int:
    return int(number(name, value, lo, hi, integer=True))


def choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``, else gr.Error listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise gr.Error(f"{name} must be one of {', '.join(map(str, allowed))}; got {shown(value)}")
    return value


def drawn_digit(value: Any) -> torch.Tensor:
    """A Sketchpad value (dict with a composite) -> (1, 28, 28) MNIST-style digit."""
    composite = value.get("composite") if isinstance(value, dict) else value
    if composite is None:
        raise gr.Error("draw a digit on the sketchpad first")
    try:
        image = open_image(composite) if isinstance(composite, str) else composite
        return digit_tensor(image)
    except ImageInputError as err:
        raise gr.Error(str(err)) from err


def uploaded_digit(path: Any) -> torch.Tensor:
    """An uploaded file path -> (1, 28, 28) MNIST-style digit."""
    if not path:
        raise gr.Error("upload an image of a digit first (PNG or JPEG)")
    try:
        return digit_tensor(open_image(path))
    except ImageInputError as err:
        raise gr.Error(str(err)) from err
