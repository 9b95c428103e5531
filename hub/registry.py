"""Discover plugins: the folders under ``plugins/`` and the entry-point group ``genhub.plugins``.

Built-in folders and installed packages become the same `PluginSource` and go through the
same `load_source`, so a built-in plugin is loaded exactly like a third-party one. Loading
never raises: a plugin that fails to import, exits, hangs at import, clashes with another
plugin's name or breaks the contract becomes a `PluginRecord` with ``error`` set, and the
hub shows that error in the plugin's own tab. Every record has its own ``name``, which the
hub uses as the tab id and the model store's key.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from genhub.plugin import ENTRY_POINT_GROUP, Plugin

PLUGINS_ENV = "GENHUB_PLUGINS"
NO_AUTOLOAD_ENV = "GENHUB_DISABLE_PLUGIN_AUTOLOAD"
IMPORT_TIMEOUT_ENV = "GENHUB_PLUGIN_IMPORT_TIMEOUT"
DEFAULT_IMPORT_TIMEOUT_S = 20.0
BUILTIN_PACKAGE = "genhub.plugins"

STARTUP_HINT = (
    f"To start the hub without third-party plugins: `genhub serve --no-plugin-autoload` "
    f"(or set {NO_AUTOLOAD_ENV}=1); to load only some plugins: `genhub serve --plugins <others>`."
)
"""How to start without the plugin at fault; ends every startup failure message."""


@dataclass(frozen=True)
class PluginSource:
    """Somewhere a plugin can be loaded from, before anything of it is imported."""

    name: str
    origin: str
    """``"folder plugins/vae"`` or ``"package genhub-foo 0.2.0"``."""
    load: Callable[[], object]
    """Imports the module and returns its ``PLUGIN`` object."""
    builtin: bool
    package: str | None = None
    """The distribution declaring the entry point (its module when unknown); None for built-ins."""


@dataclass(frozen=True)
class PluginRecord:
    """A discovered plugin: loaded (``plugin`` set) or broken (``error`` set), never both."""

    name: str
    origin: str
    plugin: Plugin | None = None
    error: str | None = None

    @property
    def title(self) -> str:
        return self.plugin.title if self.plugin else f"{self.name} (error)"


def folder_sources(package: str = BUILTIN_PACKAGE) -> list[PluginSource]:
    """One source per sub-package of ``package`` (``plugins/<name>/__init__.py``).

    Folders whose names start with ``_`` or ``.`` are skipped (templates, caches).
    """
    pkg = importlib.import_module(package)
    sources = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith(("_", ".")):
            continue
        module = f"{package}.{info.name}"
        sources.append(PluginSource(
            name=info.name,
            origin=f"folder {Path(info.module_finder.path).name}/{info.name}",
            load=_attribute_loader(module, "PLUGIN"),
            builtin=True,
        ))
    return sources


def entry_point_sources(group: str = ENTRY_POINT_GROUP) -> list[PluginSource]:
    """One source per entry point in ``group`` of the installed distributions, in name order
    (ties by distribution name, so which of two same-named plugins loads does not depend on
    the order the file system lists them in)."""
    sources = []
    for ep in entry_points(group=group):
        dist = getattr(ep, "dist", None)
        origin = f"package {dist.name} {dist.version}" if dist else f"entry point {ep.value}"
        package = dist.name if dist else ep.module
        sources.append(PluginSource(name=ep.name, origin=origin, load=ep.load, builtin=False, package=package))
    return sorted(sources, key=lambda s: (s.name, s.package or ""))


def _attribute_loader(module: str, attribute: str) -> Callable[[], object]:
    def load() -> object:
        return getattr(importlib.import_module(module), attribute)
    return load


def parse_selection(value: str | Iterable[str] | None) -> list[str] | None:
    """``"vae, cgan"`` or ``["vae", "cgan"]`` -> ``["vae", "cgan"]``; empty or None -> None (all)."""
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip() for n in names if n.strip()]
    return names or None


def import_timeout() -> float:
    """Seconds one plugin's import may take: ``$GENHUB_PLUGIN_IMPORT_TIMEOUT``, else 20.

    Raises ValueError unless the value is a positive, finite number of seconds.
    """
    value = os.environ.get(IMPORT_TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_IMPORT_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds < math.inf):
        raise ValueError(f"{IMPORT_TIMEOUT_ENV} must be a positive number of seconds, got {value!r}")
    return seconds


def discover(
    select: str | Iterable[str] | None = None,
    *,
    autoload: bool | None = None,
    package: str = BUILTIN_PACKAGE,
    group: str = ENTRY_POINT_GROUP,
) -> list[PluginRecord]:
    """Load the plugins to serve, built-ins first, then third-party ones, each in name order.

    Args:
        select: plugin names to load (default ``$GENHUB_PLUGINS``, else all). Unselected
            plugins are not even imported, so naming the good ones starts a hub whose other
            plugins break at import.
        autoload: load third-party entry points that are not named in ``select``
            (default: on unless ``$GENHUB_DISABLE_PLUGIN_AUTOLOAD`` is set).
        package, group: where to look (tests point these elsewhere).

    Each import gets `import_timeout` seconds. The records' names are unique: a built-in
    keeps its name, and a third-party plugin registered under a name already taken becomes
    an error record named by `clash_name` instead.

    Raises ValueError when ``select`` names a plugin that exists nowhere, or when
    ``$GENHUB_PLUGIN_IMPORT_TIMEOUT`` is not a positive number.
    """
    names = parse_selection(select if select is not None else os.environ.get(PLUGINS_ENV))
    if autoload is None:
        autoload = os.environ.get(NO_AUTOLOAD_ENV, "").lower() not in {"1", "true", "yes"}
    timeout = import_timeout()
    builtin = folder_sources(package)
    third_party = entry_point_sources(group)
    known = {s.name for s in builtin + third_party}
    if names is not None and (unknown := [n for n in names if n not in known]):
        raise ValueError(f"unknown plugin(s) {', '.join(unknown)}; available: {', '.join(sorted(known)) or 'none'}")

    records: list[PluginRecord] = []
    taken: dict[str, PluginSource] = {}
    # Built-ins come first, so a built-in always keeps its name against any package.
    for source in builtin + third_party:
        if names is not None and source.name not in names:
            continue
        if names is None and not source.builtin and not autoload:
            continue
        if source.name in taken:
            used = known | {r.name for r in records}
            records.append(_clash_record(source, taken[source.name], clash_name(source, used)))
            continue
        taken[source.name] = source
        records.append(load_source(source, timeout))
    # Tabs in the plugins' chosen order; plugins that failed to load go last.
    return sorted(records, key=lambda r: (r.plugin.order if r.plugin else 10**6, r.name))


def clash_name(source: PluginSource, used: Iterable[str] = ()) -> str:
    """The record name of a third-party plugin whose name was already taken:
    ``<name>--<package>``, e.g. ``vae--genhub-foo``, with a ``-2``, ``-3``... suffix if that
    is in ``used`` too.

    Only ``[a-z0-9_-]``, so it is safe as a tab id, and never a valid plugin name (those have
    no ``-``). Stable: the same installation gives the same name at every start.
    """
    package = re.sub(r"[^a-z0-9]+", "-", (source.package or "unknown").lower()).strip("-") or "unknown"
    base = f"{re.sub(r'[^a-z0-9_]+', '-', source.name.lower())}--{package}"
    used = set(used)
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    return name


def _clash_record(source: PluginSource, owner: PluginSource, name: str) -> PluginRecord:
    holder = f"the built-in plugin ({owner.origin})" if owner.builtin else f"the {owner.origin} plugin"
    return _error_record(source, name=name, message=(
        f"the plugin name {source.name!r} is already taken by {holder}, so the {source.origin} "
        f"plugin registered under it was not loaded. Rename its entry point (group "
        f"{ENTRY_POINT_GROUP!r}) and its Plugin to a free name, or uninstall one of the two."))


def load_source(source: PluginSource, timeout: float | None = None) -> PluginRecord:
    """Import one source and check what it exports; failures become an error record.

    The import runs in a daemon thread that gets ``timeout`` seconds (default:
    `import_timeout`); past that the record says so and a hung import is left behind in its
    thread, so the hub still starts. Anything the import raises, `SystemExit` included,
    becomes the record's error, except `KeyboardInterrupt`, which propagates.
    """
    limit = import_timeout() if timeout is None else timeout
    thread, outcome = _start_import(source)
    thread.join(limit)  # returns as soon as a prompt import is done: no cost to a cold start
    if not outcome:
        return _error_record(source, message=(
            f"importing the plugin took longer than {limit:g} s, so the hub started without it "
            f"(it may be waiting on the network, a lock or input). If it only needs more time, "
            f"set {IMPORT_TIMEOUT_ENV} to more seconds (now {limit:g}).\n\n"
            f"{_stack_of(thread)}"))
    obj, err = outcome[0]
    if isinstance(err, KeyboardInterrupt):
        raise err
    if isinstance(err, SystemExit):
        return _error_record(source, message=(
            f"importing the plugin called sys.exit({err.code!r}); a plugin must not end the hub.\n\n"
            f"{_short_traceback(err)}"))
    if err is not None:
        return _error_record(source, message=(
            f"importing the plugin failed: {type(err).__name__}: {err}\n\n"
            f"{_short_traceback(err)}\n\nFix the error above."))
    if not isinstance(obj, Plugin):
        return _error_record(source, message=(
            f"{source.origin} exports {type(obj).__name__}, not a genhub.plugin.Plugin; "
            f"expose `PLUGIN = Plugin(...)`."))
    if obj.name != source.name:
        return _error_record(source, message=(
            f"{source.origin} is registered as {source.name!r} but its Plugin is named {obj.name!r}; "
            f"make the two the same."))
    return PluginRecord(source.name, source.origin, plugin=obj)


def _start_import(source: PluginSource) -> tuple[threading.Thread, list[tuple[object, BaseException | None]]]:
    """Start ``source.load()`` in a daemon thread; the list gets ``(result, error)`` when it ends.

    A daemon thread, not an executor: interpreter exit must not wait for a hung import.
    """
    outcome: list[tuple[object, BaseException | None]] = []

    def run() -> None:
        try:
            outcome.append((source.load(), None))
        except BaseException as err:  # noqa: BLE001 - even sys.exit() is the plugin's failure, not ours
            outcome.append((None, err))

    thread = threading.Thread(target=run, name=f"genhub-import-{source.name}", daemon=True)
    thread.start()
    return thread, outcome


def _error_record(source: PluginSource, *, message: str, name: str | None = None) -> PluginRecord:
    return PluginRecord(name or source.name, source.origin, error=f"{message}\n\n{STARTUP_HINT}")


def _short_traceback(err: BaseException, limit: int = 6) -> str:
    lines = traceback.format_exception(type(err), err, err.__traceback__, limit=-limit)
    return "".join(lines).rstrip()


def _stack_of(thread: threading.Thread, limit: int = 6) -> str:
    """Where a still-running thread is now (its innermost frames), to show what an import waits on."""
    frame = sys._current_frames().get(thread.ident or -1)
    if frame is None:
        return ""
    return "It was at:\n" + "".join(traceback.format_stack(frame)[-limit:]).rstrip()
