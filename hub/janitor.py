"""Keep a long-running hub's disk and memory bounded.

Gradio writes every upload and every output file (each decoded digit is a PNG) into its temp
folder and never deletes them while the server runs: 60 s of five clients uploading 18 MB images
left 1.7 GB there. `Janitor` is a daemon thread that, every ``every`` seconds, deletes the files
older than ``max_age`` seconds, then the oldest ones until the folder holds at most ``max_bytes``,
and hands freed heap memory back to the system (glibc keeps it otherwise, so resident memory only
grows under bursts of large images).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
import time
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
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (one per thread by default, up to 8 × cores): Gradio's worker
    threads each grow their own arena and memory climbs run after run. Returns False where
    there is no glibc (macOS, musl): nothing to do there."""
    libc = _libc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def trim_heap() -> None:
    """Return free heap pages to the system (glibc ``malloc_trim``); a no-op without glibc."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def sweep(folder: Path, max_age: float, max_bytes: int, now: float | None = None) -> Sweep:
    """Delete files under ``folder`` older than ``max_age`` s, then the oldest until the rest
    total ≤ ``max_bytes``; remove emptied sub-folders. Files that vanish meanwhile are skipped."""
    now = time.time() if now is None else now
    entries: list[tuple[float, int, Path]] = []
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        except OSError:
            continue
    entries.sort()
    total = sum(size for _, size, _ in entries)
    files, size_before = len(entries), total
    removed = removed_bytes = 0
    for mtime, size, path in entries:
        if now - mtime <= max_age and total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
        removed_bytes += size
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            sub.rmdir()  # only succeeds when empty
        except OSError:
            pass
    return Sweep(files, size_before, removed, removed_bytes)


class Janitor(threading.Thread):
    """A daemon thread sweeping ``folder`` (see `sweep`) and trimming the heap every ``every`` s."""

    def __init__(self, folder: Path, *, every: float = 60.0, max_age: float = 15 * 60,
                 max_bytes: int = 1 << 30) -> None:
        super().__init__(name="genhub-janitor", daemon=True)
        self.folder, self.every, self.max_age, self.max_bytes = folder, every, max_age, max_bytes
        self.last: Sweep | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.sweep_now()

    def sweep_now(self) -> Sweep | None:
        if self.folder.is_dir():
            self.last = sweep(self.folder, self.max_age, self.max_bytes)
        trim_heap()
        return self.last

    def stop(self) -> None:
        self._stop_event.set()


def janitor_from_env(folder: Path) -> Janitor:
    """A `Janitor` with ``GENHUB_CACHE_MAX_AGE`` (s, default 900), ``GENHUB_CACHE_MAX_MB``
    (default 1024) and ``GENHUB_CACHE_SWEEP_EVERY`` (s, default 60)."""
    return Janitor(folder, every=float(os.environ.get("GENHUB_CACHE_SWEEP_EVERY", 60)),
                   max_age=float(os.environ.get("GENHUB_CACHE_MAX_AGE", 900)),
                   max_bytes=int(float(os.environ.get("GENHUB_CACHE_MAX_MB", 1024)) * 2**20))
