"""What the hub adds to every page it serves, in any plugin's tab (`genhub.app.launch` passes
both to Gradio), and `caption`, the line a tab writes under an output.

Gradio's drawing canvases (``gr.Sketchpad``, ``gr.ImageEditor``) start with no tool chosen and
the words "select the draw tool to start": a stroke draws nothing until the brush icon is
clicked. `READY_TO_DRAW` clicks a canvas's brush whenever the canvas says so: when it appears
(tabs and accordions mount theirs when first opened) and after "Clear canvas", so every canvas
is ready to draw, in any plugin's tab.
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


KEEP_RESULTS_ON_ERROR = """
[data-testid="status-tracker"]:has(.error) { display: none !important; }
"""
CAPTION_CLASS = "genhub-caption"
CAPTIONS = f"""
.{CAPTION_CLASS} {{ font-size: var(--text-sm); color: var(--body-text-color-subdued); margin-top: -6px; }}
"""
"""CSS of `caption`."""
"""CSS. When an event fails (an empty sketchpad encoded, a value out of range), Gradio covers every
output of the event with a red "Error" badge, hiding results that are still right (the latent map
under a failed encoding). The message is in the toast; the outputs keep what they showed."""



def caption(text: str) -> Any:
    """A short line under an output saying what it shows, in the model's terms (what was sampled,
    what was conditioned on), drawn where it is called; a ``gr.Markdown`` in small, subdued text."""
    import gradio as gr

    return gr.Markdown(text, elem_classes=[CAPTION_CLASS])
