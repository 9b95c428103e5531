"""StyleGAN2: truncation, mixing, demodulation, seeded noise, SeFa, DiffAugment, a few real training
steps, the released weights, and the tab's endpoints through the served hub."""

from __future__ import annotations

import math

import pytest
import torch
from PIL import Image

from genhub.plugins.stylegan import PLUGIN
from genhub.plugins.stylegan.augment import color, cutout, diff_augment, translation
from genhub.plugins.stylegan.data import load_faces
from genhub.plugins.stylegan.model import Discriminator, Generator, ModulatedConv2d, style_bands
from genhub.plugins.stylegan.sample import faces, interpolation, mix, move, render, sefa_directions, styles
from genhub.plugins.stylegan.train import mixed_styles, style_task, train_stylegan
from genhub.plugins.stylegan.variants import RECIPES
from genhub.weights import from_pretrained
from tests.test_hostile import call

TINY = {"z_dim": 16, "w_dim": 16, "resolution": 16, "channel_base": 128, "channel_max": 16, "mapping_layers": 2}


@pytest.fixture(scope="module")
def tiny() -> Generator:
    torch.manual_seed(0)
    g = Generator(**TINY).eval()
    with torch.no_grad():
        g.w_avg.copy_(torch.randn(g.w_dim))
        for layer in g.modules():
            if hasattr(layer, "noise_strength"):
                layer.noise_strength.fill_(0.3)   # noise visible, so the noise tests can fail
    return g


@pytest.fixture(scope="module")
def released() -> Generator:
    return from_pretrained(PLUGIN, "anime-64").model


def test_psi_zero_gives_the_average_face_for_every_seed(tiny):
    images = faces(tiny, [0, 1, 2**32 - 1], psi=0.0, noise_mode="const")
    assert torch.allclose(images[0], images[1], atol=1e-6) and torch.allclose(images[0], images[2], atol=1e-6)
    assert not torch.allclose(faces(tiny, [0], 1.0)[0], faces(tiny, [1], 1.0)[0])


def test_psi_one_leaves_w_unchanged_and_truncation_is_one_lerp(tiny):
    z = torch.randn(3, tiny.z_dim)
    with torch.no_grad():
        w = tiny.mapping(z)
        assert torch.equal(tiny.mapping_ws(z, 1.0), w[:, None].expand(-1, tiny.num_ws, -1))
        half = tiny.mapping_ws(z, 0.5, cutoff=4)
    assert torch.allclose(half[:, :4], (tiny.w_avg + 0.5 * (w - tiny.w_avg))[:, None].expand(-1, 4, -1), atol=1e-6)
    assert torch.equal(half[:, 4:], w[:, None].expand(-1, tiny.num_ws - 4, -1))


def test_mixing_with_an_empty_band_equals_the_row_image_and_a_full_band_the_column_image(tiny):
    rows, columns = styles(tiny, [1, 2]), styles(tiny, [5, 6, 7])
    empty = mix(rows, columns, (3, 3))
    assert torch.equal(empty, rows.repeat_interleave(3, 0))
    assert torch.allclose(render(tiny, empty, [1] * 3 + [2] * 3)[:3], render(tiny, rows[:1], [1]).expand(3, -1, -1, -1),
                          atol=1e-6)
    full = mix(rows, columns, (0, tiny.num_ws))
    assert torch.equal(full, columns.repeat(2, 1, 1))
    coarse = mix(rows, columns, (0, 2))
    assert torch.equal(coarse[4, :2], columns[1, :2]) and torch.equal(coarse[4, 2:], rows[1, 2:])


