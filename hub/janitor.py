"""Keep a long-running hub's disk and memory bounded.

Gradio writes every upload and every output file (each decoded digit is a PNG) into its temp
folder and never deletes them while the server runs: 60 s of five clients uploading 18 MB images
left 1.7 GB there. `Janitor` is a daemon thread that, every ``every`` seconds, deletes the files
older than ``max_age`` seconds, then the oldest ones until the folder holds at most ``max_bytes``.

Memory: glibc gives every thread its own malloc arena (up to 8 per core), and resident memory
climbs with each burst of Gradio worker threads; `limit_malloc_arenas` caps them. (Calling
``malloc_trim`` on a schedule was tried and dropped: on a 1 GB heap one call holds the allocator
for 70-330 ms, a stall every request in flight feels.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

M_ARENA_MAX = -8
"""glibc's mallopt parameter: how many malloc arenas threads may create."""


@dataclass(frozen=True)
class Sweep:
    """What one pass found and removed."""

    files: int
    bytes: int
    removed_files: int
    removed_bytes: int


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") else None


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (one per thread by default, up to 8 × cores): Gradio's worker
    threads each grow their own arena and memory climbs run after run. Returns False where
    there is no glibc (macOS, musl): nothing to do there."""
    libc = _libc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def _files(folder: str) -> Iterator[tuple[float, int, str]]:
    """(mtime, bytes, path) of every file under ``folder``, by ``os.scandir`` (several times
    faster than ``Path.rglob``, which matters with thousands of cached outputs)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path)
            elif entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                yield stat.st_mtime, stat.st_size, entry.path
        except OSError:
            continue


def sweep(folder: Path, max_age: float, max_bytes: int, now: float | None = None) -> Sweep:
    """Delete files under ``folder`` older than ``max_age`` s, then the oldest until the rest
    total ≤ ``max_bytes``; remove the sub-folders this empties. Files that vanish meanwhile are
    skipped."""
    now = time.time() if now is None else now
    entries = sorted(_files(str(folder)))
    total = sum(size for _, size, _ in entries)
    files, size_before = len(entries), total
    removed = removed_bytes = 0
    for mtime, size, path in entries:
        if now - mtime <= max_age and total <= max_bytes:
            break
        try:
            # Gradio names outputs by content hash: a request may have just rewritten this very
            # file for a client that is about to fetch it. Only a file untouched since the scan goes.
            if os.stat(path).st_mtime != mtime:
                continue
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed += 1
        removed_bytes += size
        parent = os.path.dirname(path)
        if parent != str(folder):
            try:
                os.rmdir(parent)  # Gradio keeps one file per hash-named folder; only succeeds when empty
            except OSError:
                pass
    return Sweep(files, size_before, removed, removed_bytes)


class Janitor(threading.Thread):
    """A daemon thread sweeping ``folder`` (see `sweep`) every ``every`` s."""

    def __init__(self, folder: Path, *, every: float = 60.0, max_age: float = 15 * 60,
                 max_bytes: int = 1 << 30) -> None:
        super().__init__(name="genhub-janitor", daemon=True)
        self.folder, self.every, self.max_age, self.max_bytes = folder, every, max_age, max_bytes
        self._stop_event = threading.Event()

    def run(self) -> None:
        from genhub.long_jobs import lower_thread_priority

        lower_thread_priority()  # housekeeping yields the cores to requests
        while not self._stop_event.wait(self.every):
            self.sweep_now()

    def sweep_now(self) -> Sweep | None:
        return sweep(self.folder, self.max_age, self.max_bytes) if self.folder.is_dir() else None

    def stop(self) -> None:
        self._stop_event.set()


def janitor_from_env(folder: Path) -> Janitor:
    """A `Janitor` with ``GENHUB_CACHE_MAX_AGE`` (s, default 900), ``GENHUB_CACHE_MAX_MB``
    (default 1024) and ``GENHUB_CACHE_SWEEP_EVERY`` (s, default 60)."""
    return Janitor(folder, every=float(os.environ.get("GENHUB_CACHE_SWEEP_EVERY", 60)),
                   max_age=float(os.environ.get("GENHUB_CACHE_MAX_AGE", 900)),
                   max_bytes=int(float(os.environ.get("GENHUB_CACHE_MAX_MB", 1024)) * 2**20))
