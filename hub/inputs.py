"""Checks for values that reach a plugin's handlers from the UI or the API.

Gradio forwards API values largely as sent, so a handler cannot trust a slider to be a
number in range. These raise ``gr.Error`` with a message naming the field, the value and
what would be right; Gradio shows it in the UI and returns it to API clients. `user_errors`
does the same for the exceptions of gradio-free code whose messages are written for the user
(`genhub.imaging.uploads.ImageInputError`, `genhub.audio.clips.AudioInputError`, ...).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import gradio as gr

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


@contextmanager
def user_errors(*kinds: type[Exception]) -> Iterator[None]:
    """Re-raise any of ``kinds`` raised inside the block as ``gr.Error`` with the same message::

        with inputs.user_errors(ImageInputError):
            image = open_image(path)

    Only for exceptions whose messages are meant for the user; anything else passes through."""
    if not kinds:
        raise TypeError("user_errors needs at least one exception class")
    try:
        yield
    except kinds as err:
        raise gr.Error(str(err)) from err
