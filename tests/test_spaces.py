"""`genhub spaces build`: a Space folder written from the plugin registry starts the way Spaces
starts it (``python app.py`` in the folder, nothing else on the path), answers the API from its
own copy of the code and weights, and its front matter names what it runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import gradio
import numpy as np
import pytest
import torch
from huggingface_hub import SpaceCard

from genhub.cli import _parser, main
from genhub.plugins.pixelcnn.ui import TEST_DIGITS
from genhub.plugins.vae.ui import MAP_POINTS
from genhub.registry import discover
from genhub.spawn import spawned_server
from genhub.training.data import EXAMPLES_ENV, example_digits, load_idx_dataset, write_examples
from tests.conftest import REPO, free_port
from tests.local_hub import LocalHub

ANCHORS = (3, 2, 0)
SHIPPED = {"model.safetensors", "config.json", "README.md"}
PLUGINS = {r.name: r.plugin for r in discover(autoload=False) if r.plugin}


def front_matter(space: Path) -> dict:
    return SpaceCard.load(space / "README.md").data.to_dict()


def tree(folder: Path) -> set[str]:
    """Paths of the files under ``folder``, relative to it."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@contextmanager
def space_app(space: Path, env: Mapping[str, str] = {}, timeout: float = 60) -> Iterator:
    """Start ``python app.py`` in ``space`` with only ``space`` on PYTHONPATH, as Spaces does: no
    dataset folder, an empty home (no torchvision or Hub cache) and no network (HF_HUB_OFFLINE);
    yield a gradio_client Client once the page answers. On leaving, checks that the Space downloaded
    no dataset into that home (where `load_idx_dataset` would have put one)."""
    from gradio_client import Client

    port = free_port()
    home = space.parent / "home"
    home.mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GENHUB_", "PYTHONPATH", "HF_"))}
    environment.update({"PYTHONPATH": str(space), "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
                        "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HOME": str(home),
                        "HF_HOME": str(space.parent / "empty-hf-home"), **env})
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "app.py"]
    with spawned_server(command, url, cwd=space, env=environment, log=space.parent / "app.log", timeout=timeout):
        yield Client(url, verbose=False, ssl_verify=False)
    assert not (home / ".cache" / "genhub").exists(), "the Space downloaded a dataset at start"


def map_decode_and_status(client, variant: str) -> dict[tuple[str, str], list[str]]:
    """Draw ``variant``'s latent map (it encodes all MAP_POINTS test digits) and decode one point
    (a PNG each); then the status table's rows."""
    assert Path(client.predict(variant, 0.5, -1.0, *ANCHORS, api_name="/vae_map")).suffix == ".png"
    assert Path(client.predict(variant, 0.5, -1.0, *ANCHORS, api_name="/vae_decode")).suffix == ".png"
    return {(row[0], row[1]): row for row in client.predict(api_name="/plugin_status")["data"]}


def check_examples(space: Path, data_dir: Path, count: int) -> None:
    """The Space's examples/ holds exactly the first ``count`` MNIST test digits and labels."""
    assert tree(space / "examples") == {"mnist-test.npz"}
    shipped = np.load(space / "examples" / "mnist-test.npz")
    images, labels = load_idx_dataset("mnist", "test", data_dir, limit=count)
    assert shipped["images"].dtype == np.uint8 and shipped["images"].shape == (count, 28, 28)
    assert np.array_equal(shipped["images"], images.numpy()) and np.array_equal(shipped["labels"], labels.numpy())


