"""Discovery: built-in folders and third-party entry points take the same path; a plugin
that fails to import becomes an error record while the others load."""

from __future__ import annotations

import pytest

from hub.registry import NO_AUTOLOAD_ENV, PLUGINS_ENV, discover


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


def test_a_plugin_that_raises_at_import_is_isolated(install_plugins):
    install_plugins({"tiny": "genhub_tiny:PLUGIN", "broken": "genhub_broken:PLUGIN"})
    records = {r.name: r for r in discover()}
    assert records["broken"].plugin is None
    assert "ModuleNotFoundError" in records["broken"].error
    assert "genhub_dependency_that_does_not_exist" in records["broken"].error
    assert NO_AUTOLOAD_ENV in records["broken"].error, "the error says how to start without it"
    assert records["tiny"].plugin is not None and records["vae"].plugin is not None


def test_wrong_exports_and_names_are_reported(install_plugins):
    install_plugins({"notaplugin": "genhub_tiny:COMMIT", "renamed": "genhub_tiny:PLUGIN"})
    records = {r.name: r for r in discover()}
    assert "exports str, not a hub.plugin.Plugin" in records["notaplugin"].error
    assert "its Plugin is named 'tiny'" in records["renamed"].error


def test_a_third_party_plugin_cannot_take_a_builtin_name(install_plugins):
    install_plugins({"vae": "genhub_tiny:PLUGIN"})
    records = discover()
    vaes = [r for r in records if r.name == "vae"]
    assert vaes[0].plugin is not None and vaes[0].origin == "folder plugins/vae"
    assert "already taken by folder plugins/vae" in vaes[1].error


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
