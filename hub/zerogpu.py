"""ZeroGPU: a plugin's model calls on the GPU a Hugging Face ZeroGPU Space lends per request.

On a ZeroGPU Space, the `spaces` package attaches a GPU only while a function decorated with
``spaces.GPU(duration=...)`` runs, for at most that many seconds; a shorter request queues
sooner, so the duration is computed from the request rather than fixed. The hub wraps every
event a plugin's tab registers in one of its queue groups (``context.events(...)``) and every
handler it runs when the tab opens (`on_gpu`). A handler declares how long it needs with
`gpu_seconds`, a function of the handler's arguments, by name::

    @gpu_seconds(lambda seconds, **_: 5 + 2 * seconds)
    def say(digit, speaker, seconds, temperature, seed, progress=gr.Progress()): ...

An undeclared handler asks for the default its caller gives (the hub: `INTERACTIVE_GPU_SECONDS`
for interactive events and open handlers, `DEFAULT_GPU_SECONDS` for long jobs), so a third-party
tab runs on ZeroGPU without doing anything.

Where `spaces` is not installed nothing is wrapped. Where it is installed but the machine is not
a ZeroGPU Space, ``spaces.GPU`` returns the function unchanged (the package's own rule). Nothing
here touches CUDA; `spaces` is imported only when a function is wrapped.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_GPU_SECONDS = 60.0
"""What a long job without `gpu_seconds` asks for: the `spaces` package's own default."""
INTERACTIVE_GPU_SECONDS = 10.0
"""What an interactive handler without `gpu_seconds` asks for: by the tab contract it answers in
milliseconds; the rest is moving the model and waking the GPU."""
MIN_GPU_SECONDS = 5.0
"""The least any request asks for: moving inputs and outputs and waking the GPU take seconds."""
MAX_GPU_SECONDS = 120.0
"""The most any request asks for; the hub stops long jobs after LONG_JOB_SECONDS (120 s) anyway."""
ESTIMATE_ATTRIBUTE = "gpu_seconds"


def gpu_seconds(estimate: Callable[..., float]) -> Callable[[F], F]:
    """Declare how many GPU seconds a call of the decorated handler needs: ``estimate`` is called
    with the handler's arguments as keywords (the values Gradio passes, after the hub's input checks;
    take the ones you need and ``**_``) and returns seconds.
    Only records it (on the function, read by `on_gpu`); the handler itself is unchanged."""
    def mark(handler: F) -> F:
        setattr(handler, ESTIMATE_ATTRIBUTE, estimate)
        return handler
    return mark


def installed() -> bool:
    """Whether the `spaces` package can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("spaces") is not None
    except ValueError:  # a module named spaces whose __spec__ is None (e.g. blocked in sys.modules)
        return False


def active() -> bool:
    """Whether this process runs on a ZeroGPU Space: `spaces` installed and ``$SPACES_ZERO_GPU``
    true, as Spaces sets it there (the package reads the same variable)."""
    return installed() and os.environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true")


def duration_of(handler: Callable[..., Any], default: float = DEFAULT_GPU_SECONDS) -> Callable[..., float]:
    """The request-sized duration for ``spaces.GPU``: the handler's `gpu_seconds` estimate (or
    ``default``), clamped to [`MIN_GPU_SECONDS`, `MAX_GPU_SECONDS`]; an estimate that
    raises or is not a finite number gives ``default``, so a bad estimate never fails a request."""
    estimate = getattr(handler, ESTIMATE_ATTRIBUTE, None)

    def seconds(*args: Any, **kwargs: Any) -> float:
        try:
            if estimate is None:
                value = default
            else:  # by name: Gradio passes a handler's gr.Progress and gr.Request positionally
                value = float(estimate(**inspect.signature(handler).bind_partial(*args, **kwargs).arguments))
        except Exception:  # noqa: BLE001 - the estimate is advice; the request must still run
            value = default
        if not math.isfinite(value):
            value = default
        return min(MAX_GPU_SECONDS, max(MIN_GPU_SECONDS, value))
    return seconds


def on_gpu(handler: F, default: float = DEFAULT_GPU_SECONDS) -> F:
    """``spaces.GPU(handler, duration=duration_of(handler, default))`` where `spaces` is installed, else
    ``handler`` itself. Call at startup, before the app is served (ZeroGPU registers functions then)."""
    if not installed():
        return handler
    import spaces

    return spaces.GPU(handler, duration=duration_of(handler, default))
