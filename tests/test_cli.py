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


@pytest.mark.parametrize("args,fragment", [
    (["sample", "vae", "--out", "x.gif"], "--out must end in .png, .npy or .wav"),
    (["sample", "vae", "--out", "x.wav"], "makes image, not audio"),
    (["sample", "vae", "--out", "x.npy", "--count", "0"], "--count must be between 1 and 10000"),
    (["sample", "vae", "--out", "x.npy", "--z", "1,2,3"], "z needs 2 numbers"),
    (["sample", "vae", "--out", "x.npy", "--variant", "nope"], "has no variant 'nope'"),
    (["sample", "nope", "--out", "x.npy"], "unknown plugin"),
    (["train", "vae", "--variant", "nope"], "has no variant 'nope'"),
])
def test_mistakes_give_a_one_line_error_and_exit_code_2(tmp_path, monkeypatch, capsys, args, fragment):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert fragment in capsys.readouterr().err


def test_sample_help_lists_the_plugins_own_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sample", "wavenet", "--help"])
    shown = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "options of wavenet" in shown and "--speaker" in shown and "--temperature" in shown and "--scale" in shown
