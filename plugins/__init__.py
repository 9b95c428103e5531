"""Built-in genhub plugins: one sub-package per model family, each exposing ``PLUGIN``.

Add a model family by adding a folder here (see ``hub/plugin.py`` for the contract);
folders starting with ``_`` are skipped by discovery.
"""
