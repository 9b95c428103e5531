"""`genhub` commands as a user runs them."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genhub.cli import main


def test_list_shows_plugins_variants_and_weights(capsys):
    assert main(["list", "--no-plugin-autoload"]) == 0
    out = capsys.readouterr().out
    assert "VAE latent explorer" in out and "mnist-2d" in out and "mnist-32d" in out
    assert "weights/vae/mnist-32d" in out


def test_sample_writes_raw_samples_as_npy(tmp_path):
    out = tmp_path / "x.npy"
    assert main(["sample", "vae", "--variant", "mnist-32d", "--count", "5", "--seed", "3", "--out", str(out)]) == 0
    samples = np.load(out)
    assert samples.shape == (5, 1, 28, 28) and samples.dtype == np.float32
    assert 0 <= samples.min() and samples.max() <= 1
    main(["sample", "vae", "--variant", "mnist-32d", "--count", "5", "--seed", "3", "--out", str(tmp_path / "y.npy")])
    assert np.array_equal(samples, np.load(tmp_path / "y.npy")), "same seed, same samples"


def test_sample_writes_a_png_grid_and_takes_plugin_options(tmp_path):
    out = tmp_path / "grid.png"
    assert main(["sample", "vae", "--count", "16", "--out", str(out), "--temperature", "0.5", "--scale", "1"]) == 0
    assert Image.open(out).size == (4 * 30 + 2, 4 * 30 + 2)
    assert main(["sample", "vae", "--count", "1", "--out", str(out)]) == 0
    assert Image.open(out).size == (19 * 28, 19 * 28), "one 28×28 digit enlarged to ≥ 512 px, pixels kept"
    point = tmp_path / "point.npy"
    assert main(["sample", "vae", "--count", "2", "--out", str(point), "--z", "0.5,-1"]) == 0
    first, second = np.load(point)
    assert np.array_equal(first, second), "a fixed latent point decodes to the same image"


def test_sample_help_lists_the_plugins_own_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sample", "wavenet", "--help"])
    shown = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "options of wavenet" in shown and "--speaker" in shown and "--temperature" in shown and "--scale" in shown


def test_sample_help_states_each_options_range_choices_and_default(capsys):
    with pytest.raises(SystemExit):
        main(["sample", "wavenet", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "(a number from 0.05 to 5; default: 0.6)" in shown
    assert "(one of '', george, jackson, lucas, nicolas, theo, yweweler; default: '')" in shown
    assert "--input INPUT" in shown


def test_train_help_lists_the_training_flags_the_plugin_takes(capsys):
    with pytest.raises(SystemExit):
        main(["train", "cgan", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "train options of cgan" in shown
    for flag in ("--epochs INT", "--batch-size INT", "--lr NUMBER", "--max-steps INT", "--train-limit INT"):
        assert flag in shown


@pytest.mark.parametrize("args,fragment", [
    (["sample", "vae", "--out", "x.gif"], "--out must end in .png, .npy or .wav"),
    (["sample", "vae", "--out", "x.wav"], "makes image, not audio"),
    (["sample", "vae", "--out", "x.npy", "--count", "0"], "--count must be between 1 and 10000"),
    (["sample", "vae", "--out", "x.npy", "--z", "1,2,3"], "z needs 2 numbers"),
    (["sample", "vae", "--out", "x.npy", "--variant", "nope"], "has no variant 'nope'"),
    (["sample", "nope", "--out", "x.npy"], "unknown plugin"),
    (["train", "vae", "--variant", "nope"], "has no variant 'nope'"),
    (["sample", "vae", "--out", "x.npy", "--temperature", "nan"],
     "temperature must be a number from 0.05 to 10; got 'nan'"),
    (["sample", "vae", "--out", "x.npy", "--temperature", "hot"],
     "temperature must be a number from 0.05 to 10; got 'hot'"),
    (["sample", "cgan", "--out", "x.npy", "--label", "3.5"], "label must be a whole number from -1 to 9; got '3.5'"),
    (["sample", "wavenet", "--out", "x.wav", "--speaker", "alice"], "speaker must be one of '', george"),
    (["sample", "vae", "--out", "x.npy", "--temprature", "1"],
     "vae does not take '--temprature'; its sample options are: --temperature, --z"),
    (["sample", "vae", "--out", "x.npy", "--temp", "1"], "vae does not take '--temp'"),
    (["sample", "vae", "--out", "x.npy", "--z"], "argument --z: expected one argument"),
    (["sample", "vae", "--input", "digit.png", "--out", "x.png"], "vae generates from a seed and takes no --input"),
    (["train", "vae", "--epochs", "0"], "epochs must be a whole number ≥ 1; got '0'"),
    (["train", "vae", "--lr", "inf"], "lr must be a number from 1e-08 to 10; got 'inf'"),
    (["train", "vae", "--steps", "3"], "vae does not take '--steps'; its train options are: --epochs, --batch-size"),
])
def test_mistakes_give_a_one_line_error_exit_code_2_and_no_work(tmp_path, monkeypatch, capsys, args, fragment):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert fragment in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing is written"


def test_a_translation_plugin_trains_and_translates_a_file_end_to_end(tmp_path, install_plugins, capsys):
    """The fixture plugin `invert` (task="translate") through `genhub train` and `genhub sample --input`."""
    import json

    import torch

    install_plugins({"invert": "genhub_invert:PLUGIN"})
    weights = tmp_path / "weights"
    folder = weights / "invert" / "v1"
    assert main(["train", "invert", "--epochs", "2", "--out", str(folder)]) == 2
    assert "invert does not take '--epochs'; its train options are: --max-steps, --kernel" in capsys.readouterr().err
    assert main(["train", "invert", "--max-steps", "1", "--kernel", "5", "--out", str(folder), "--device", "cpu"]) == 0
    config = json.loads((folder / "config.json").read_text())
    assert config["model"] == {"kernel": 5} and config["training"]["max_steps"] == 1

    picture = tmp_path / "in.png"
    pixels = np.random.default_rng(0).integers(0, 256, (13, 17, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(picture)
    common = ["sample", "invert", "--weights-dir", str(weights), "--device", "cpu"]
    assert main([*common, "--out", str(tmp_path / "x.png")]) == 2
    assert "invert translates an image: give it one with --input FILE" in capsys.readouterr().err
    assert main([*common, "--input", str(picture), "--count", "2", "--out", str(tmp_path / "x.png")]) == 2
    assert "one output per input" in capsys.readouterr().err
    assert main([*common, "--input", str(tmp_path / "missing.png"), "--out", str(tmp_path / "x.png")]) == 2
    assert "missing.png does not exist" in capsys.readouterr().err

    assert main([*common, "--input", str(picture), "--amount", "1", "--out", str(tmp_path / "out.npy")]) == 0
    out = np.load(tmp_path / "out.npy")
    x = torch.from_numpy(pixels).permute(2, 0, 1).float().div(255)[None]
    blurred = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(x, (2, 2, 2, 2), mode="replicate"), 5, stride=1)
    assert out.shape == (1, 3, 13, 17) and out.dtype == np.float32
    assert np.allclose(out, 1 - blurred.numpy(), atol=1e-5), "out = 1 - blur₅(in)"
    assert main([*common, "--input", str(picture), "--out", str(tmp_path / "out.png")]) == 0
    assert Image.open(tmp_path / "out.png").size == (17, 13), "a translation's .png keeps the input's size"
    Image.fromarray(pixels[..., 0]).save(grey := tmp_path / "grey.png")
    assert main([*common, "--input", str(grey), "--out", str(tmp_path / "grey.npy")]) == 0
    assert np.load(tmp_path / "grey.npy").shape == (1, 1, 13, 17), "a grey file stays one channel"


def test_an_option_value_that_starts_with_a_minus_is_read_as_the_value(tmp_path):
    out = tmp_path / "z.npy"
    assert main(["sample", "vae", "--variant", "mnist-2d", "--z", "-0.5,1", "--count", "1", "--out", str(out)]) == 0
    again = tmp_path / "z2.npy"
    assert main(["sample", "vae", "--variant", "mnist-2d", "--z=-0.5,1", "--count", "1", "--out", str(again)]) == 0
    assert np.array_equal(np.load(out), np.load(again))
