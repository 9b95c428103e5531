"""Weights resolution (repo folder, your folder, the Hugging Face cache, the Hub), the one loader
call `from_pretrained`, models that own their config, and the errors for weights that are
missing, corrupt, truncated or of the wrong shape."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from genhub.plugins.vae import PLUGIN as VAE
from genhub.weights import REPO_WEIGHTS_DIR, WeightsError, from_pretrained, load_weights, resolve_weights
from tests.conftest import REPO, THIRD_PARTY
from tests.local_hub import LocalHub

SPEC_2D = VAE.spec("mnist-2d")
CPU = torch.device("cpu")

RESOLVE_TINY = """
import json
from genhub_tiny import PLUGIN
from genhub.weights import WeightsError, from_pretrained
try:
    loaded = from_pretrained(PLUGIN)
    print(json.dumps({"origin": loaded.origin, "sha256": loaded.sha256, "file": str(loaded.weights_file)}))
except WeightsError as err:
    print(json.dumps({"error": str(err)}))
"""


def resolve_tiny_in_subprocess(env: dict[str, str]) -> dict:
    """Resolve the fixture plugin's weights in a fresh interpreter (huggingface_hub reads
    HF_HOME and HF_HUB_OFFLINE when it is imported)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(THIRD_PARTY)]), **env}
    done = subprocess.run([sys.executable, "-c", RESOLVE_TINY], env=environment, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def copy_variant(root: Path, variant: str = "mnist-2d") -> Path:
    folder = root / "vae" / variant
    shutil.copytree(REPO_WEIGHTS_DIR / "vae" / variant, folder)
    return folder


def test_repo_weights_are_found_first_and_pinned():
    resolved = resolve_weights("vae", SPEC_2D)
    assert resolved.pinned and resolved.weights_file == REPO_WEIGHTS_DIR / "vae" / "mnist-2d" / "model.safetensors"


def test_your_weights_folder_comes_first_and_is_not_hash_checked(tmp_path):
    folder = copy_variant(tmp_path)
    model = VAE.build_model(json.loads((folder / "config.json").read_text())["model"])
    from genhub.weights import save_weights
    save_weights(folder, model, json.loads((folder / "config.json").read_text()))  # untrained: another hash
    resolved = resolve_weights("vae", SPEC_2D, override_dir=tmp_path)
    assert resolved.origin == str(folder) and not resolved.pinned
    loaded = from_pretrained(VAE, "mnist-2d", weights_dir=tmp_path)
    assert loaded.origin == str(folder) and loaded.sha256 != SPEC_2D.sha256


def test_a_plugin_package_ships_its_weights_hash_checked_after_the_repo_folder(tmp_path):
    import dataclasses

    packaged = dataclasses.replace(VAE, name="packaged_vae", weights_dir=tmp_path / "weights")
    folder = shutil.copytree(REPO_WEIGHTS_DIR / "vae" / "mnist-2d", tmp_path / "weights" / "mnist-2d")
    loaded = from_pretrained(packaged, "mnist-2d")
    assert loaded.origin == str(folder) and loaded.sha256 == SPEC_2D.sha256
    data = bytearray((folder / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (folder / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(WeightsError, match="but the release pins"):
        from_pretrained(packaged, "mnist-2d")


def tiny_fixture() -> tuple[str, str]:
    sys.path.insert(0, str(THIRD_PARTY))
    try:
        from genhub_tiny import COMMIT, WEIGHTS_SHA256
    finally:
        sys.path.remove(str(THIRD_PARTY))
    return COMMIT, WEIGHTS_SHA256


def test_weights_download_from_the_hub_fetching_only_config_and_safetensors(tmp_path):
    commit, sha256 = tiny_fixture()
    with LocalHub(commit) as hub:
        result = resolve_tiny_in_subprocess({"HF_HOME": str(tmp_path / "hf"), "HF_ENDPOINT": hub.url,
                                             "HF_HUB_OFFLINE": "0"})
        assert result.get("sha256") == sha256, result
        assert set(hub.requests) == {"config.json", "model.safetensors"}


def test_weights_resolve_from_a_real_offline_hugging_face_cache(tmp_path):
    COMMIT, WEIGHTS_SHA256 = tiny_fixture()
    from huggingface_hub import hf_hub_download

    cache = tmp_path / "hf" / "hub"
    with LocalHub(COMMIT) as hub:  # fill the cache with huggingface_hub's own download
        for name in ("config.json", "model.safetensors"):
            hf_hub_download("genhub-test/tiny", name, revision=COMMIT, cache_dir=cache, endpoint=hub.url)
    result = resolve_tiny_in_subprocess({"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"})
    assert result.get("origin") == f"hf://genhub-test/tiny@{COMMIT}", result
    assert result["sha256"] == WEIGHTS_SHA256
    assert result["file"].startswith(str(cache / "models--genhub-test--tiny" / "snapshots" / COMMIT))


def test_offline_and_not_cached_says_how_to_get_the_weights(tmp_path):
    result = resolve_tiny_in_subprocess({"HF_HOME": str(tmp_path / "empty"), "HF_HUB_OFFLINE": "1"})
    message = result["error"]
    assert "not in the Hugging Face cache" in message and "HF_HUB_OFFLINE=1" in message
    assert "genhub train tiny --variant v1" in message
    assert "hf download genhub-test/tiny config.json model.safetensors --revision" in message


def test_corrupt_released_weights_fail_the_hash_check(tmp_path):
    folder = copy_variant(tmp_path)
    data = bytearray((folder / "model.safetensors").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "model.safetensors").write_bytes(bytes(data))
    resolved = resolve_weights("vae", SPEC_2D, repo_dir=tmp_path)
    with pytest.raises(WeightsError, match=r"has sha256 .* but the release pins .*corrupt"):
        load_weights("vae", SPEC_2D, resolved, VAE.build_model, CPU)


@pytest.mark.parametrize("damage,fragment", [
    (lambda b: b[: len(b) // 2], "not a valid safetensors file"),
    (lambda b: b"\xff" * 64 + b[64:], "not a valid safetensors file"),
    (lambda b: b"", "not a valid safetensors file"),
])
def test_truncated_or_garbled_weights_give_a_clear_error(tmp_path, damage, fragment):
    folder = copy_variant(tmp_path)
    (folder / "model.safetensors").write_bytes(damage((folder / "model.safetensors").read_bytes()))
    with pytest.raises(WeightsError, match=fragment):
        from_pretrained(VAE, "mnist-2d", weights_dir=tmp_path)


def test_weights_of_the_wrong_shape_name_the_mismatch(tmp_path):
    folder = copy_variant(tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["model"]["hidden_dims"] = [256, 256]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(WeightsError, match="does not fit the architecture.*size mismatch"):
        from_pretrained(VAE, "mnist-2d", weights_dir=tmp_path)


def test_a_missing_weights_file_beside_its_config_is_named(tmp_path):
    folder = copy_variant(tmp_path)
    (folder / "model.safetensors").unlink()
    with pytest.raises(WeightsError, match=r"model.safetensors is missing .*genhub train vae --variant mnist-2d"):
        from_pretrained(VAE, "mnist-2d", weights_dir=tmp_path)


def test_unreadable_config_is_reported(tmp_path):
    folder = copy_variant(tmp_path)
    (folder / "config.json").write_text("{not json")
    with pytest.raises(WeightsError, match="not readable JSON"):
        from_pretrained(VAE, "mnist-2d", weights_dir=tmp_path)


def test_from_pretrained_takes_a_plugin_or_its_name_and_returns_an_eval_model_without_gradients():
    by_name = from_pretrained("vae", "mnist-32d")
    by_plugin = from_pretrained(VAE, "mnist-32d", device=CPU)
    assert by_name.spec == by_plugin.spec == VAE.spec("mnist-32d") and by_name.sha256 == VAE.spec("mnist-32d").sha256
    assert by_name.origin == str(REPO_WEIGHTS_DIR / "vae" / "mnist-32d") and by_name.device == CPU
    assert not by_name.model.training and not any(p.requires_grad for p in by_name.model.parameters())
    assert from_pretrained(VAE).spec.variant == VAE.default_variant


def test_from_pretrained_names_what_is_unknown():
    with pytest.raises(WeightsError, match="no variant 'mnist-3d'; known: mnist-2d, mnist-32d"):
        from_pretrained(VAE, "mnist-3d")
    with pytest.raises(WeightsError, match="unknown plugin.*nosuch"):
        from_pretrained("nosuch")


def released_models() -> list:
    """Every released variant: built-in plugins and the judges."""
    from genhub.registry import discover
    from genhub.training.evaluation.classifier import IMAGE_JUDGES
    from genhub.training.evaluation.speech import SPEECH_JUDGES

    families = [r.plugin for r in discover(autoload=False) if r.plugin] + [IMAGE_JUDGES, SPEECH_JUDGES]
    return [pytest.param(f, s.variant, id=f"{f.name}/{s.variant}") for f in families for s in f.variants]


@pytest.mark.parametrize("family,variant", released_models())
def test_released_models_own_their_config_and_it_rebuilds_them(family, variant):
    loaded = from_pretrained(family, variant)
    model_config = loaded.model.config
    assert json.loads(json.dumps(model_config)) == model_config, "model.config is plain JSON"
    released = loaded.config["model"]
    assert {k: model_config[k] for k in released} == released, "older configs list some arguments; defaults fill in"
    rebuilt = type(loaded.model)(**model_config)
    rebuilt.load_state_dict(loaded.model.state_dict(), strict=True)
    assert rebuilt.config == model_config


def test_configurable_records_arguments_as_json_and_refuses_what_json_cannot_hold():
    from torch import nn

    from genhub.config import Configurable

    class Net(Configurable, nn.Module):
        def __init__(self, width: int = 4, dims: tuple[int, ...] = (1, 2), act: object = "relu") -> None:
            super().__init__()
            self.linear = nn.Linear(width, width)

    class Wider(Net):
        def __init__(self, extra: int = 1) -> None:
            super().__init__(width=8)

    assert Net(6).config == {"width": 6, "dims": [1, 2], "act": "relu"}
    assert Wider(3).config == {"extra": 3}, "the outermost constructor's arguments are recorded"
    with pytest.raises(TypeError, match=r"Net\(act=…\).*cannot be stored in config.json"):
        Net(act=torch.device("cpu"))
    with pytest.raises(TypeError, match="named arguments only"):
        class Loose(Configurable, nn.Module):
            def __init__(self, **kwargs) -> None:
                super().__init__()
