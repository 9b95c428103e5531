"""Hugging Face Space entry point: the genhub app on the Space's CPU (or GPU) hardware.

`spaces/build.py` copies this file to the root of the Space next to the genhub packages and
weights; Spaces runs it with the Gradio SDK.
"""

from hub.app import create
from hub.registry import discover

demo, _ = create(discover())

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=4).launch(max_file_size="20mb", show_error=True)
