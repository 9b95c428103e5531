"""Contract tests, parametrized over every discovered built-in plugin and variant: a new
plugin folder is tested the moment it exists.

The checks themselves live in the contract kit (`genhub.contract`), which plugin packages and
``genhub check`` run too. Here every built-in plugin and the fixture translation plugin
``invert`` (so the "translate" task is tested before a built-in plugin translates) run each
tiny-config check; the released weights of every built-in variant must exist and pass the
kit's released-weights assertions.
"""

from __future__ import annotations

import pytest
import torch

from genhub.contract import (
    CHECKS,
    check_endpoints,
    check_params,
    check_released_variant,
    pytest_outcome,
    run_check,
    tab_endpoints,
)
from genhub.registry import discover
from genhub.store import ModelStore
from tests.fixtures.third_party.genhub_invert import PLUGIN as INVERT

RECORDS = discover(autoload=False)
PLUGINS = [r.plugin for r in RECORDS if r.plugin is not None]
VARIANTS = [pytest.param(p, s, id=f"{p.name}/{s.variant}") for p in PLUGINS for s in p.variants]
TINY = [pytest.param(p, id=p.name) for p in [*PLUGINS, INVERT]]
TINY_CHECKS = check_params(tuple(check for check in CHECKS if check.name != "released_weights"))
"""The released weights are tested per variant below, where missing ones fail instead of skipping."""


@pytest.mark.parametrize("record", RECORDS, ids=[r.name for r in RECORDS])
def test_every_builtin_plugin_loads(record):
    assert record.error is None, record.error
    assert record.origin == f"folder plugins/{record.name}"


@pytest.mark.parametrize("plugin,spec", VARIANTS)
def test_released_weights_load_strictly_with_a_complete_config_and_sample_repeatably(plugin, spec):
    check_released_variant(plugin, spec.variant)


@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_tab_builds_inside_blocks_on_the_released_weights(plugin):
    store = ModelStore([r for r in RECORDS if r.plugin is plugin], torch.device("cpu"))
    check_endpoints(plugin, tab_endpoints(plugin, store))


@pytest.mark.parametrize("check", TINY_CHECKS)
@pytest.mark.parametrize("plugin", TINY)
def test_the_contract_checks_pass_on_the_tiny_config(plugin, check, request, tmp_path):
    # Only training reads the datasets; the fixture fails loudly when they are missing.
    data_dir = request.getfixturevalue("data_dir") if check.trains else None
    pytest_outcome(run_check(plugin, check, data_dir=data_dir, work_dir=tmp_path))
