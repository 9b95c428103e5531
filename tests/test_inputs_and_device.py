"""Value checks shared by all tabs, and device selection."""

from __future__ import annotations

import gradio as gr
import pytest
import torch

from genhub import inputs
from genhub.device import pick_device
from genhub.imaging.uploads import ImageInputError


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "abc", None, "", True, 11, -10.5])
def test_numbers_outside_the_range_or_not_numbers_are_refused(value):
    with pytest.raises(gr.Error, match=r"u must be a number between -10 and 10; got"):
        inputs.number("u", value, -10, 10)


def test_numbers_and_whole_numbers_pass_through():
    assert inputs.number("u", "2.5", -10, 10) == 2.5
    assert inputs.integer("n", 4.0, 0, 9) == 4
    with pytest.raises(gr.Error, match="n must be a whole number between 0 and 9; got 4.5"):
        inputs.integer("n", 4.5, 0, 9)
    with pytest.raises(gr.Error, match="variant must be one of a, b; got 'c'"):
        inputs.choice("variant", "c", ["a", "b"])


def test_user_errors_reach_the_user_as_gradio_errors_and_other_errors_pass_through():
    with pytest.raises(gr.Error) as caught:
        with inputs.user_errors(ImageInputError):
            raise ImageInputError("the image is empty")
    assert caught.value.message == "the image is empty"
    with pytest.raises(KeyError):
        with inputs.user_errors(ImageInputError):
            raise KeyError("a bug, not a message for the user")


def test_the_best_device_here_is_the_cpu_unless_overridden(monkeypatch):
    monkeypatch.delenv("GENHUB_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert pick_device().type == expected
    monkeypatch.setenv("GENHUB_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error on machines without CUDA")
def test_asking_for_a_missing_gpu_is_an_error_not_a_silent_fallback():
    with pytest.raises(ValueError, match="CUDA is not available here"):
        pick_device("cuda")
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        pick_device("gpu")
