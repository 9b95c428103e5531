"""ZeroGPU (genhub.zerogpu): with the real `spaces` package installed, every event that runs a
plugin's model goes through ``spaces.GPU`` with a duration sized to the request; without the
package nothing is wrapped; and importing and building the app never touches CUDA."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from genhub.app import create
from genhub.registry import discover
from genhub.zerogpu import (
    DEFAULT_GPU_SECONDS,
    INTERACTIVE_GPU_SECONDS,
    MAX_GPU_SECONDS,
    MIN_GPU_SECONDS,
    duration_of,
    gpu_seconds,
    installed,
)

PLUGINS = ["vae", "pixelcnn", "wavenet"]
MODEL_GROUPS = {"vae:interactive", "pixelcnn:interactive", "wavenet:interactive", "long-jobs"}


@pytest.fixture
def gpu_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    """Every ``spaces.GPU(task, duration=…)`` call, recorded, then handed to the real decorator."""
    import spaces

    calls: list[tuple[Any, Any]] = []
    real = spaces.GPU

    def recording(task=None, *, duration=None, **kwargs):
        calls.append((task, duration))
        return real(task, duration=duration, **kwargs)
    monkeypatch.setattr(spaces, "GPU", recording)
    return calls


def public_fn(demo, api_name: str):
    return next(f.fn for f in demo.fns.values() if f.api_name == api_name)


def requested(duration, *args: Any) -> float:
    """The seconds the real package would ask ZeroGPU for, for a call with ``args``."""
    from spaces.zero.wrappers import static_duration

    return static_duration(duration, *args)


def test_with_spaces_installed_the_model_events_go_through_spaces_gpu_sized_by_the_request(gpu_calls):
    assert installed()
    demo, _ = create(discover(PLUGINS, autoload=False), device="cpu")
    durations = {task.__name__: duration for task, duration in gpu_calls}

    wrapped = [task for task, _ in gpu_calls]
    model_events = [f for f in demo.fns.values() if f.concurrency_id in MODEL_GROUPS]
    served = [getattr(f.fn, "__wrapped__", f.fn) for f in model_events]  # long jobs: inside the hub's time limit
    assert len(model_events) >= 9 and all(any(fn is task for task in wrapped) for fn in served), \
        "every event in a plugin's queue groups went through spaces.GPU, which off ZeroGPU returns the fn"
    status = next(f.fn for f in demo.fns.values() if f.api_name == "plugin_status")
    assert not any(status is task for task in wrapped), "the hub's own events need no GPU"

    # Gradio passes a handler's gr.Progress positionally, after the inputs.
    say = durations["say"]
    assert requested(say, "3", "theo", 0.5, 1.0, 0, object()) == pytest.approx(MIN_GPU_SECONDS + 2.0 * 0.5)
    assert requested(say, "3", "theo", 5.0, 1.0, 0, object()) == pytest.approx(MIN_GPU_SECONDS + 2.0 * 5)
    complete = durations["complete"]
    args = ["binarized", "test digit", 0, None, None, "bottom half", None]
    assert requested(complete, *args, 16, 1.0, "none", 0, object()) == pytest.approx(MIN_GPU_SECONDS + 0.5 * 16)
    assert requested(durations["decode_point"], "mnist-2d", 0.5, -1.0, 3, 2, 0) == INTERACTIVE_GPU_SECONDS
    assert requested(durations["show_map"], [0.0, 0.0]) == INTERACTIVE_GPU_SECONDS, \
        "the handlers a tab runs when it opens (the VAE map) borrow the GPU too"

    # The served functions are the handlers themselves: off ZeroGPU the package changes nothing.
    assert public_fn(demo, "wavenet_generate").__name__ == "say"


def test_without_spaces_nothing_is_wrapped(gpu_calls, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "spaces", None)  # how Python hides an installed module
    assert not installed()
    create(discover(PLUGINS, autoload=False), device="cpu")
    assert gpu_calls == []


def test_a_duration_is_the_declared_estimate_clamped_and_never_fails_a_request():
    @gpu_seconds(lambda seconds, **_: 3 * seconds)
    def handler(digit, seconds, progress=None):
        return digit

    duration = duration_of(handler, default=DEFAULT_GPU_SECONDS)
    assert duration("3", 4.0, object()) == 12.0
    assert duration("3", 0.1) == MIN_GPU_SECONDS and duration("3", 1e6) == MAX_GPU_SECONDS
    assert duration("3", float("nan")) == DEFAULT_GPU_SECONDS, "a NaN estimate asks for the default"
    assert duration("3", "not a number") == DEFAULT_GPU_SECONDS, "an estimate that raises asks for the default"
    assert duration_of(lambda x: x, default=INTERACTIVE_GPU_SECONDS)(1) == INTERACTIVE_GPU_SECONDS
    assert handler("7", 1.0) == "7", "declaring an estimate leaves the handler as it was"


def test_importing_and_building_the_app_never_touches_cuda():
    """On ZeroGPU, CUDA may be initialised only inside a spaces.GPU function: the hub and every
    plugin import, register and build their tabs with every CUDA entry point booby-trapped."""
    script = """
import torch
def touched(*args, **kwargs):
    raise AssertionError("CUDA touched")
for name in ("is_available", "init", "_lazy_init", "device_count", "current_device", "set_device", "synchronize"):
    setattr(torch.cuda, name, touched)
import genhub.app
from genhub.registry import discover
from genhub.store import ModelStore
records = discover()
assert all(r.plugin is not None for r in records), [r.error for r in records]
genhub.app.build_app(records, ModelStore(records, torch.device("cpu")))
print("ok", len(records))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok")
