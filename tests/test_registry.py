"""Discovery: built-in folders and third-party entry points take the same path; a plugin
that fails, exits or hangs at import, or takes a name already taken, becomes an error record
of its own while the others load."""

from __future__ import annotations

import re
import time

import pytest
from PIL import Image

from genhub.registry import (
    IMPORT_TIMEOUT_ENV,
    NO_AUTOLOAD_ENV,
    PLUGINS_ENV,
    STARTUP_HINT,
    clash_name,
    discover,
    entry_point_sources,
    import_timeout,
)
from tests.conftest import THIRD_PARTY, served_hub, write_entry_points


def names(records):
    return [r.name for r in records]


def test_builtin_folders_are_discovered_as_plugins():
    records = discover(autoload=False)
    assert "vae" in names(records)
    vae = next(r for r in records if r.name == "vae")
    assert vae.plugin is not None and vae.plugin.title == "VAE latent explorer"
    assert vae.origin == "folder plugins/vae"


def test_entry_point_plugins_load_with_their_package_and_version(install_plugins):
    install_plugins({"tiny": "genhub_tiny:PLUGIN"})
    records = discover()
    tiny = next(r for r in records if r.name == "tiny")
    assert tiny.error is None and tiny.plugin.name == "tiny"
    assert tiny.origin == "package genhub_test_plugins 0.1.0"
    assert names(records).index("vae") < names(records).index("tiny"), "built-ins come first"


def test_wrong_exports_and_names_are_reported(install_plugins):
    install_plugins({"notaplugin": "genhub_tiny:COMMIT", "renamed": "genhub_tiny:PLUGIN"})
    records = {r.name: r for r in discover()}
    assert "exports str, not a genhub.plugin.Plugin" in records["notaplugin"].error
    assert "its Plugin is named 'tiny'" in records["renamed"].error


def test_selection_loads_only_the_named_plugins(install_plugins, monkeypatch):
    install_plugins({"tiny": "genhub_tiny:PLUGIN", "broken": "genhub_broken:PLUGIN"})
    assert names(discover("tiny")) == ["tiny"]
    monkeypatch.setenv(PLUGINS_ENV, "vae, tiny")
    assert names(discover()) == ["vae", "tiny"], "the broken plugin is not even imported"
    with pytest.raises(ValueError, match="unknown plugin.*nope.*available: .*tiny"):
        discover("nope")


def test_the_autoload_switch_skips_third_party_plugins(install_plugins, monkeypatch):
    install_plugins({"broken": "genhub_broken:PLUGIN", "tiny": "genhub_tiny:PLUGIN"})
    monkeypatch.setenv(NO_AUTOLOAD_ENV, "1")
    builtin = names(discover())
    assert "vae" in builtin and "tiny" not in builtin and "broken" not in builtin
    assert names(discover("vae,tiny")) == ["vae", "tiny"], "naming a plugin still loads it"


def test_tabs_follow_the_plugins_order_and_broken_plugins_go_last(install_plugins):
    install_plugins({"broken": "genhub_broken:PLUGIN", "tiny": "genhub_tiny:PLUGIN"})
    records = discover()
    orders = [r.plugin.order for r in records if r.plugin]
    assert orders == sorted(orders) and names(records)[0] == "vae"
    assert names(records)[-1] == "broken" and records[-1].plugin is None


# Startup isolation: whatever a third-party plugin does at import, the hub starts with the others.

IMPORT_FAILURES = {  # entry point name -> (target, what its error says)
    "broken": ("genhub_broken:PLUGIN", "ModuleNotFoundError: No module named 'genhub_dependency_that_does_not_exist'"),
    "exits": ("genhub_exits:PLUGIN", "importing the plugin called sys.exit(3)"),
    "hangs": ("genhub_hangs:PLUGIN", "importing the plugin took longer than 1.5 s"),
}
TIMEOUT_S = 1.5


@pytest.fixture
def short_import_timeout(monkeypatch):
    """Import the built-ins first with the default limit (a cold torch import may take longer
    than the short one), then make the limit short."""
    discover(autoload=False)
    monkeypatch.setenv(IMPORT_TIMEOUT_ENV, str(TIMEOUT_S))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", list(IMPORT_FAILURES))
