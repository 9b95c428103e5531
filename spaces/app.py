"""Hugging Face Space entry point: the genhub app on the Space's CPU (or GPU) hardware.

`genhub spaces build` copies this file to the root of the Space next to the genhub packages,
weights and the tabs' example images (``examples/``); Spaces runs it with the Gradio SDK. It
serves the way ``genhub serve`` does (input checks, fair queues, swept uploads, tuned process):
a Space is the most public place the hub runs.

On ZeroGPU hardware the `spaces` package is imported first, before torch (ZeroGPU patches it),
and every model is moved to the GPU device at startup (`genhub.zerogpu`); each request then
borrows the GPU for a duration sized to it.
"""

import os
from pathlib import Path

try:
    import spaces  # noqa: F401 - on ZeroGPU it must come before torch
except ImportError:
    pass

os.environ.setdefault("GENHUB_EXAMPLES", str(Path(__file__).resolve().parent / "examples"))

from genhub import zerogpu  # noqa: E402 - after the spaces import and the environment above
from genhub.app import create, freeze_startup_objects, launch, tune_process  # noqa: E402
from genhub.registry import discover  # noqa: E402

tune_process()
demo, _ = create(discover(), preload=zerogpu.active())

if __name__ == "__main__":
    freeze_startup_objects()
    launch(demo, host=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
           port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
