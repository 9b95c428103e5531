"""CycleGAN: any-size translation, the image pool, the XDoG domain, the losses, a few real training
steps, the edge score, the hidden-signal tools, and odd uploads through the served hub."""

from __future__ import annotations

import io
import json

import pytest
import torch
from PIL import Image, ImageDraw

from genhub.plugins.cyclegan.data import anime_split, load_anime, load_folder
from genhub.plugins.cyclegan.hidden import collapse, collapse_curve, disturb, hidden_signal
from genhub.plugins.cyclegan.metrics import edge_scores
from genhub.plugins.cyclegan.model import CycleGAN
from genhub.plugins.cyclegan.pool import ImagePool
from genhub.plugins.cyclegan.train import covering, cycle_task, identity_loss, train_cyclegan
from genhub.plugins.cyclegan.translate import MAX_SIDE, resize, round_trip, run_generator, translate
from genhub.plugins.cyclegan.variants import RECIPES
from genhub.plugins.cyclegan.xdog import xdog
from genhub.training.image_files import decoded_rgb
from tests.test_hostile import call, upload


@pytest.fixture(scope="module")
def tiny() -> CycleGAN:
    torch.manual_seed(0)
    return CycleGAN(width=2, blocks=1).eval()


@pytest.mark.parametrize("size", [(1, 1), (7, 13), (3, 300), (65, 33), (64, 64), (257, 255)])
@pytest.mark.parametrize("work_side", [None, 64])
def test_the_output_has_the_input_size_for_any_size(tiny, size, work_side):
    for channels in (1, 3):
        images = torch.rand(2, channels, *size)
        out = translate(tiny, images, "a2b", work_side=work_side)
        assert out.shape == (2, 3, *size) and out.min() >= 0 and out.max() <= 1


def test_the_round_trip_reads_the_translation_at_the_working_size_not_scaled_up_and_down(tiny):
    images = torch.rand(1, 3, 200, 120)
    trip = round_trip(tiny, images, "a2b", work_side=64)
    assert trip.there_at_work.shape == trip.back_at_work.shape == (1, 3, 64, 38)
    assert trip.there.shape == trip.back.shape == (1, 3, 200, 120)
    assert torch.equal(trip.back_at_work, run_generator(tiny, trip.there_at_work, "b2a"))
    assert torch.allclose(trip.back, resize(trip.back_at_work, (200, 120)))
    assert torch.allclose(trip.there, translate(tiny, images, "a2b", work_side=64))


def test_the_smaller_domain_is_repeated_so_every_image_of_both_is_trained_on():
    for count, n in ((7, 7), (3, 10), (4, 8)):
        drawn = covering(count, n, torch.Generator().manual_seed(0))
        assert len(drawn) == n and set(drawn.tolist()) == set(range(count))
        assert drawn.bincount().max() - drawn.bincount().min() <= 1


def test_the_pool_returns_the_current_images_until_full_then_mixes_half_and_half():
    pool = ImagePool(4)
    first = torch.arange(4.0).view(4, 1)
    assert torch.equal(pool.query(first), first), "until full, the pool hands back what it is given"
    rng = torch.Generator().manual_seed(0)
    new = 100 + torch.arange(2000.0).view(2000, 1)
    out = pool.query(new, rng)
    swapped = out != new
    assert 0.45 < swapped.float().mean().item() < 0.55, "after it is full, half the images come from the pool"
    assert (out[swapped] < new[swapped]).all(), "what the pool hands out is always an older image"
    assert len(pool.images) == 4
    assert ImagePool(0).query(new) is new


def test_xdog_is_deterministic_and_near_binary_on_real_faces(data_dir):
    faces = load_anime(64, data_dir, limit=4).train_a[:4].float() / 255
    drawings = xdog(faces)
    assert torch.equal(drawings, xdog(faces))
    binary = ((drawings < 0.1) | (drawings > 0.9)).float().mean().item()
    ink = (drawings < 0.5).float().mean().item()
    assert binary > 0.95, binary
    assert 0.05 < ink < 0.5, "dark lines on white, neither blank nor filled"


def test_the_anime_split_is_fixed_and_disjoint():
    split = anime_split()
    a = torch.cat([split["train_a"], split["validation_a"], split["test_a"]])
    b = torch.cat([split["train_b"], split["validation_b"], split["test_b"]])
    assert len(set(a.tolist()) & set(b.tolist())) == 0, "no face appears in both domains"
    assert len(a) == len(b) == 5000 and len(split["test_a"]) == 500
    assert torch.equal(split["test_b"], anime_split()["test_b"])


