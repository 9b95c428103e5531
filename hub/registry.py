"""Discover plugins: the folders under ``plugins/`` and the entry-point group ``genhub.plugins``.

Built-in folders and installed packages become the same `PluginSource` and go through the
same `load_source`, so a built-in plugin is loaded exactly like a third-party one. Loading
never raises: a plugin that fails to import or breaks the contract becomes a `PluginRecord`
with ``error`` set, and the hub shows that error in the plugin's own tab.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points

from hub.plugin import ENTRY_POINT_GROUP, Plugin

PLUGINS_ENV = "GENHUB_PLUGINS"
NO_AUTOLOAD_ENV = "GENHUB_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_PACKAGE = "plugins"


@dataclass(frozen=True)
class PluginSource:
    """Somewhere a plugin can be loaded from, before anything of it is imported."""

    name: str
    origin: str
    """``"folder plugins/vae"`` or ``"package genhub-foo 0.2.0"``."""
    load: Callable[[], object]
    """Imports the module and returns its ``PLUGIN`` object."""
    builtin: bool


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
            origin=f"folder {package.replace('.', '/')}/{info.name}",
            load=_attribute_loader(module, "PLUGIN"),
            builtin=True,
        ))
    return sources


def entry_point_sources(group: str = ENTRY_POINT_GROUP) -> list[PluginSource]:
    """One source per entry point in ``group`` of the installed distributions."""
    sources = []
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        dist = getattr(ep, "dist", None)
        origin = f"package {dist.name} {dist.version}" if dist else f"entry point {ep.value}"
        sources.append(PluginSource(name=ep.name, origin=origin, load=ep.load, builtin=False))
    return sources


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

    Raises ValueError when ``select`` names a plugin that exists nowhere.
    """
    names = parse_selection(select if select is not None else os.environ.get(PLUGINS_ENV))
    if autoload is None:
        autoload = os.environ.get(NO_AUTOLOAD_ENV, "").lower() not in {"1", "true", "yes"}
    builtin = folder_sources(package)
    third_party = entry_point_sources(group)
    known = {s.name for s in builtin + third_party}
    if names is not None and (unknown := [n for n in names if n not in known]):
        raise ValueError(f"unknown plugin(s) {', '.join(unknown)}; available: {', '.join(sorted(known)) or 'none'}")

    records: list[PluginRecord] = []
    taken: dict[str, str] = {}
    for source in builtin + third_party:
        if names is not None and source.name not in names:
            continue
        if names is None and not source.builtin and not autoload:
            continue
        if source.name in taken:
            records.append(PluginRecord(source.name, source.origin, error=(
                f"the name {source.name!r} is already taken by {taken[source.name]}; "
                f"the {source.origin} plugin was not loaded. Rename its entry point.")))
            continue
        taken[source.name] = source.origin
        records.append(load_source(source))
    # Tabs in the plugins' chosen order; plugins that failed to load go last.
    return sorted(records, key=lambda r: (r.plugin.order if r.plugin else 10**6, r.name))


def load_source(source: PluginSource) -> PluginRecord:
    """Import one source and check what it exports; failures become an error record."""
    try:
        obj = source.load()
    except Exception as err:  # noqa: BLE001 - any import-time failure is the plugin's, not ours
        return PluginRecord(source.name, source.origin, error=(
            f"importing the plugin failed: {type(err).__name__}: {err}\n\n"
            f"{_short_traceback(err)}\n"
            f"Fix the error above, or start without this plugin: `genhub serve --plugins <others>`"
            + ("" if source.builtin else f" or set {NO_AUTOLOAD_ENV}=1 to skip third-party plugins")
            + "."))
    if not isinstance(obj, Plugin):
        return PluginRecord(source.name, source.origin, error=(
            f"{source.origin} exports {type(obj).__name__}, not a hub.plugin.Plugin; "
            f"expose `PLUGIN = Plugin(...)`."))
    if obj.name != source.name:
        return PluginRecord(source.name, source.origin, error=(
            f"{source.origin} is registered as {source.name!r} but its Plugin is named {obj.name!r}; "
            f"make the two the same."))
    return PluginRecord(source.name, source.origin, plugin=obj)


def _short_traceback(err: BaseException, limit: int = 6) -> str:
    lines = traceback.format_exception(type(err), err, err.__traceback__, limit=-limit)
    return "".join(lines).rstrip()