def test_a_plugin_that_fails_exits_or_hangs_at_import_is_isolated(install_plugins, short_import_timeout, name):
    target, fragment = IMPORT_FAILURES[name]
    install_plugins({"tiny": "genhub_tiny:PLUGIN", name: target})
    started = time.monotonic()
    records = {r.name: r for r in discover()}
    elapsed = time.monotonic() - started
    assert records[name].plugin is None and fragment in records[name].error
    assert records["tiny"].plugin is not None and records["vae"].plugin is not None, "the others load"
    assert elapsed < TIMEOUT_S + 3, f"discovery took {elapsed:.1f} s"
    if name == "hangs":
        assert elapsed >= TIMEOUT_S and "time.sleep(3600)" in records[name].error, "it shows where the import waits"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_bad_import_timeout_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(IMPORT_TIMEOUT_ENV, value)
    with pytest.raises(ValueError, match=f"{IMPORT_TIMEOUT_ENV} must be a positive number"):
        import_timeout()


@pytest.mark.parametrize("packages,owner", [
    ({"genhub_test_plugins": {"vae": "genhub_tiny:PLUGIN"}}, "the built-in plugin (folder plugins/vae)"),
    ({"genhub_a": {"tiny": "genhub_tiny:PLUGIN"}, "genhub_b": {"tiny": "genhub_tiny:PLUGIN"}},
     "the package genhub_a 0.1.0 plugin"),
])
def test_a_taken_name_keeps_its_plugin_and_the_newcomer_gets_its_own_error_record(
        install_plugins, packages, owner):
    site = install_plugins({})
    for dist, eps in packages.items():
        write_entry_points(site, eps, dist=dist)
    (name,) = {n for eps in packages.values() for n in eps}
    records = discover()
    by_name = {r.name: r for r in records}  # how the model store and the tab ids key them
    assert len(by_name) == len(records), "every record has its own name"
    assert by_name[name].plugin is not None and by_name[name].plugin.name == name
    (clash,) = [r for r in records if r.error]
    assert clash.name != name and re.fullmatch(r"[a-z0-9_-]+", clash.name), "a distinct name, safe as a tab id"
    assert clash.name.startswith(f"{name}--genhub-") and clash.name == clash_name(
        next(s for s in entry_point_sources() if s.origin == clash.origin))
    assert f"already taken by {owner}" in clash.error and "Rename its entry point" in clash.error
    assert [r.name for r in discover()] == names(records), "the same name at every start"


def test_every_startup_failure_says_how_to_start_without_third_party_plugins(install_plugins, short_import_timeout):
    install_plugins({**{name: target for name, (target, _) in IMPORT_FAILURES.items()}, "vae": "genhub_tiny:PLUGIN",
                     "notaplugin": "genhub_tiny:COMMIT", "renamed": "genhub_tiny:PLUGIN"})
    errors = {r.name: r.error for r in discover() if r.error}
    assert sorted(errors) == sorted([*IMPORT_FAILURES, "vae--genhub-test-plugins", "notaplugin", "renamed"])
    for name, error in errors.items():
        assert STARTUP_HINT in error, name
        assert "genhub serve --no-plugin-autoload" in error and f"{NO_AUTOLOAD_ENV}=1" in error, name


@pytest.mark.slow
def test_the_served_hub_answers_despite_plugins_that_exit_hang_or_take_a_builtin_name(tmp_path, data_dir):
    site = write_entry_points(tmp_path / "site", {"exits": "genhub_exits:PLUGIN", "hangs": "genhub_hangs:PLUGIN",
                                                  "vae": "genhub_tiny:PLUGIN"})
    # 5 s: room for the built-ins even where torch imports cold, and a short wait for "hangs".
    env = {"PYTHONPATH": f"{site}:{THIRD_PARTY}", "HF_HOME": str(tmp_path / "hf"), "GENHUB_DATA": str(data_dir),
           IMPORT_TIMEOUT_ENV: "5"}
    with served_hub(env=env, log=tmp_path / "serve.log") as url:  # served_hub waits for HTTP 200
        from gradio_client import Client

        client = Client(url, verbose=False, ssl_verify=False)
        image = client.predict("mnist-2d", 0.5, -1.0, 3, 2, 0, api_name="/vae_decode")
        assert image.endswith(".png") and Image.open(image).size == (224, 224), "the built-in VAE still serves"
        status = client.predict(api_name="/plugin_status")
        assert {"exits", "hangs", "vae--genhub-test-plugins"} <= {row[0] for row in status["data"]}
