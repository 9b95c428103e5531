"""Models load once, on first use or all at start with --preload; failures are recorded."""

from __future__ import annotations

import shutil
import threading

import torch

from genhub.registry import discover
from genhub.store import ModelStore
from genhub.weights import REPO_WEIGHTS_DIR, WeightsError


def test_preload_loads_every_variant_and_records_failures(tmp_path):
    broken = tmp_path / "vae" / "mnist-32d"
    shutil.copytree(REPO_WEIGHTS_DIR / "vae" / "mnist-32d", broken)
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    store = ModelStore(discover("vae"), torch.device("cpu"), weights_dir=tmp_path)
    assert {s.state for s in store.status()} == {"not loaded"}
    store.preload()
    states = {s.variant: s for s in store.status()}
    assert states["mnist-2d"].state == "ok" and states["mnist-2d"].load_seconds > 0
    assert states["mnist-32d"].state.startswith("error: vae/mnist-32d:") and "safetensors" in states["mnist-32d"].state
    try:
        store.get("vae", "mnist-32d")
    except WeightsError as err:
        assert "not a valid safetensors file" in str(err)
    else:
        raise AssertionError("a broken variant must keep raising")


def test_concurrent_first_uses_load_a_variant_once():
    store = ModelStore(discover("vae"), torch.device("cpu"))
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.get("vae", "mnist-2d"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and all(r is results[0] for r in results)