def test_a_modulated_demodulated_convolution_keeps_unit_variance():
    torch.manual_seed(0)
    conv = ModulatedConv2d(64, 64, 3, w_dim=32)
    with torch.no_grad():
        conv.affine.bias.uniform_(0.2, 3.0)   # styles far from 1, so demodulation has work to do
        out = conv(torch.randn(32, 64, 32, 32), torch.randn(32, 32))
        # Interior pixels only: zero padding lowers the variance at the border.
        assert abs(out[:, :, 1:-1, 1:-1].var().item() - 1) < 0.05
        conv.demodulate = False
        undone = conv(torch.randn(32, 64, 32, 32), torch.randn(32, 32))
    assert abs(undone[:, :, 1:-1, 1:-1].var().item() - 1) > 0.2, "without demodulation the variance drifts"


def test_the_same_seed_gives_the_same_face_noise_included_in_any_batch(tiny):
    alone = faces(tiny, [42], noise_mode="random")
    in_batch = faces(tiny, [7, 42, 9], noise_mode="random")
    assert torch.allclose(alone[0], in_batch[1], atol=1e-6)
    assert torch.equal(faces(tiny, [42], noise_mode="random"), alone)
    assert not torch.equal(alone, faces(tiny, [42], noise_mode="none")), "the noise reaches the image"
    state = torch.random.get_rng_state()
    faces(tiny, [3], noise_mode="random")
    assert torch.equal(state, torch.random.get_rng_state()), "the global RNG is never touched"


def test_sefa_directions_are_orthonormal_and_the_ones_the_style_weights_stretch_most(tiny, released):
    for g in (tiny, released):
        vectors, values = sefa_directions(g, 5)
        assert torch.allclose(vectors @ vectors.t(), torch.eye(5), atol=1e-4)
        assert (values[:-1] >= values[1:]).all()
        # SeFa's objective: the top direction maximises ||A n|| over unit n, A the normalised style weights.
        a = g.style_weights().detach()
        stretch = (a @ vectors[0]).norm()
        assert torch.allclose(stretch ** 2, values[0], rtol=1e-3)
        others = torch.nn.functional.normalize(torch.randn(200, g.w_dim, generator=torch.Generator().manual_seed(0)))
        assert (a @ others.t()).norm(dim=0).max() < stretch
    ws = styles(tiny, [3])
    vectors, _ = sefa_directions(tiny, 5)
    moved = move(ws, vectors, [2.0, 0, 0, 0, 0])
    assert torch.allclose(moved - ws, 2 * vectors[0].expand_as(ws), atol=1e-5)


def test_an_interpolation_starts_and_ends_on_the_two_faces(tiny):
    for space in ("w", "z"):
        frames = interpolation(tiny, 3, 8, 6, space)
        assert frames.shape == (6, 3, 16, 16)
        assert torch.allclose(frames[0], faces(tiny, [3])[0], atol=1e-5)
        assert torch.allclose(frames[-1], faces(tiny, [8])[0], atol=1e-5)


def test_style_mixing_regularization_switches_styles_from_a_random_layer_on(tiny):
    rng = torch.Generator().manual_seed(0)
    ws = mixed_styles(tiny, 64, 1.0, rng, torch.device("cpu"))
    switched = (ws[:, 1:] != ws[:, :1]).any(-1)           # (N, num_ws - 1): differs from layer 0
    first = switched.float().argmax(1)
    assert switched.any(1).all(), "every image mixes at mixing = 1"
    assert all(switched[i, first[i]:].all() for i in range(64)), "once switched, the rest follow"
    assert len(set(first.tolist())) > 3
    unmixed = mixed_styles(tiny, 8, 0.0, rng, torch.device("cpu"))
    assert torch.equal(unmixed, unmixed[:, :1].expand_as(unmixed))


