"""A local stand-in for the Hugging Face Hub's file endpoint, so that the real
``huggingface_hub.hf_hub_download`` can fill a real cache without internet.

It answers ``HEAD`` and ``GET /{owner}/{name}/resolve/{revision}/{filename}`` from
``tests/fixtures/hub_repos/{owner}/{name}/{filename}`` with the headers the client reads
(``X-Repo-Commit``, ``ETag``, ``Content-Length``), and counts requests per file name.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPOS = Path(__file__).parent / "fixtures" / "hub_repos"


class LocalHub:
    def __init__(self, commit: str, repos: Path = REPOS, tags: tuple[str, ...] = ("v1", "v2")) -> None:
        """``commit`` answers every file; so do ``main`` and the tags (the releases' pinned revisions)."""
        self.commit, self.repos, self.tags = commit, repos, tags
        self.requests: Counter[str] = Counter()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def _file(self) -> Path | None:
                parts = self.path.split("?")[0].strip("/").split("/")
                if len(parts) < 5 or parts[2] != "resolve":
                    return None
                owner, name, _, revision, *filename = parts
                hub.requests["/".join(filename)] += 1
                if revision not in {hub.commit, "main", *hub.tags}:
                    return None
                path = hub.repos / owner / name / "/".join(filename)
                return path if path.is_file() else None

            def _headers(self, path: Path | None) -> None:
                if path is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("X-Repo-Commit", hub.commit)
                self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()

            def do_HEAD(self) -> None:  # noqa: N802
                self._headers(self._file())

            def do_GET(self) -> None:  # noqa: N802
                path = self._file()
                self._headers(path)
                if path is not None:
                    self.wfile.write(path.read_bytes())

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalHub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
