"""Installed, genhub claims one import name: ``genhub``. Generic names stay free for other projects."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("name", ["hub", "plugins", "training", "imaging", "audio", "evaluation"])
def test_installing_genhub_claims_no_generic_top_level_name(name, tmp_path):
    probe = f"import importlib.util as u; s = u.find_spec({name!r}); print(s.origin if s else None)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    origin = done.stdout.strip()
    assert origin == "None" or str(REPO) not in origin, f"`import {name}` outside the repo finds {origin}"


def test_the_genhub_names_map_to_the_repository_folders(tmp_path):
    probe = ("import genhub, genhub.plugins.vae, genhub.training.loop, genhub.imaging.grid; "
             "print(genhub.__file__, genhub.plugins.vae.__file__, genhub.training.loop.__file__)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(REPO / "hub" / "__init__.py"), str(REPO / "plugins" / "vae" / "__init__.py"),
                                   str(REPO / "training" / "loop.py")]