def test_diffaugment_keeps_shapes_follows_its_generator_and_changes_images():
    x = torch.rand(8, 3, 32, 32) * 2 - 1
    same = [diff_augment(x, torch.Generator().manual_seed(1)) for _ in range(2)]
    assert same[0].shape == x.shape and torch.equal(same[0], same[1])
    assert not torch.equal(same[0], diff_augment(x, torch.Generator().manual_seed(2)))
    holes = cutout(torch.ones(16, 3, 32, 32), torch.Generator().manual_seed(0))
    assert ((holes == 0).float().mean((1, 2, 3)) - 0.25).abs().max() <= 0.25 and (holes == 0).any()
    moved = translation(x, torch.Generator().manual_seed(0))
    assert not torch.equal(moved, x) and set(moved.unique().tolist()) <= set(x.unique().tolist()) | {0.0}
    assert torch.isfinite(color(x, torch.Generator().manual_seed(0))).all()


def test_the_discriminator_scores_a_batch_and_its_minibatch_stddev_sees_the_batch():
    torch.manual_seed(0)
    d = Discriminator(resolution=16, channel_base=128, channel_max=16)
    x = torch.randn(8, 3, 16, 16)
    assert d(x).shape == (8,)
    # The loop scores [reals, fakes] in one batch: a group must never mix the halves.
    half_twins = torch.cat([x[:1].repeat(4, 1, 1, 1), x[4:]])
    spread = d.minibatch_stddev(d.blocks(d.from_rgb(half_twins)))[:, -1, 0, 0]
    assert spread[:4].max() < 1e-3 < spread[4:].min(), "the twins' group sees no spread, the others' does"
    assert d(x[:3]).shape == (3,), "a batch that does not split into groups of 4 still works"


def test_a_few_training_steps_on_real_faces_give_finite_losses(data_dir, tmp_path):
    faces_ = load_faces(16, data_dir, validation=8, limit=32)
    assert faces_.train.shape == (32, 3, 16, 16) and faces_.validation.shape == (8, 3, 16, 16)
    assert faces_.train.float().std() > 20, "real pictures, not a blank"
    recipe = RECIPES["anime-64"]
    from dataclasses import replace
    recipe = replace(recipe, model={**TINY}, r1_gamma=1.0)
    g, result = train_stylegan(recipe, faces_, tmp_path, steps=4, batch_size=8, save_every=2, snapshot_every=2)
    losses = [r for r in result.history if r.get("split") == "train"]
    assert losses and all(math.isfinite(v) for r in losses for k, v in r.items() if k not in ("split", "step"))
    assert "r1" in losses[-1], "lazy R1 ran"
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == ["ema-0000002.safetensors",
                                                                          "ema-0000004.safetensors"]
    assert g.w_avg.abs().sum() > 0, "the EMA generator carries the running average of w"
    task = style_task(0.9, "diffaugment")
    assert task.augment is not None and style_task(0.9, "none").augment is None


def test_the_released_generator_is_the_recipes_architecture_and_draws_faces(released):
    assert released.num_ws == 10 and released.resolution == 64
    assert style_bands(10) == {"coarse": (0, 4), "middle": (4, 8), "fine": (8, 10)}
    images = faces(released, [0, 1, 2], psi=0.7)
    assert images.shape == (3, 3, 64, 64) and 0 <= images.min() and images.max() <= 1
    assert images.std() > 0.1, "faces, not a flat colour"
    assert (images[0] - images[1]).abs().mean() > 0.05, "different seeds, different faces"


