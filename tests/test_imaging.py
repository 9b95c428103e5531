"""Reading uploads and framing digits the way MNIST was framed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from genhub.imaging.grid import grid_image
from genhub.imaging.uploads import ImageInputError, open_image
from genhub.training.data import load_idx_dataset
from genhub.training.digits import center_digit, digit_tensor, ink_map


def test_a_real_mnist_digit_survives_reframing(data_dir):
    images, _ = load_idx_dataset("mnist", "test", data_dir, limit=50)
    correlations = []
    for image in images:
        original = image.float().div(255)
        paper = Image.fromarray((255 - image.numpy()).astype(np.uint8)).resize((280, 280))  # dark on light, 10×
        again = digit_tensor(paper)[0]
        assert again.shape == (28, 28)
        correlations.append(np.corrcoef(original.flatten(), again.flatten())[0, 1])
    # Not every MNIST digit filled its 20×20 box exactly, so a few come back a pixel off.
    assert np.median(correlations) > 0.95 and min(correlations) > 0.6


def test_transparent_strokes_count_as_ink_and_blank_pictures_are_refused():
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (45, 10, 55, 90))
    assert ink_map(image).max() == 1.0 and ink_map(image)[50, 5] == 0.0
    with pytest.raises(ImageInputError, match="the image is empty"):
        center_digit(np.zeros((50, 50), dtype=np.float32))


def test_sixteen_bit_pictures_are_scaled_not_clipped():
    array = np.zeros((40, 40), dtype=np.uint16)
    array[5:35, 18:22] = 1000  # dim but present: only 1.5 % of the 16-bit range
    assert digit_tensor(Image.fromarray(array)).max() > 0.9


@pytest.mark.parametrize("make,fragment", [
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_text("<html>not an image</html>"), "is not an image"),
    (lambda p: Image.new("L", (5000, 5000)).save(p), "5000×5000 pixels; the limit is 4096×4096"),
    (lambda p: p.write_bytes(open_bytes_truncated()), "truncated or corrupt"),
])
def test_bad_files_raise_a_message_for_the_user(tmp_path, make, fragment):
    path = tmp_path / "upload.png"
    make(path)
    with pytest.raises(ImageInputError, match=fragment):
        open_image(path)


def open_bytes_truncated() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()[: len(buffer.getvalue()) // 2]


def test_grid_image_lays_out_rows():
    grid = grid_image(torch.zeros(6, 1, 28, 28), nrow=3, padding=2, scale=2)
    assert grid.size == (2 * (3 * 30 + 2), 2 * (2 * 30 + 2)) and grid.mode == "L"


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    # A "1" photographed with the phone on its side: the pixels hold a horizontal stroke and the
    # EXIF orientation (6: rotate 90° clockwise to view) says how to stand it up.
    image = Image.new("L", (200, 120), 255)
    image.paste(0, (30, 50, 170, 68))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "photo.jpg"
    image.save(path, exif=exif)
    upright = open_image(path)
    assert upright.size == (120, 200)
    ink = digit_tensor(upright)[0]
    assert ink.sum(0).count_nonzero() < ink.sum(1).count_nonzero(), "a vertical stroke: tall, not wide"


def test_an_animation_gives_its_first_frame(tmp_path):
    frames = [Image.new("L", (40, 40), 0), Image.new("L", (40, 40), 255)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert np.asarray(open_image(path).convert("L")).max() == 0


def test_a_gif_loops_there_and_back_at_the_asked_size_and_pace(tmp_path):
    from genhub.imaging.animation import write_gif

    frames = torch.linspace(0, 1, 5).view(5, 1, 1, 1).expand(5, 1, 8, 8)
    path = write_gif(frames, tmp_path, scale=3, frame_ms=70, bounce=True)
    with Image.open(path) as gif:
        assert gif.n_frames == 8 and gif.size == (24, 24) and gif.info["duration"] == 70 and gif.info["loop"] == 0
        levels = []
        for i in range(gif.n_frames):
            gif.seek(i)
            levels.append(int(np.asarray(gif.convert("L"))[0, 0]))
    assert levels == [0, 64, 128, 191, 255, 191, 128, 64], "forwards, then backwards without repeating the ends"
    assert write_gif(frames, tmp_path) != path, "a new file each call"
    with pytest.raises(ValueError, match="N ≥ 1"):
        write_gif(torch.zeros(0, 1, 8, 8), tmp_path)
