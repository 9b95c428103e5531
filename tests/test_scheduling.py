"""Many users at once: long jobs queue apart from interactive calls, a cancelled job stops its
work, a job past its time limit is stopped, and the disk and the tabs' caches stay bounded."""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

import gradio as gr
import pytest
from gradio_client import Client

from genhub.cache import BoundedDict
from genhub.janitor import sweep
from genhub.long_jobs import LongJobs
from tests.test_hostile import call, decode


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_cancelled_generation_stops_its_work(hub_url):
    client = Client(hub_url, verbose=False, ssl_verify=False)
    job = client.submit("3", "any", 5.0, 1.0, 11, api_name="/wavenet_generate")  # ~3 s of work on one core
    deadline = time.monotonic() + 60
    while job.status().code.name != "ITERATING":
        assert time.monotonic() < deadline, "the generation never started"
        time.sleep(0.01)
    job.cancel()
    time.sleep(0.3)  # the update in progress may finish
    before = cpu_seconds(hub_url.pid)
    time.sleep(1.0)
    # Left running, the generation would use ~1 s of CPU in this second.
    assert cpu_seconds(hub_url.pid) - before < 0.35
    assert call(hub_url, *decode())[0] == "complete"


def test_long_jobs_do_not_delay_interactive_calls(hub_url):
    long_jobs = [("wavenet_generate", [str(d), "any", 3.0, 1.0, d]) for d in range(3)] + [
        ("pixelcnn_complete", ["binarized", "test digit", d, None, None, "bottom half", None, 16, 1.0, "none", d])
        for d in range(3)]
    threads = [threading.Thread(target=call, args=(hub_url, *job)) for job in long_jobs]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the long jobs are running and queued
    latencies = []
    for i in range(10):
        started = time.perf_counter()
        assert call(hub_url, *decode(0.1 * i, -0.5))[0] == "complete"
        latencies.append(time.perf_counter() - started)
    busy = any(thread.is_alive() for thread in threads)
    for thread in threads:
        thread.join(120)
    assert busy, "the long jobs finished before the decodes were timed; the test measured nothing"
    assert statistics.median(latencies) < 0.5 and max(latencies) < 1.5, latencies


def test_a_long_job_is_stopped_after_its_time_limit():
    def ticks():
        for i in range(1000):
            time.sleep(0.01)
            yield i

    started = time.monotonic()
    seen = []
    with pytest.raises(gr.Error, match="stopped after 0.1 s"):
        for tick in LongJobs(1, 0.1).wrap(ticks)():
            seen.append(tick)
    assert time.monotonic() - started < 0.5 and 5 <= len(seen) < 30


def test_the_sweep_deletes_old_files_then_the_oldest_until_under_the_cap(tmp_path):
    now = time.time()
    ages = {"stale.png": 3600, "old.png": 300, "newer.png": 200, "newest.png": 10}
    for name, age in ages.items():
        path = tmp_path / "session" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - age, now - age))
    result = sweep(tmp_path, max_age=900, max_bytes=2000, now=now)
    assert sorted(p.name for p in tmp_path.rglob("*.png")) == ["newer.png", "newest.png"]
    assert (result.files, result.removed_files, result.removed_bytes) == (4, 2, 2000)
    sweep(tmp_path, max_age=1, max_bytes=2000, now=now + 10_000)
    assert not any(tmp_path.iterdir()), "emptied folders are removed too"


def test_a_bounded_dict_forgets_the_least_recently_used():
    cache = BoundedDict(2)
    cache["a"], cache["b"] = 1, 2
    assert cache["a"] == 1  # "a" is now the most recently used
    cache["c"] = 3
    assert list(cache) == ["a", "c"]
    with pytest.raises(ValueError):
        BoundedDict(0)


def test_the_sweep_spares_a_file_rewritten_since_it_was_scanned(tmp_path, monkeypatch):
    import genhub.janitor as janitor

    path = tmp_path / "hash" / "image.webp"
    path.parent.mkdir()
    path.write_bytes(b"x")
    os.utime(path, (time.time() - 3600, time.time() - 3600))
    scanned = list(janitor._files(str(tmp_path)))
    path.write_bytes(b"x")  # the same output made again by a request, after the scan
    monkeypatch.setattr(janitor, "_files", lambda folder: iter(scanned))
    assert sweep(tmp_path, max_age=900, max_bytes=2**30).removed_files == 0 and path.exists()


def test_lazy_session_configs_match_gradios_own_sessions():
    from gradio.state_holder import SessionState

    from genhub import sessions

    with gr.Blocks() as demo:
        number = gr.Number(3, label="n")
        gr.Slider(0, 10, value=4, label="s")
    eager = SessionState(demo)
    original = SessionState.__init__
    try:
        assert sessions.lazy_session_configs()
        lazy = SessionState(demo)
    finally:
        SessionState.__init__ = original
        delattr(SessionState, sessions._PATCHED)
    assert set(vars(lazy)) == set(vars(eager)), "the same attributes as Gradio's own __init__ sets"
    assert dict.__len__(lazy.config_values) == 0, "nothing built before it is needed"
    lazy._update_value_in_config(number._id, 7)
    assert dict.__len__(lazy.config_values) == 1 and lazy.config_values[number._id]["props"]["value"] == 7
    eager._update_value_in_config(number._id, 7)
    assert list(lazy.components) == list(eager.components), "a deep link sees the whole page"
