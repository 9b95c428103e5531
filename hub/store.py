"""Load each plugin's weights once, on first use, and remember how that went.

`ModelStore` is the only place models are loaded for serving. It is thread-safe (Gradio runs
handlers on worker threads) and records, per plugin and variant, where the weights came from,
their hash, the device, the load time and any error, for the Plugins status tab.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import torch

from genhub.plugin import Plugin
from genhub.registry import PluginRecord
from genhub.weights import LoadedWeights, WeightsError, from_pretrained


@dataclass(frozen=True)
class VariantStatus:
    """One row of the Plugins status tab."""

    plugin: str
    variant: str
    origin: str
    """Where the plugin itself came from: folder or package + version."""
    weights: str
    """Local folder or ``hf://repo@revision``; empty until resolved."""
    sha256: str
    device: str
    load_seconds: float | None
    state: str
    """``"ok"``, ``"not loaded"`` or ``"error: <message>"``."""


class ModelStore:
    """Lazily loaded, cached models for every loaded plugin."""

    def __init__(self, records: list[PluginRecord], device: torch.device,
                 weights_dir: Path | None = None) -> None:
        self.records = {r.name: r for r in records}
        self.device = device
        self.weights_dir = weights_dir
        self._loaded: dict[tuple[str, str], LoadedWeights] = {}
        self._errors: dict[tuple[str, str], str] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def plugin(self, name: str) -> Plugin:
        record = self.records[name]
        if record.plugin is None:
            raise WeightsError(f"plugin {name!r} did not load: {record.error}")
        return record.plugin

    def get(self, name: str, variant: str | None = None) -> LoadedWeights:
        """The loaded variant (None: default), loading it on first call. Raises WeightsError."""
        plugin = self.plugin(name)
        try:
            spec = plugin.spec(variant)
        except KeyError as err:
            raise WeightsError(str(err.args[0])) from err
        key = (name, spec.variant)
        if key in self._loaded:
            return self._loaded[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._loaded:
                try:
                    self._loaded[key] = from_pretrained(plugin, spec.variant, device=self.device,
                                                        weights_dir=self.weights_dir)
                    self._errors.pop(key, None)
                except WeightsError as err:
                    self._errors[key] = str(err)
                    raise
                except Exception as err:  # noqa: BLE001 - a plugin's build_model may raise anything
                    self._errors[key] = f"{type(err).__name__}: {err}"
                    raise WeightsError(f"{name}/{spec.variant}: loading failed: {self._errors[key]}") from err
        return self._loaded[key]

    def preload(self) -> None:
        """Load every variant of every plugin now; failures are recorded, not raised."""
        for name, record in self.records.items():
            if record.plugin is None:
                continue
            for spec in record.plugin.variants:
                try:
                    self.get(name, spec.variant)
                except WeightsError:
                    pass

    def status(self) -> list[VariantStatus]:
        """One row per plugin variant (one row for a plugin that failed to load)."""
        rows = []
        for name, record in self.records.items():
            if record.plugin is None:
                rows.append(VariantStatus(name, "-", record.origin, "", "", "", None,
                                          f"error: {record.error}"))
                continue
            for spec in record.plugin.variants:
                key = (name, spec.variant)
                loaded = self._loaded.get(key)
                if loaded is not None:
                    rows.append(VariantStatus(name, spec.variant, record.origin, loaded.origin,
                                              loaded.sha256, str(loaded.device),
                                              loaded.load_seconds, "ok"))
                elif key in self._errors:
                    rows.append(VariantStatus(name, spec.variant, record.origin, "", spec.sha256,
                                              str(self.device), None, f"error: {self._errors[key]}"))
                else:
                    rows.append(VariantStatus(name, spec.variant, record.origin, "", spec.sha256,
                                              str(self.device), None, "not loaded"))
        return rows
