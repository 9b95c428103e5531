"""Drawings and uploads read as MNIST-style digits (`genhub.training.digits`), without gradio."""

from __future__ import annotations

import pytest
import torch
from PIL import Image, ImageDraw

from genhub.imaging.uploads import ImageInputError
from genhub.training.digits import drawn_digit, uploaded_digit


def stroke(path) -> str:
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(100, 30), (100, 170)], fill=(0, 0, 0, 255), width=18)
    image.save(path)
    return str(path)


def test_a_sketchpad_drawing_and_an_upload_become_the_same_digit(tmp_path):
    path = stroke(tmp_path / "one.png")
    drawn = drawn_digit({"background": None, "layers": [path], "composite": path})
    assert drawn.shape == (1, 28, 28) and drawn.dtype == torch.float32
    assert 0 <= drawn.min() and drawn.max() <= 1 and drawn[0, :, 13:15].mean() > 0.5 > drawn[0, :, :5].mean()
    assert torch.equal(drawn, uploaded_digit(path))
    assert torch.equal(drawn, drawn_digit(Image.open(path)))


@pytest.mark.parametrize("read,value,fragment", [
    (drawn_digit, {"composite": None}, "draw a digit on the sketchpad first"),
    (drawn_digit, None, "draw a digit on the sketchpad first"),
    (drawn_digit, {"composite": 7}, "the drawing must be an image; got a int"),
    (uploaded_digit, None, "upload an image of a digit first"),
    (uploaded_digit, "", "upload an image of a digit first"),
])
def test_missing_drawings_and_uploads_say_what_to_do(read, value, fragment):
    with pytest.raises(ImageInputError, match=fragment):
        read(value)


def test_reading_digits_needs_no_gradio():
    import subprocess
    import sys

    code = "import sys, genhub.training.digits; sys.exit('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