def test_the_identity_loss_of_identity_generators_is_zero():
    model = CycleGAN(width=2, blocks=1)
    model.face_to_drawing, model.drawing_to_face = torch.nn.Identity(), torch.nn.Identity()
    a, b = torch.rand(2, 3, 8, 8) * 2 - 1, torch.rand(2, 3, 8, 8) * 2 - 1
    assert identity_loss(model, a, b).item() == 0
    losses = cycle_task().generator_extra(model, (a, b), torch.cat([b, a]))
    assert losses["identity"].item() == 0 and losses["cycle"].item() == 0
    assert identity_loss(CycleGAN(width=2, blocks=1), a, b).item() > 0


def test_a_few_training_steps_on_real_images_give_finite_losses(tmp_path, data_dir):
    domains = load_anime(64, data_dir, limit=8)
    recipe = RECIPES["anime-xdog"]
    model, result = train_cyclegan(recipe, domains, tmp_path, steps=3, batch_size=2, validate=False,
                                   save_every=3)
    logged = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    train = [r for r in logged if r["split"] == "train"]
    assert train and all(torch.isfinite(torch.tensor(v)) for r in train for k, v in train[-1].items() if k != "split")
    assert {"loss_d", "loss_g", "cycle", "identity"} <= set(train[-1])
    assert result.steps == 3 and not model.training


def test_a_folder_in_the_unpaired_layout_loads(tmp_path):
    for part in ("trainA", "trainB", "testA", "testB"):
        (tmp_path / part).mkdir()
        for i in range(12):
            Image.new("RGB", (40 + i, 30), (i * 20, 0, 0)).save(tmp_path / part / f"{i}.png")
    domains = load_folder(tmp_path, size=16)
    assert domains.train_a.shape == (11, 3, 16, 16) and domains.validation_b.shape == (1, 3, 16, 16)
    assert domains.test_a.dtype == torch.uint8 and domains.test_a_drawings is None
    with pytest.raises(FileNotFoundError, match="trainA/, trainB/, testA/, testB/"):
        load_folder(tmp_path / "trainA")


def test_folder_images_are_read_upright_and_16_bit_ones_scaled_to_8_bits(tmp_path):
    import numpy as np

    deep = tmp_path / "deep.png"
    Image.fromarray(np.full((8, 10), 32768, dtype=np.uint16)).save(deep)
    image = decoded_rgb(deep)
    assert image.dtype == torch.uint8 and image.shape == (3, 8, 10) and abs(int(image[0, 0, 0]) - 128) <= 1
    phone = tmp_path / "phone.jpg"
    phone.write_bytes(phone_photo())
    assert decoded_rgb(phone).shape == (3, 120, 80), "EXIF orientation 6: the 120×80 photo stands upright"


def test_the_edge_score_rewards_lines_in_place_and_forgives_one_pixel():
    true = torch.ones(1, 3, 16, 16)
    true[..., 8] = 0
    assert edge_scores(true, true)["edge_f1"] == 1
    assert edge_scores(true.roll(1, -1), true)["edge_f1"] == 1, "a line one pixel off is still found"
    assert edge_scores(true.roll(4, -1), true)["edge_f1"] == 0
    assert edge_scores(torch.ones_like(true), true)["edge_f1"] == 0, "a blank page finds nothing"


def test_damage_is_deterministic_and_zero_strength_changes_nothing(tiny):
    images = torch.rand(2, 3, 16, 16)
    for kind in ("noise", "blur", "jpeg"):
        assert torch.equal(disturb(images, kind, 0.0), images)
        damaged = disturb(images, kind, 0.5)
        assert torch.equal(damaged, disturb(images, kind, 0.5)) and not torch.equal(damaged, images)
    assert hidden_signal(torch.full((1, 3, 8, 8), 0.5)).abs().max() < 1e-6, "a flat image hides nothing"
    shown = collapse(tiny, torch.rand(1, 3, 96, 80), "noise", 0.3)
    assert shown["reconstruction"].shape == (1, 3, 64, 53)
    curves = collapse_curve(tiny, torch.rand(1, 3, 64, 64), kinds=("jpeg",))
    assert set(curves) == {"jpeg", "true drawing"} and len(curves["jpeg"]) == 11


