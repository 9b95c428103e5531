"""The served page in a real browser (headless Chromium): the VAE tab draws its map, a click
on the map moves the sliders and decodes a new digit, the hub's variant selector switches to
the plane of the 32-D variant; the CGAN tab draws on opening, writes a typed number and keeps
the chosen class across variants; the PixelCNN tab completes digits; the Plugins tab lists the
plugin; an output is made again, bit for bit, by the command and the client call its tab shows."""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GENHUB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright):
    """Debian's headless Chromium through Playwright, as every browser test runs it."""
    if CHROMIUM is None:
        pytest.fail("Chromium is needed for the browser tests: `apt-get install chromium` (make test does it) "
                    "or set GENHUB_CHROMIUM to its path")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


@pytest.fixture(scope="module")
def page(hub_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(hub_url)
        # The page is ready when the first tab has drawn its map (every tab's opening work is queued
        # with it): up to a minute on a loaded 2-core machine, as in test_tab_ux's page.
        page.locator("#vae-latent-map img").first.wait_for(state="visible", timeout=60_000)
        yield page
        browser.close()


def slider_value(page, label: str) -> float:
    return float(page.get_by_label(label, exact=True).first.input_value())


def test_clicking_the_latent_map_decodes_that_point(page):
    map_image = page.locator("#vae-latent-map img").first
    digit = page.locator("#vae-digit img").first
    map_image.wait_for(state="visible", timeout=30_000)
    digit.wait_for(state="visible", timeout=30_000)
    before = digit.get_attribute("src")
    box = map_image.bounding_box()
    # The plot spans pixels 30..430 of the 460-pixel-wide picture for z in [-4, 4]²: aim at z = (2, 2).
    scale = box["width"] / 460
    page.mouse.click(box["x"] + (30 + 300) * scale, box["y"] + (30 + 100) * scale)
    page.wait_for_function("(before) => document.querySelector('#vae-digit img').src !== before", arg=before,
                           timeout=15_000)
    u = float(page.locator("#vae-u input[type=number]").input_value())
    v = float(page.locator("#vae-v input[type=number]").input_value())
    assert u == pytest.approx(2.0, abs=0.05) and v == pytest.approx(2.0, abs=0.05)


def test_dragging_a_slider_decodes_at_once(page):
    digit = page.locator("#vae-digit img").first
    before = digit.get_attribute("src")
    number = page.locator("#vae-u input[type=number]")
    number.fill("-3")
    number.press("Enter")
    page.wait_for_function("(before) => document.querySelector('#vae-digit img').src !== before", arg=before,
                           timeout=15_000)


def choose(page, dropdown: str, option: str) -> None:
    """Open the Gradio dropdown ``#dropdown`` and click the choice shown as ``option``."""
    page.locator(f"#{dropdown} input").first.click()
    page.get_by_role("option", name=option).first.click()


def test_the_hub_variant_selector_switches_the_vae_to_its_plane(page):
    digit = page.locator("#vae-digit img").first
    before = digit.get_attribute("src")
    choose(page, "vae-variant", "mnist-32d — 32-D latent, convolutional encoder/decoder (quality)")
    page.get_by_label("anchor a (test #)").wait_for(state="visible", timeout=15_000)
    page.wait_for_function("(before) => document.querySelector('#vae-digit img').src !== before", arg=before,
                           timeout=15_000)
    page.wait_for_function("() => document.querySelector('#vae-u input[type=number]').value === '0.5'",
                           timeout=15_000)  # the centre of the plane's frame [-1, 2]
    choose(page, "vae-variant", "mnist-2d — 2-D latent, MLP encoder/decoder (the latent map)")
    page.get_by_label("anchor a (test #)").wait_for(state="hidden", timeout=15_000)


def test_opening_the_cgan_tab_draws_a_grid_and_writes_a_typed_number(page):
    page.get_by_role("tab", name="CGAN digit picker").click()
    page.locator("#cgan-grid img").first.wait_for(state="visible", timeout=30_000)
    page.get_by_role("tab", name="Write a number").click()
    box = page.get_by_label("Number (digits 0-9)")
    box.fill("1987")
    box.press("Enter")
    written = page.locator("#cgan-number img").first
    written.wait_for(state="visible", timeout=30_000)
    size = page.evaluate("() => { const i = document.querySelector('#cgan-number img'); "
                         "return [i.naturalWidth, i.naturalHeight]; }")
    assert size[0] == 4 * size[1], "four digits side by side"


def test_switching_the_cgan_variant_keeps_the_chosen_class(page):
    page.get_by_role("tab", name="Pick", exact=True).click()
    choose(page, "cgan-class", "3")
    choose(page, "cgan-variant", "fashion-mnist — Fashion-MNIST, hinge loss + spectral norm, EMA generator")
    shown = "() => document.querySelector('#cgan-class input').value === 'Dress'"
    page.wait_for_function(shown, timeout=15_000)  # class 3 of Fashion-MNIST
    choose(page, "cgan-variant", "mnist — MNIST digits, hinge loss + spectral norm + class head, EMA generator")
    page.wait_for_function("() => document.querySelector('#cgan-class input').value === '3'", timeout=15_000)


def test_the_pixelcnn_tab_streams_completions_and_ranks_them(page):
    page.get_by_role("tab", name="PixelCNN completion").click()
    page.get_by_role("button", name="Complete", exact=True).click()
    page.locator("#pixelcnn-grid img").first.wait_for(state="visible", timeout=60_000)
    ranked = ("() => ((document.querySelector('#pixelcnn-table')?.innerText || '')"
              ".match(/-\\d+\\.\\d+/g) || []).length >= 16")
    page.wait_for_function(ranked, timeout=60_000)  # 8 completions × (log p, per pixel), all negative
    page.get_by_role("tab", name="VAE latent explorer").click()


def test_the_plugins_tab_lists_the_vae_as_working(page):
    page.get_by_role("tab", name="Plugins").click()
    # The tab refreshes on opening; the map test above has loaded the 2-D variant by now.
    loaded = "() => /mnist-2d[^]*\\bok\\b/.test(document.querySelector('#plugin-status')?.innerText || '')"
    page.wait_for_function(loaded, timeout=15_000)
    text = page.locator("#plugin-status").inner_text()
    assert "folder plugins/vae" in text and "ok" in text


def open_reproduce_box(page, plugin: str) -> None:
    """Open the tab's "Reproduce the last output" box (a click toggles it)."""
    if not page.locator(f"#{plugin}-reproduce-summary").is_visible():
        page.locator(f"#{plugin}-reproduce").get_by_text("Reproduce the last output").click()


def reproduce_box(page, plugin: str) -> tuple[str, str, str]:
    """What the opened box shows: (summary, Python call, command)."""
    code = "#{}-reproduce-{} .cm-content"
    return (page.locator(f"#{plugin}-reproduce-summary").inner_text(),
            page.locator(code.format(plugin, "python")).inner_text(),
            page.locator(code.format(plugin, "command")).inner_text())


def run_copied(command: str, folder: Path) -> None:
    """Run a copied ``genhub …`` command line in ``folder``, with this environment's genhub."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(shlex.split(command), cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def run_copied_python(code: str) -> object:
    """Run a copied gradio_client snippet; return its ``result``."""
    namespace: dict[str, object] = {}
    exec(code, namespace)  # noqa: S102 - the snippet the page shows, run as a user would
    return namespace["result"]


def pixels(data: bytes | Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data) if isinstance(data, bytes) else data))


def test_a_cgan_grid_is_made_again_bit_for_bit_by_its_command_and_its_client_call(page, tmp_path):
    page.get_by_role("tab", name="CGAN digit picker").click()
    page.get_by_role("tab", name="Pick", exact=True).click()
    choose(page, "cgan-class", "7")
    page.locator("#cgan-count input[type=number]").fill("16")
    page.locator("#cgan-count input[type=number]").press("Enter")
    page.locator("#cgan-seed input").fill("1234")
    page.get_by_role("button", name="Generate", exact=True).click()
    open_reproduce_box(page, "cgan")
    page.wait_for_function("() => /seed\\s*1234/.test("
                           "document.querySelector('#cgan-reproduce-summary')?.innerText || '')",
                           timeout=30_000)
    summary, python, command = reproduce_box(page, "cgan")
    assert "cgan_grid" in summary and "variant mnist" in summary and "revision" in summary and "sha256" in summary
    assert command == "genhub sample cgan --variant mnist --label 7 --count 16 --seed 1234 --nrow 10 --scale 3 " \
                      "--out grid.png"
    shown = pixels(urllib.request.urlopen(page.locator("#cgan-grid img").first.get_attribute("src")).read())

    run_copied(command, tmp_path)
    assert np.array_equal(pixels(tmp_path / "grid.png"), shown), "the command writes the very pixels shown"
    assert np.array_equal(pixels(Path(run_copied_python(python))), shown), "and so does the client call"


def test_a_wavenet_clip_is_made_again_sample_for_sample_by_its_command(page, tmp_path):
    import soundfile

    page.get_by_role("tab", name="WaveNet audio").click()
    page.locator("#wavenet-seconds input[type=number]").fill("0.25")
    page.locator("#wavenet-seconds input[type=number]").press("Enter")
    page.locator("#wavenet-seed input").fill("77")
    page.get_by_role("button", name="Say it", exact=True).click()
    open_reproduce_box(page, "wavenet")
    page.wait_for_function("() => /seed\\s*77/.test("
                           "document.querySelector('#wavenet-reproduce-summary')?.innerText || '')",
                           timeout=60_000)
    summary, python, command = reproduce_box(page, "wavenet")
    assert "wavenet_generate" in summary and "variant fsdd" in summary
    link = page.locator("#wavenet-audio a[href*='audio']").first.get_attribute("href")
    shown, rate = soundfile.read(io.BytesIO(urllib.request.urlopen(link).read()), dtype="int16")

    run_copied(command, tmp_path)
    written, written_rate = soundfile.read(tmp_path / "clip.wav", dtype="int16")
    assert written_rate == rate == 8000 and len(shown) == 2000
    assert np.array_equal(written, shown), "the command writes the very samples the player holds"
