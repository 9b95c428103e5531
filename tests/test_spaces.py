"""The Space folder is self-contained: its app builds from the copied packages alone."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_the_assembled_space_builds_its_app(tmp_path, data_dir):
    dest = tmp_path / "space"
    subprocess.run([sys.executable, str(REPO / "spaces" / "build.py"), str(dest)], check=True, timeout=60)
    assert (dest / "README.md").read_text().startswith("---\ntitle: genhub")
    assert (dest / "weights" / "vae" / "mnist-2d" / "model.safetensors").is_file()
    env = {**os.environ, "PYTHONPATH": str(dest), "GENHUB_DATA": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    probe = ("import app, genhub; print(genhub.__file__); "
             "print(' '.join(sorted(d.api_name for d in app.demo.fns.values() if d.api_name)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=dest, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    hub_file, endpoints = done.stdout.strip().splitlines()[-2:]
    assert hub_file == str(dest / "genhub" / "__init__.py"), "the Space runs its own copy, not this checkout"
    assert {"vae_decode", "plugin_status"} <= set(endpoints.split())