def phone_photo() -> bytes:
    """A 120×80 (wide) JPEG marked "rotate 90° clockwise to view" (EXIF orientation 6): upright it is 80×120."""
    image = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(image).ellipse((20, 10, 100, 70), fill=(230, 180, 150))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def encoded(image: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def gif() -> bytes:
    frames = [Image.new("P", (50, 30), i) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


ODD_UPLOADS = {
    "grey": (lambda: encoded(Image.new("L", (33, 47), 128)), (33, 47)),
    "rgba": (lambda: encoded(Image.new("RGBA", (40, 40), (255, 0, 0, 100))), (40, 40)),
    "cmyk": (lambda: encoded(Image.new("CMYK", (30, 20), (0, 80, 80, 0)), "JPEG"), (30, 20)),
    "16-bit": (lambda: encoded(Image.new("I;16", (25, 31), 40000)), (25, 31)),
    "animated-gif": (gif, (50, 30)),
    "1x1": (lambda: encoded(Image.new("RGB", (1, 1), "red")), (1, 1)),
    "wide": (lambda: encoded(Image.new("RGB", (1500, 90), "blue")), (1024, 61)),
    "phone-photo": (phone_photo, (80, 120)),
}


@pytest.mark.parametrize("name", ODD_UPLOADS)
def test_odd_uploads_are_translated_at_their_upright_size(hub_url, name):
    make, (width, height) = ODD_UPLOADS[name]
    kind, outputs = call(hub_url, "cyclegan_translate", ["anime-xdog", upload(hub_url, "in.png", make()), "a2b", 64])
    assert kind == "complete", outputs
    note = outputs[5]
    assert f"{width}×{height} px in, {width}×{height} px out" in note, note
    if name == "wide":
        assert "Scaled down from 1500×90" in note


def test_genhub_sample_translates_a_file_both_ways_at_its_size(tmp_path):
    import numpy as np

    from genhub.cli import main

    face = tmp_path / "face.png"
    Image.new("RGB", (90, 70), (230, 180, 150)).save(face)
    for direction in ("a2b", "b2a"):
        out = tmp_path / f"{direction}.npy"
        assert main(["sample", "cyclegan", "--input", str(face), "--direction", direction, "--out", str(out)]) == 0
        assert np.load(out).shape == (1, 3, 70, 90)
    assert main(["sample", "cyclegan", "--input", str(face), "--direction", "up", "--out", str(out)]) == 2


def test_genhub_sample_says_when_the_size_cap_scales_an_image(tiny):
    from genhub.plugin import SampleRequest
    from genhub.plugins.cyclegan.sample import sample

    wide = torch.rand(1, 3, 8, MAX_SIDE + 100)
    with pytest.warns(UserWarning, match=f"runs at {MAX_SIDE} px"):
        out = sample(tiny, {}, SampleRequest(count=1, input=wide, options={"work_side": 0}))
    assert out.data.shape == wide.shape


def test_a_large_upload_is_scaled_down_without_a_memory_peak(hub_url):
    from tests.test_hostile import resident

    # A 1024×1024 upload first: the peak memory of everything the tab does at the capped size.
    capped = encoded(Image.new("RGB", (1024, 1024), (200, 150, 120)))
    kind, outputs = call(hub_url, "cyclegan_translate", ["anime-xdog", upload(hub_url, "capped.png", capped), "a2b",
                                                         64])
    assert kind == "complete", outputs
    big = encoded(Image.new("RGB", (4000, 4000), (200, 150, 120)))
    before = resident(hub_url.pid)
    kind, outputs = call(hub_url, "cyclegan_translate", ["anime-xdog", upload(hub_url, "big.png", big), "a2b", 64])
    after = resident(hub_url.pid)
    assert kind == "complete", outputs
    assert "Scaled down from 4000×4000 to 1024×1024 px" in outputs[5]
    # Decoded, the picture is 48 MB of bytes; as float32 RGB it would be 192 MB. It is reduced in
    # PIL first, so the peak rises by little more than the decoded bytes above the capped size's.
    assert after["VmHWM"] - before["VmHWM"] < 80, (before, after)


@pytest.mark.parametrize("mode", ["P", "1", "I;16"])
def test_a_large_picture_in_a_mode_pil_cannot_reduce_is_converted_then_reduced(mode, tmp_path):
    import numpy as np

    from genhub.plugins.cyclegan.ui import read_upload

    picture = Image.fromarray(np.full((2100, 2100), 40000, dtype=np.uint16)) if mode == "I;16" else Image.new(
        mode, (2100, 2100), 1)
    path = tmp_path / "big.png"
    path.write_bytes(encoded(picture))
    image, original = read_upload(path)
    assert original == (2100, 2100) and image.shape[-1] == 2100 // 2, image.shape
    if mode == "I;16":
        assert abs(float(image.mean()) - 40000 / 65535) < 1e-3, "16-bit grey keeps its depth"

