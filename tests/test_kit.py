"""The plugin authors' kit: `genhub new` writes a package that installs, is found by the hub and
passes the contract kit as generated; `genhub check` and `genhub.contract` name what a broken
plugin gets wrong."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from huggingface_hub import constants

from genhub.cli import main
from genhub.contract import CHECK_NAMES, CheckResult, check_plugin, pytest_outcome, run_check
from genhub.plugin import Samples, lazy
from genhub.plugins.vae import PLUGIN as VAE
from genhub.scaffold import MAX_NAME
from tests.fixtures.third_party.genhub_invert import PLUGIN as INVERT
from tests.packages import install_package

BIN = Path(sys.executable).parent


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Hugging Face Hub: a plugin without local weights is told so at once, not after retries."""
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)


@pytest.fixture
def forget_packages():
    """Forget, after the test, the modules it imported from the packages it wrote."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("genhub_kit"):
            del sys.modules[name]


def run(*command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_new_plugin_installs_is_found_by_the_hub_and_passes_the_kit_as_generated(tmp_path, monkeypatch, capsys,
                                                                                     offline, forget_packages):
    assert main(["new", "kitdemo", "--dir", str(tmp_path)]) == 0
    folder = tmp_path / "genhub-kitdemo"
    linted = run(str(BIN / "ruff"), "check", str(folder), env=dict(os.environ), cwd=tmp_path)
    assert linted.returncode == 0, linted.stdout

    env = install_package(folder, tmp_path / "site")
    assert (tmp_path / "site" / "genhub_kitdemo" / "__init__.py").is_file()
    assert importlib.util.find_spec("genhub_kitdemo") is None, "the test environment itself stays unchanged"

    listed = run(sys.executable, "-m", "genhub.cli", "list", "--plugins", "kitdemo", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "Kitdemo  (package genhub-kitdemo 0.1.0)" in listed.stdout, "found through its entry point"

    monkeypatch.syspath_prepend(str(tmp_path / "site"))  # in this process too, for `genhub check`
    assert main(["check", "kitdemo"]) == 0, capsys.readouterr().out
    report = capsys.readouterr().out
    assert "(package genhub-kitdemo 0.1.0)" in report
    assert "PASSED   tiny_train" in report and "SKIPPED  released_weights" in report

    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests"),
                 env=env, cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert f"{len(CHECK_NAMES) - 1} passed, 1 skipped" in tested.stdout, tested.stdout[-1000:]


def broken_scaffold(tmp_path: Path, name: str, file: str, function: str) -> Path:
    """A freshly generated package whose ``file`` lacks its ``function``."""
    assert main(["new", name, "--dir", str(tmp_path)]) == 0
    path = tmp_path / f"genhub-{name}" / f"genhub_{name}" / file
    text = path.read_text()
    start = text.index(f"\ndef {function}(")
    end = text.find("\n\n\ndef ", start + 1)
    path.write_text(text[:start] + ("\n" if end < 0 else text[end:]))
    return path.parent.parent


@pytest.mark.parametrize("name,file,function,missing", [
    ("kitnosample", "sample.py", "sample", "cannot import name 'sample' from 'genhub_kitnosample.sample'"),
    ("kitnotrain", "train.py", "train", "train: module 'genhub_kitnotrain.train' has no function 'train'"),
])
def test_a_scaffold_missing_a_function_fails_genhub_check_naming_it(name, file, function, missing, tmp_path,
                                                                    monkeypatch, capsys, offline, forget_packages):
    monkeypatch.syspath_prepend(str(broken_scaffold(tmp_path, name, file, function)))
    assert main(["check", f"genhub_{name}:PLUGIN", "--no-train"]) == 1
    report = capsys.readouterr().out
    assert missing in report
    assert report.rstrip().endswith("FAILED: the plugin breaks the contract (see the messages above)")


def no_endpoint_names(context) -> None:
    import gradio as gr

    gr.Button("go").click(lambda: None, None, None, api_name="translate")


def same_for_every_seed(model, config, request) -> Samples:
    return Samples("image", torch.zeros(request.count, 1, 28, 28))


def exits(model, config, request) -> Samples:
    raise SystemExit(3)


@pytest.mark.parametrize("plugin,check,fragment", [
    (dataclasses.replace(INVERT, tiny_config=None), "tiny_config", "tiny_config is None: declare"),
    (dataclasses.replace(INVERT, train_options=()), "train_options", "train_options is empty"),
    (dataclasses.replace(INVERT, train=lazy("genhub_nowhere.train:train")), "functions",
     "train: importing module 'genhub_nowhere.train' (named by lazy('genhub_nowhere.train:train')) failed: "
     "ModuleNotFoundError"),
    (dataclasses.replace(INVERT, build_tab=lambda: None), "functions",
     "build_tab: <lambda>() cannot be called as build_tab(context)"),
    (dataclasses.replace(INVERT, sample=lambda model, config, request: request.input), "seeded_sampling",
     "returned a Tensor; sample must return Samples"),
    (dataclasses.replace(INVERT, sample=exits), "option_ranges", "raised SystemExit: 3"),
    (dataclasses.replace(VAE, sample=same_for_every_seed), "seeded_sampling", "seeds 7 and 8 gave the same samples"),
    (dataclasses.replace(INVERT, build_tab=no_endpoint_names), "tiny_train",
     "name the tab's API endpoints invert_<action> (api_name=...); found ['translate']"),
], ids=["no-tiny-config", "no-train-options", "lazy-target-missing", "tab-signature", "not-samples", "exits",
        "ignores-seed", "endpoint-names"])
def test_check_plugin_reports_what_a_broken_plugin_gets_wrong(plugin, check, fragment, tmp_path):
    result = run_check(plugin, check, work_dir=tmp_path)
    assert result.status == "failed" and fragment in result.message, result


def test_checks_that_need_a_tiny_config_are_skipped_without_one_and_the_report_shows_why(offline):
    report = check_plugin(dataclasses.replace(INVERT, tiny_config=None), train=False)
    statuses = {result.name: result.status for result in report.results}
    assert statuses == {"loads": "passed", "functions": "passed", "tiny_config": "failed", "train_options": "passed",
                        "seeded_sampling": "skipped", "option_ranges": "skipped", "tiny_train": "skipped",
                        "released_weights": "skipped"}
    assert not report.ok
    text = report.format().splitlines()
    failed = next(i for i, line in enumerate(text) if line.startswith("FAILED   tiny_config"))
    assert text[failed + 1].startswith(" " * 9 + "tiny_config is None"), "the message is indented under its check"
    assert len([line for line in text if line.split(" ")[0] in {"PASSED", "FAILED", "SKIPPED"}]) == len(CHECK_NAMES)


def test_genhub_check_finds_an_installed_plugin_by_name_and_passes_it(install_plugins, capsys, offline):
    install_plugins({"invert": "genhub_invert:PLUGIN"})
    assert main(["check", "invert", "--no-train"]) == 0
    report = capsys.readouterr().out
    assert "(package genhub_test_plugins 0.1.0)" in report
    assert "SKIPPED  released_weights" in report and "no released weights were found" in report
    assert report.rstrip().endswith("OK")


def test_genhub_check_loads_a_builtin_plugins_released_weights(capsys):
    assert main(["check", "vae", "--no-train"]) == 0
    assert "PASSED   released_weights" in capsys.readouterr().out


def test_genhub_check_of_an_unknown_plugin_fails_saying_so(capsys):
    assert main(["check", "nope", "--no-train"]) == 1
    assert "unknown plugin(s) nope" in capsys.readouterr().out
    assert main(["check", "genhub_nowhere:PLUGIN", "--no-train"]) == 1
    assert "importing the plugin module 'genhub_nowhere' failed: ModuleNotFoundError" in capsys.readouterr().out


def test_genhub_new_output_passes_ruff_even_for_the_longest_name(tmp_path):
    name = "n" * MAX_NAME
    assert main(["new", name, "--dir", str(tmp_path)]) == 0
    linted = run(str(BIN / "ruff"), "check", str(tmp_path / f"genhub-{name}"), env=dict(os.environ), cwd=tmp_path)
    assert linted.returncode == 0, linted.stdout


@pytest.mark.parametrize("name,fragment", [
    ("Bad-Name", "a plugin name is a lower-case letter"),
    ("n" * (MAX_NAME + 1), f"at most {MAX_NAME} in all"),
    ("vae", "'vae' is the name of a built-in plugin"),
    ("taken", "exists already"),
])
def test_genhub_new_refuses_a_bad_name_or_an_existing_folder_in_one_line(name, fragment, tmp_path, capsys):
    (tmp_path / "genhub-taken").mkdir()
    assert main(["new", name, "--dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert fragment in error and len(error.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["genhub-taken"], "nothing written"


def test_a_failed_check_fails_its_test_with_the_message_and_a_skipped_one_skips():
    with pytest.raises(pytest.fail.Exception, match="tiny_config is None"):
        pytest_outcome(CheckResult("tiny_config", "failed", "tiny_config is None: declare", 0.0))
    with pytest.raises(pytest.skip.Exception, match="released_weights: none found"):
        pytest_outcome(CheckResult("released_weights", "skipped", "none found", 0.0))
    pytest_outcome(CheckResult("loads", "passed", "", 0.0))


def test_the_pytest_plugin_hands_tests_the_data_dir_and_stays_light(genhub_data_dir, tmp_path):
    expected = os.environ.get("GENHUB_DATA")
    assert genhub_data_dir == (Path(expected) if expected else None)
    probe = "import sys, genhub.pytest_plugin; print(sorted({'torch', 'gradio'} & set(sys.modules)))"
    done = run(sys.executable, "-c", probe, env=dict(os.environ), cwd=tmp_path)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
