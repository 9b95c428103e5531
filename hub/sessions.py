"""Cheaper Gradio sessions: each component's config is built when the session first needs it.

Gradio 6.31 builds, for every new session, a copy of every component's config (for deep links):
here 153 components, 25 ms of the server's one Python core, 830 objects and 266 KB per session,
kept for up to ``state_session_capacity`` sessions. A burst of new visitors then stalls every
request, and the kept configs make each full garbage collection slower as visitors accumulate.
`lazy_session_configs` makes that copy lazy: a session builds the config of a component when an
event reads or updates it, and all the others only when a deep link asks for the whole page.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from copy import copy
from typing import Any

from gradio import state_holder

_PATCHED = "_genhub_lazy_configs"


class LazyConfigs(dict):
    """``SessionState.config_values``: block id -> config, computed on first use.

    Gradio reads it three ways: ``key in configs`` then ``configs[key] = …`` for one block
    (`_update_value_in_config`), ``configs[key] = …`` after an update, and ``.items()`` for a
    deep link, which needs every block: `items` (and iteration) first builds the missing ones.
    """

    def __init__(self, blocks_config: Any, ids: Iterable[int]) -> None:
        super().__init__()
        self._blocks_config = blocks_config
        self._missing = list(ids)

    def _complete(self) -> None:
        for key in self._missing:
            if not dict.__contains__(self, key):
                dict.__setitem__(self, key, self._blocks_config.config_for_block(
                    key, [], self._blocks_config.blocks[key]))
        self._missing = []

    def items(self):  # type: ignore[override]
        self._complete()
        return super().items()

    def values(self):  # type: ignore[override]
        self._complete()
        return super().values()

    def keys(self):  # type: ignore[override]
        self._complete()
        return super().keys()

    def __iter__(self):
        self._complete()
        return super().__iter__()

    def __len__(self) -> int:
        self._complete()
        return super().__len__()


def lazy_session_configs() -> bool:
    """Make new Gradio sessions build component configs lazily (see module doc); idempotent.

    Returns False, changing nothing, when Gradio's ``SessionState`` is not the one this was
    written against (it no longer has ``config_values``), so an upgrade degrades to Gradio's
    own behaviour instead of breaking."""
    session_class = state_holder.SessionState
    if getattr(session_class, _PATCHED, False):
        return True
    original = session_class.__init__
    if "config_values" not in original.__code__.co_names:
        return False

    def __init__(self, blocks: Any) -> None:
        self.blocks_config = copy(blocks.default_config)
        self.config_values = LazyConfigs(self.blocks_config,
                                         [k for k in self.blocks_config.blocks if k in blocks.blocks])
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600

    session_class.__init__ = __init__
    setattr(session_class, _PATCHED, True)
    return True