def check_front_matter(meta: dict, plugins: list[str], hardware: str) -> None:
    assert meta["sdk"] == "gradio" and meta["sdk_version"] == gradio.__version__
    assert meta["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert meta["app_file"] == "app.py" and meta["suggested_hardware"] == hardware
    assert meta["license"] == "mit" and meta["title"] and meta["emoji"] and meta["colorFrom"] and meta["colorTo"]
    assert 0 < len(meta["short_description"]) <= 60
    repos = {spec.repo_id for name in plugins for spec in PLUGINS[name].variants}
    assert repos <= set(meta["models"]), "every selected variant's repo is listed"


@pytest.mark.slow
def test_the_whole_hub_space_serves_every_plugin_from_its_own_copy(tmp_path, data_dir):
    space = tmp_path / "space"
    subprocess.run([sys.executable, str(REPO / "spaces" / "build.py"), str(space)], check=True, timeout=60)

    meta = front_matter(space)
    check_front_matter(meta, list(PLUGINS), "cpu-basic")
    assert "preload_from_hub" not in meta, "shipped weights need no download"
    body = SpaceCard.load(space / "README.md").text
    for plugin in PLUGINS.values():
        assert plugin.title in body and all(f"`{spec.variant}`" in body for spec in plugin.variants)
    assert {p.name for p in (space / "genhub" / "plugins").iterdir() if p.is_dir()} == set(PLUGINS)
    weights = {str(p.relative_to(space / "weights")) for p in (space / "weights").glob("*/*")}
    variants = {f"{name}/{spec.variant}" for name, plugin in PLUGINS.items() for spec in plugin.variants}
    assert weights == variants | {"classifier/mnist", "classifier/fashion-mnist", "classifier/fsdd"}, \
        "and the judges the CGAN and WaveNet tabs read"
    assert all(tree(space / "weights" / folder) == SHIPPED for folder in weights), "no logs, curves or checkpoints"

    check_examples(space, data_dir, max(MAP_POINTS, TEST_DIGITS))  # one array for both tabs
    with space_app(space) as client:
        rows = map_decode_and_status(client, "mnist-2d")
        # The PixelCNN's last test digit comes from the shipped examples: there is no dataset here.
        grid, table = client.predict("binarized", "test digit", 999, None, None, "bottom half", None, 1, 1.0, "none",
                                     0, api_name="/pixelcnn_complete")
        assert Path(grid).suffix == ".png" and len(table["data"]) == 1
    assert {name for name, _ in rows} == set(PLUGINS)
    assert rows[("vae", "mnist-2d")][3] == str(space / "weights" / "vae" / "mnist-2d"), "the Space's weights"
    assert rows[("vae", "mnist-2d")][2] == "folder plugins/vae" and rows[("vae", "mnist-2d")][7] == "ok"


@pytest.mark.slow
def test_a_one_plugin_space_holds_only_that_plugin_and_its_weights(tmp_path, data_dir):
    space = tmp_path / "space"
    assert main(["spaces", "build", str(space), "--plugins", "vae"]) == 0

    meta = front_matter(space)
    check_front_matter(meta, ["vae"], "cpu-basic")
    assert meta["models"] == [spec.repo_id for spec in PLUGINS["vae"].variants]
    assert PLUGINS["vae"].title in meta["title"] and meta["short_description"] == PLUGINS["vae"].title
    assert {p.name for p in (space / "genhub" / "plugins").iterdir()} == {"__init__.py", "vae"}
    assert tree(space / "weights") == {f"vae/{spec.variant}/{name}" for spec in PLUGINS["vae"].variants
                                       for name in SHIPPED}
    assert (space / "genhub" / "training" / "loop.py").is_file() and (space / "requirements.txt").is_file()

    check_examples(space, data_dir, MAP_POINTS)
    with space_app(space) as client:
        rows = map_decode_and_status(client, "mnist-32d")  # the plane's anchors are shipped test digits
    assert {name for name, _ in rows} == {"vae"}
    assert rows[("vae", "mnist-32d")][3] == str(space / "weights" / "vae" / "mnist-32d")


@pytest.mark.slow
def test_a_hub_weights_space_preloads_the_pinned_files_and_serves_them_from_the_cache(tmp_path, data_dir):
    space = tmp_path / "space"
    assert main(["spaces", "build", str(space), "--plugins", "vae", "--weights", "hub", "--hardware", "t4-small"]) == 0

    meta = front_matter(space)
    check_front_matter(meta, ["vae"], "t4-small")
    specs = PLUGINS["vae"].variants
    assert meta["preload_from_hub"] == [f"{s.repo_id} model.safetensors,config.json {s.revision}" for s in specs]
    assert not (space / "weights").exists()
    requirements = (space / "requirements.txt").read_text()
    assert "whl/cpu" not in requirements and "torch==" in requirements, "GPU hardware gets PyPI's CUDA torch"

    # What Spaces does at build time: download each preload_from_hub entry into the Hub cache.
    from huggingface_hub import hf_hub_download

    repos = tmp_path / "repos"
    for spec in specs:
        shutil.copytree(REPO / "weights" / "vae" / spec.variant, repos / spec.repo_id)
    with LocalHub("5" * 40, repos) as hub:
        for entry in meta["preload_from_hub"]:
            repo_id, files, revision = entry.split(" ")
            for name in files.split(","):
                hf_hub_download(repo_id, name, revision=revision, cache_dir=tmp_path / "hf" / "hub",
                                endpoint=hub.url)

    with space_app(space, env={"HF_HOME": str(tmp_path / "hf")}) as client:
        rows = map_decode_and_status(client, "mnist-2d")
    assert rows[("vae", "mnist-2d")][3] == f"hf://{specs[0].repo_id}@{specs[0].revision}"
    assert rows[("vae", "mnist-2d")][7] == "ok", "sha256-checked like shipped weights"


def test_spaces_build_takes_its_flags_and_refuses_bad_values_before_writing(tmp_path, capsys):
    args = _parser().parse_args(["spaces", "build", "out", "--plugins", "vae,cgan", "--hardware", "zero-a10g",
                                 "--weights", "hub", "--push", "me/genhub", "--private"])
    assert (args.out, args.plugins, args.hardware, args.weights, args.push, args.private) == (
        Path("out"), "vae,cgan", "zero-a10g", "hub", "me/genhub", True)
    defaults = _parser().parse_args(["spaces", "build", "out"])
    assert (defaults.hardware, defaults.weights, defaults.push, defaults.private) == ("cpu-basic", "ship", None, False)

    out = tmp_path / "space"
    assert main(["spaces", "build", str(out), "--hardware", "gpu-huge"]) == 2
    assert "--hardware must be one of cpu-basic, cpu-upgrade" in capsys.readouterr().err
    assert main(["spaces", "build", str(out), "--plugins", "vae,nosuch"]) == 2
    assert "unknown plugin(s) nosuch" in capsys.readouterr().err
    assert not out.exists()
    (out / "notes").mkdir(parents=True)
    assert main(["spaces", "build", str(out), "--plugins", "vae"]) == 2, "a folder of yours is never replaced"
    assert "is not a Space folder this command wrote" in capsys.readouterr().err and (out / "notes").is_dir()
    with pytest.raises(SystemExit):
        _parser().parse_args(["spaces", "build", "out", "--weights", "lfs"])


def test_a_zerogpu_space_requires_the_spaces_package_and_cuda_torch(tmp_path, data_dir):
    space = tmp_path / "space"
    assert main(["spaces", "build", str(space), "--plugins", "wavenet", "--hardware", "zero-a10g"]) == 0
    requirements = (space / "requirements.txt").read_text().splitlines()
    assert "spaces==0.51.3" in requirements, "genhub.zerogpu wraps the handlers with it"
    cuda_torch = not any("whl/cpu" in line for line in requirements) and any(
        line.startswith("torch==") for line in requirements)
    assert cuda_torch, "and PyPI's CUDA build of torch, as on other GPU hardware"
    assert front_matter(space)["suggested_hardware"] == "zero-a10g"
    assert not (space / "examples").exists(), "the WaveNet tab offers no test images"
    app = (space / "app.py").read_text()
    assert app.index("import spaces") < app.index("from genhub"), "spaces comes before torch, as ZeroGPU asks"


def test_a_space_without_the_tabs_examples_is_refused_before_writing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GENHUB_DATA", str(tmp_path / "no-data"))
    monkeypatch.setattr("genhub.training.data.DOWNLOAD_ROOT", tmp_path / "no-download")
    monkeypatch.setattr("torchvision.datasets.MNIST.mirrors", ["http://127.0.0.1:9/"])
    out = tmp_path / "space"
    assert main(["spaces", "build", str(out), "--plugins", "vae"]) == 2
    assert "ships the mnist test images its tabs offer" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture
def uncached_example_digits() -> Iterator[None]:
    """`example_digits` caches per process; start and leave it empty, so no other test sees ours."""
    example_digits.cache_clear()
    yield
    example_digits.cache_clear()


def test_example_digits_come_from_the_shipped_array_when_it_holds_enough(tmp_path, monkeypatch, data_dir,
                                                                         uncached_example_digits):
    # All-white digits labelled 7 tell the shipped array apart from the real test digits.
    write_examples(tmp_path, "mnist", torch.full((5, 28, 28), 255, dtype=torch.uint8), torch.full((5,), 7))
    monkeypatch.setenv(EXAMPLES_ENV, str(tmp_path))
    images, labels = example_digits("mnist", 3)
    assert images.shape == (3, 1, 28, 28) and images.dtype == torch.float32 and bool((images == 1).all())
    assert labels.dtype == torch.int64 and labels.tolist() == [7, 7, 7]

    images, labels = example_digits("mnist", 6)  # more than shipped: the data root's, as without a Space
    real, real_labels = load_idx_dataset("mnist", "test", data_dir, limit=6)
    assert torch.equal(images, real.float().div(255).unsqueeze(1)) and torch.equal(labels, real_labels)


def test_the_space_requirements_pin_what_pyproject_pins():
    tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11

    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = set((REPO / "spaces" / "requirements.txt").read_text().splitlines())
    missing = [d for d in dependencies if d not in lines]
    assert not missing, f"spaces/requirements.txt must list pyproject.toml's dependencies as written; missing {missing}"
