"""Hugging Face Space entry point: the genhub app on the Space's CPU (or GPU) hardware.

`genhub spaces build` copies this file to the root of the Space next to the genhub packages and
weights; Spaces runs it with the Gradio SDK. It serves the way ``genhub serve`` does (input
checks, fair queues, swept uploads, tuned process): a Space is the most public place the hub runs.
"""

import os

from genhub.app import create, freeze_startup_objects, launch, tune_process
from genhub.registry import discover

tune_process()
demo, _ = create(discover())

if __name__ == "__main__":
    freeze_startup_objects()
    launch(demo, host=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
           port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