def test_the_tab_endpoints_answer_through_the_served_hub(hub_url):
    from gradio_client import Client

    client = Client(hub_url, verbose=False)
    face, info = client.predict("anime-64", 7, 0.7, 10, "const", api_name="/stylegan_generate")
    assert Image.open(face).size == (256, 256) and "seed 7" in info and "ψ 0.7" in info
    again, _ = client.predict("anime-64", 7, 0.7, 10, "const", api_name="/stylegan_generate")
    assert Image.open(again).tobytes() == Image.open(face).tobytes()
    grid, mix_info = client.predict("anime-64", "1,2", "3,4,5", "middle", 0, 3, 0.7, "const",
                                    api_name="/stylegan_mix")
    assert Image.open(grid).size == (2 * (4 * 66 + 2), 2 * (3 * 66 + 2)) and "layers 4-7" in mix_info
    moved, moved_info = client.predict("anime-64", 7, 0.7, "const", 5, 0, 0, 0, -3,
                                       api_name="/stylegan_directions")
    assert Image.open(moved).size == (256, 256) and "+5" in moved_info
    assert Image.open(moved).tobytes() != Image.open(face).tobytes()
    strip = client.predict("anime-64", 7, 0.7, "const", 8, api_name="/stylegan_direction_strip")
    assert Image.open(strip).size == (2 * (7 * 66 + 2), 2 * (5 * 66 + 2)), "5 directions × 7 steps"
    gif, walk_info = client.predict("anime-64", 1, 2, 12, "z (slerp)", 0.7, "random", api_name="/stylegan_interpolate")
    animation = Image.open(gif)
    assert animation.format == "GIF" and animation.n_frames == 2 * 12 - 2 and "12 frames" in walk_info


@pytest.mark.parametrize("api,data,fragment", [
    ("stylegan_generate", ["anime-64", -1, 0.7, 10, "const"], "Seed must be a whole number between 0 and 4294967295"),
    ("stylegan_generate", ["anime-64", 2**32, 0.7, 10, "const"], "between 0 and 4294967295; got 4294967296"),
    ("stylegan_generate", ["anime-64", "seven", 0.7, 10, "const"], "Seed must be a whole number"),
    ("stylegan_generate", ["anime-64", 7, "NaN", 10, "const"], "must be a number between -1 and 1.5; got 'NaN'"),
    ("stylegan_generate", ["anime-64", 7, 3, 10, "const"], "ψ (truncation) must be a number between -1 and 1.5"),
    ("stylegan_generate", ["anime-64", 7, 0.7, 11, "const"], "Cutoff layer (truncate layers below it) must be"),
    ("stylegan_generate", ["anime-64", 7, 0.7, 10, "loud"], "Noise must be one of random, const, none"),
    ("stylegan_mix", ["anime-64", "", "1", "coarse", 0, 3, 0.7, "const"], "row seeds: give 1 to 8 seeds"),
    ("stylegan_mix", ["anime-64", ",".join(map(str, range(100))), ",".join(map(str, range(100))), "coarse", 0, 3,
                      0.7, "const"], "row seeds: at most 8 seeds; got 100"),
    ("stylegan_mix", ["anime-64", "1", "2,x", "coarse", 0, 3, 0.7, "const"], "column seeds seed must be a whole"),
    ("stylegan_mix", ["anime-64", "1", "2", "custom", 6, 2, 0.7, "const"], "the last layer (2) comes before the first"),
    ("stylegan_mix", ["anime-64", "1", "2", "custom", 0, 12, 0.7, "const"], "Last layer (custom band) must be a"),
    ("stylegan_mix", ["anime-64", "1", "2", "everything", 0, 3, 0.7, "const"], "Band must be one of coarse, middle"),
    ("stylegan_directions", ["anime-64", 7, 0.7, "const", 1e9, 0, 0, 0, 0], "Direction 1 must be a number between"),
    ("stylegan_interpolate", ["anime-64", 1, 2, 10_000, "w (lerp)", 0.7, "const"],
     "Frames must be a number between 2 and 240; got 10000"),
    ("stylegan_interpolate", ["anime-64", 1, 2, 10, "straight", 0.7, "const"], "Path must be one of w (lerp), z"),
])
def test_bad_input_gets_a_message_naming_the_field_and_the_hub_keeps_serving(hub_url, api, data, fragment):
    kind, message = call(hub_url, api, data)
    assert kind == "error" and fragment in message, message
    assert "Traceback" not in message and "/tmp" not in message
    assert call(hub_url, "stylegan_generate", ["anime-64", 1, 1.0, 10, "none"])[0] == "complete"
