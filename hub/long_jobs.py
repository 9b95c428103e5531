"""Long jobs (PixelCNN completions, WaveNet clips): generators that take seconds.

`LongJobs.wrap` turns a plugin's long generator into one that (1) advances it on a small pool of
threads of its own whose OS priority is lowered, so on a busy machine the cores go to the
interactive calls first and the long jobs take what is left, and (2) stops it with ``gr.Error``
once it has run past a time limit. The work between two updates is never interrupted: a long job
should update often (every row, every quarter second of audio), and a cancelled one then stops at
its next update, because nobody asks for it.
"""

from __future__ import annotations

import contextvars
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import gradio as gr

NICENESS = 10
"""How much lower than the server's the long-job threads' priority is (Linux ``nice``)."""
_DONE = object()


def lower_thread_priority(niceness: int = NICENESS) -> bool:
    """Lower the calling thread's scheduling priority (Linux: per thread); False where the OS
    does not allow it, which changes nothing but the order in which busy cores are shared."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):
        return False
    return True


class LongJobs:
    """Runs long generators on ``slots`` low-priority threads, each for at most ``seconds``."""

    def __init__(self, slots: int, seconds: float) -> None:
        self.seconds = seconds
        self.pool = ThreadPoolExecutor(slots, thread_name_prefix="genhub-long-job",
                                       initializer=lower_thread_priority)

    def wrap(self, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """A generator function with ``fn``'s signature (Gradio reads it through ``__wrapped__``
        for ``gr.Progress`` defaults) whose updates are computed on this pool."""
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Iterator[Any]:
            deadline = time.monotonic() + self.seconds
            steps = fn(*args, **kwargs)
            while True:
                # The step runs in the caller's context: Gradio's progress and event ids live there.
                context = contextvars.copy_context()
                update = self.pool.submit(context.run, next, steps, _DONE).result()
                if update is _DONE:
                    return
                yield update
                if time.monotonic() > deadline:
                    steps.close()
                    raise gr.Error(f"stopped after {self.seconds:g} s, this demo's limit for one request; "
                                   f"ask for less (fewer samples, a shorter clip)")
        return run
