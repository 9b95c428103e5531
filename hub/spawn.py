"""Start a server in a subprocess and wait until its page answers: for tests, benches and Space checks."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path


class ServerError(RuntimeError):
    """The server exited during start, or did not answer in time; the message ends with its log's tail."""


@contextmanager
def spawned_server(command: Sequence[str], url: str, *, cwd: Path, env: Mapping[str, str],
                   log: Path | None = None, timeout: float = 90, poll: float = 0.05) -> Iterator[tuple[int, float]]:
    """Run ``command`` until ``url`` answers HTTP 200; yield (its pid, seconds that took); stop it on exit.

    Output goes to ``log`` (None: discarded). Proxies from the environment are ignored: the
    server is local."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    started = time.perf_counter()
    with open(log, "wb") if log else open(os.devnull, "wb") as out:
        process = subprocess.Popen(list(command), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    try:
        while True:
            if process.poll() is not None:
                raise ServerError(f"{command[-1]!r} exited with {process.returncode} during start{_tail(log)}")
            if time.perf_counter() - started > timeout:
                raise ServerError(f"{url} did not answer within {timeout:.0f} s{_tail(log)}")
            try:
                if opener.open(url, timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(poll)
        yield process.pid, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def log_tail(log: Path, lines: int = 30) -> str:
    """The last ``lines`` of a server's log ("" when it cannot be read)."""
    try:
        return "\n".join(Path(log).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _tail(log: Path | None) -> str:
    return f":\n{log_tail(log)}" if log is not None else ""
