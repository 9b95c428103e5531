"""Install a plugin package as a user would (pip, not editable), into a folder of its own: the
test environment itself is never changed, and nothing is downloaded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUILD_LEFTOVERS = ("build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "runs")
"""What a source folder may hold that is no part of the package; not copied to the build."""


def install_package(folder: Path, target: Path) -> dict[str, str]:
    """``pip install --no-deps --no-build-isolation --no-index --target target`` of the package in
    ``folder``; return the environment a subprocess sees it in: this one, with ``target`` first on
    PYTHONPATH and ``HF_HUB_OFFLINE=1`` (tests never wait for the Hugging Face Hub).

    The package is built from a copy of ``folder``, so its source folder gets no build/ or
    egg-info. The build backend is the test environment's own (setuptools and wheel, from the
    ``test`` extra), and genhub and the package's other dependencies must already be installed
    here. Raises RuntimeError with pip's output when the install fails.
    """
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="genhub-build-") as build:
        source = Path(build) / Path(folder).name
        shutil.copytree(folder, source, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                   "--no-index", "--disable-pip-version-check", "--target", str(target), str(source)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"installing {folder} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    path = [str(target), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), "HF_HUB_OFFLINE": "1"}
