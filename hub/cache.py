"""A dictionary that forgets its oldest entries: the bound on every cache a tab keeps."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class BoundedDict(OrderedDict):
    """A dict of at most ``maxsize`` entries; storing one more drops the least recently used.

    Reading an entry (``d[key]``, ``get``) counts as using it. Tabs cache per-request results
    (maps per anchor triple, encodings per variant) in one of these so memory stays bounded
    however many distinct requests arrive.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        super().__init__()
        self.maxsize = maxsize

    def __getitem__(self, key: Hashable) -> Any:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def get(self, key: Hashable, default: Any = None) -> Any:
        return self[key] if key in self else default

    def __setitem__(self, key: Hashable, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)
