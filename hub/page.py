"""What the hub adds to every page it serves, in any plugin's tab (`genhub.app.launch` passes
both to Gradio).

Gradio's drawing canvases (``gr.Sketchpad``, ``gr.ImageEditor``) start with no tool chosen and
the words "select the draw tool to start": a stroke draws nothing until the brush icon is
clicked. `READY_TO_DRAW` clicks each canvas's brush once, when the canvas appears (tabs and
accordions mount theirs when first opened), so every canvas is ready to draw, in any plugin's tab.
"""

READY_TO_DRAW = """
() => {
  const ready = () => {
    for (const brush of document.querySelectorAll('button[aria-label="Brush"]:not([data-genhub-ready])')) {
      brush.setAttribute('data-genhub-ready', '');
      brush.click();
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
"""CSS. When an event fails (an empty sketchpad encoded, a value out of range), Gradio covers every
output of the event with a red "Error" badge, hiding results that are still right (the latent map
under a failed encoding). The message is in the toast; the outputs keep what they showed."""
