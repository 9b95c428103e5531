"""Shared fixtures: the real MNIST data, fixture third-party plugins, a served hub."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from genhub.spawn import spawned_server

REPO = Path(__file__).resolve().parent.parent
THIRD_PARTY = Path(__file__).resolve().parent / "fixtures" / "third_party"
MNIST_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
               "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The dataset root from $GENHUB_DATA; the suite needs the real MNIST files there."""
    root = os.environ.get("GENHUB_DATA")
    if not root or not all((Path(root) / "mnist" / f).is_file() for f in MNIST_FILES):
        pytest.fail(f"set GENHUB_DATA to a folder holding mnist/{{{', '.join(MNIST_FILES)}}} "
                    f"(CI points it at ../shared/datasets); got {root!r}")
    return Path(root)


def write_entry_points(site: Path, entry_points: Mapping[str, str], dist: str = "genhub_test_plugins") -> Path:
    """Make ``site`` look like an installed distribution declaring ``genhub.plugins`` entry points."""
    info = site / f"{dist}-0.1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[genhub.plugins]\n{lines}")
    return site


@pytest.fixture
def install_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install fixture third-party plugins into this process through real entry points."""
    def install(entry_points: Mapping[str, str]) -> Path:
        site = write_entry_points(tmp_path / "site", entry_points)
        monkeypatch.syspath_prepend(str(site))
        monkeypatch.syspath_prepend(str(THIRD_PARTY))
        for module in [m for m in sys.modules if m.startswith("genhub_")]:
            monkeypatch.delitem(sys.modules, module)
        return site
    return install


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HubURL(str):
    """A served hub's URL that also knows the server's process id (to read its memory, CPU time)."""

    pid: int


@contextmanager
def served_hub(*args: str, env: Mapping[str, str] = {}, log: Path | None = None,
               timeout: float = 90) -> Iterator[HubURL]:
    """Run ``genhub serve`` in a subprocess until its page answers HTTP 200; yield its URL."""
    port = free_port()
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **env}
    url = HubURL(f"http://127.0.0.1:{port}/")
    command = [sys.executable, "-m", "genhub.cli", "serve", "--port", str(port), *args]
    with spawned_server(command, url, cwd=REPO, env=environment, log=log, timeout=timeout) as (pid, _):
        url.pid = pid
        yield url


@pytest.fixture(scope="session")
def hub_url(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubURL]:
    """A hub serving the built-in plugins on their shipped weights."""
    log = tmp_path_factory.mktemp("hub") / "serve.log"
    with served_hub("--no-plugin-autoload", env={"GENHUB_DATA": str(data_dir)}, log=log) as url:
        yield url


@pytest.fixture(scope="session")
def client(hub_url: str):
    from gradio_client import Client

    # ssl_verify=False: plain http on localhost; building a TLS context costs ~90 ms a call.
    return Client(hub_url, verbose=False, ssl_verify=False)
