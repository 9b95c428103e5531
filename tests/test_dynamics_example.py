"""The worked example package examples/genhub-dynamics, installed the way a user installs a
third-party plugin: pip puts it (and its entry point) in a folder of its own, the hub finds it
there, serves its tab on the weights shipped inside the package, and its own tests, genhub's
contract kit among them, pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, served_hub
from tests.packages import install_package

EXAMPLE = REPO / "examples" / "genhub-dynamics"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> dict[str, str]:
    """The environment of a Python that has the example package installed (not this one)."""
    env = install_package(EXAMPLE, tmp_path_factory.mktemp("site"))
    return {**env, "GENHUB_DATA": str(data_dir), "HF_HUB_OFFLINE": "1"}


def run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, cwd=EXAMPLE.parent)


def test_the_hub_lists_the_installed_package_with_the_weights_it_ships(installed):
    done = run([sys.executable, "-m", "genhub.cli", "list"], installed)
    assert done.returncode == 0, done.stderr
    listing = done.stdout[done.stdout.index("dynamics "):]
    assert "Dynamic generation network  (package genhub-dynamics 0.1.0)" in listing.splitlines()[0], listing
    for variant in ("ode", "lstm"):
        # Found in the installed package (the pip target folder), hash-checked: not missing, not the repo's.
        assert f"weights: {installed['PYTHONPATH'].split(':')[0]}/genhub_dynamics/weights/{variant}" in listing, listing


def test_the_package_passes_its_own_tests_and_the_contract_kit(installed):
    done = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")], installed,
               timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout


def test_the_served_hub_turns_a_digit_in_the_package_tab(installed, tmp_path):
    from gradio_client import Client, handle_file
    from PIL import Image

    from genhub.imaging.grid import to_pil
    from genhub.training.data import example_digits

    digits, _ = example_digits("mnist", 1)
    to_pil(digits[0], 4).save(tmp_path / "digit.png")
    with served_hub("--plugins", "dynamics", env=installed, log=tmp_path / "serve.log") as url:
        client = Client(url, verbose=False, ssl_verify=False)
        gif, strip, _, caption = client.predict("lstm", handle_file(str(tmp_path / "digit.png")), -20.0, 24, 1.0,
                                                api_name="/dynamics_turn")
        frame = client.predict("ode", handle_file(str(tmp_path / "digit.png")), 22.5, 7.25, api_name="/dynamics_frame")
        with pytest.raises(Exception, match="frames must be"):
            client.predict("ode", handle_file(str(tmp_path / "digit.png")), 22.5, 500, 1.0, api_name="/dynamics_turn")
    with Image.open(gif) as animation:
        assert animation.n_frames == 24
    assert Image.open(strip).height > 2 * 28 and Image.open(frame).width == 2 * Image.open(frame).height
    assert "**lstm** dynamics, 24 frames" in caption and "beyond it" in caption


@pytest.mark.browser
def test_the_package_tab_shows_every_test_digit_at_1366_px(installed, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.test_browser import launch_chromium
    from tests.test_tab_ux import SCREENSHOTS, VIEWPORT, hidden_thumbnails

    with served_hub("--plugins", "dynamics", env=installed, log=tmp_path / "serve.log") as url, \
            sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url)
        page.get_by_role("tab", name="Dynamic generation network").click()
        page.locator("#dynamics-examples img").last.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dynamics.png"), full_page=True)
        shown = page.locator("#dynamics-examples .thumbnail-item").count()
        hidden = hidden_thumbnails(page, "#dynamics-examples")
        browser.close()
    assert shown >= 8 and hidden == [], f"{len(hidden)} of {shown} test digits cut off at 1366 px: {hidden}"
