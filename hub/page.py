"""What the hub adds to every page it serves, in any plugin's tab (`genhub.app.launch` passes
both to Gradio), and `caption`, the line a tab writes under an output.

Gradio's drawing canvases (``gr.Sketchpad``, ``gr.ImageEditor``) start with no tool chosen and
the words "select the draw tool to start": a stroke draws nothing until the brush icon is
clicked. `READY_TO_DRAW` clicks a canvas's brush whenever the canvas says so: when it appears
(tabs and accordions mount theirs when first opened) and after "Clear canvas", so every canvas
is ready to draw, in any plugin's tab.

`DRAG_TO_SELECT` lets a person drag over an image instead of clicking it point by point: inside
an element with the class `DRAG_SELECT_CLASS`, moving the pointer with the button held sends the
image a click where the pointer is, at most every `DRAG_INTERVAL_MS`, so the image's ``.select``
handler runs along the path (give it ``trigger_mode="always_last"``: a slow handler then skips
to the newest point instead of queueing every one). `PAGE_JS` runs both.
"""

from __future__ import annotations

from typing import Any

READY_TO_DRAW = """
() => {
  const hint = 'select the draw tool to start';
  const ready = () => {
    for (const brush of document.querySelectorAll('button[aria-label="Brush"]')) {
      const editor = brush.closest('.block');
      if (editor && editor.textContent.includes(hint)) brush.click();
    }
  };
  let pending = false;
  new MutationObserver(() => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; ready(); });
    }
  }).observe(document.body, { childList: true, subtree: true });
  ready();
}
"""


DRAG_SELECT_CLASS = "genhub-drag-select"
DRAG_INTERVAL_MS = 60
DRAG_TO_SELECT = """
() => {
  let dragging = null, last = 0, timer = null, pending = null;
  // The container, not the <img>: a handler that redraws the image may replace the element mid-drag.
  const send = () => {
    timer = null;
    const img = pending && pending[0].querySelector('img');
    if (!img) return;
    const [, x, y] = pending;
    pending = null;
    last = performance.now();
    img.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
  };
  const containerOf = (target) => target?.tagName === 'IMG' ? target.closest('.CLASS') : null;
  document.addEventListener('dragstart', (e) => { if (containerOf(e.target)) e.preventDefault(); }, true);
  document.addEventListener('pointerdown', (e) => {
    const container = containerOf(e.target);
    if (container && e.button === 0) dragging = container;
  }, true);
  document.addEventListener('pointermove', (e) => {
    if (!dragging || !(e.buttons & 1)) { dragging = null; return; }
    const img = dragging.querySelector('img');
    if (!img) return;
    const box = img.getBoundingClientRect();
    if (e.clientX < box.left || e.clientX > box.right || e.clientY < box.top || e.clientY > box.bottom) return;
    pending = [dragging, e.clientX, e.clientY];
    const wait = INTERVAL - (performance.now() - last);
    if (wait <= 0) send(); else if (!timer) timer = setTimeout(send, wait);
  }, true);
  document.addEventListener('pointerup', () => { dragging = null; }, true);
}
""".replace("CLASS", DRAG_SELECT_CLASS).replace("INTERVAL", str(DRAG_INTERVAL_MS))
PAGE_JS = f"""
() => {{
  ({READY_TO_DRAW.strip()})();
  ({DRAG_TO_SELECT.strip()})();
}}
"""
"""The page's JavaScript: what `genhub.app.launch` hands Gradio."""


KEEP_RESULTS_ON_ERROR = """
[data-testid="status-tracker"]:has(.error) { display: none !important; }
"""
"""CSS. When an event fails (an empty sketchpad encoded, a value out of range), Gradio covers every
output of the event with a red "Error" badge, hiding results that are still right (the latent map
under a failed encoding). The message is in the toast; the outputs keep what they showed."""
SILENT_AUDIO_CLASS = "genhub-silent-audio"
SILENT_AUDIO = f"""
.{SILENT_AUDIO_CLASS} .waveform-container {{ position: relative; }}
.{SILENT_AUDIO_CLASS} .waveform-container > * {{ opacity: 0; }}
.{SILENT_AUDIO_CLASS} .waveform-container::after {{
  content: "silent"; position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  color: var(--body-text-color-subdued); font-size: var(--text-sm); border-top: 1px solid var(--border-color-primary);
  border-bottom: 1px solid var(--border-color-primary); margin: auto 0; height: 0;
}}
"""
"""CSS. Gradio's audio player scales its waveform to the loudest sample, so a silent clip (a hiss far
below hearing) is drawn as full-height bars. A tab gives its player this class when the clip is
silent (a private follow-up step returns ``gr.update(elem_classes=[SILENT_AUDIO_CLASS])``; an update
from the endpoint itself would reach API clients as a dict instead of the file): the bars give way to a flat line
marked "silent"; the clip still plays and downloads."""
CAPTION_CLASS = "genhub-caption"
CAPTIONS = f"""
.{CAPTION_CLASS} {{ font-size: var(--text-sm); color: var(--body-text-color-subdued); margin-top: -6px; }}
"""
"""CSS of `caption`."""
THUMBNAILS_CLASS = "genhub-thumbnails"
THUMBNAILS = f"""
.{THUMBNAILS_CLASS} .grid-container {{
  grid-template-columns: repeat(var(--grid-cols), minmax(0, 1fr)) !important;
  grid-template-rows: none !important; grid-auto-rows: auto !important;
}}
.{THUMBNAILS_CLASS} .grid-wrap {{
  overflow: visible !important; height: auto !important; min-height: 0 !important; max-height: none !important;
  padding-top: calc(var(--size-2) + 1.6em);
}}
"""
"""CSS. Gradio's gallery gives every column at least 100 px, so eight columns in half a 1366 px page
run off its side and the last pictures are cut off. A gallery of small pictures to click (test
examples) takes this class: its ``columns`` share the width, however narrow, and every row shows
without scrolling, below the gallery's label and with no empty space under them. Give the gallery
``height="auto"``."""


def caption(text: str) -> Any:
    """A short line under an output saying what it shows, in the model's terms (what was sampled,
    what was conditioned on), drawn where it is called; a ``gr.Markdown`` in small, subdued text."""
    import gradio as gr

    return gr.Markdown(text, elem_classes=[CAPTION_CLASS])
