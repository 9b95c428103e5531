"""genhub's pytest plugin, loaded through the ``pytest11`` entry point wherever genhub is installed.

It gives a plugin package's tests what `genhub.contract.contract_tests` needs:

- ``--genhub-data-dir DIR``: the dataset root handed to the plugin's ``train`` (default
  ``$GENHUB_DATA``, else none: the plugin makes or downloads its data itself);
- the ``genhub_data_dir`` fixture: that folder as a Path, or None;
- the ``slow`` marker, which the training checks carry (``pytest -m "not slow"`` leaves them out).

Kept light: pytest imports it in every run of an environment where genhub is installed, so it
imports neither torch nor gradio.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA_ENV = "GENHUB_DATA"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("genhub").addoption(
        "--genhub-data-dir", dest="genhub_data_dir", default=os.environ.get(DATA_ENV) or None,
        help=f"dataset root handed to a plugin's train by genhub's contract tests (default: ${DATA_ENV})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (genhub's training checks)")


@pytest.fixture(scope="session")
def genhub_data_dir(pytestconfig: pytest.Config) -> Path | None:
    """The dataset root from ``--genhub-data-dir`` / ``$GENHUB_DATA``; None when neither is set."""
    value = pytestconfig.getoption("genhub_data_dir")
    return Path(value) if value else None
