"""``genhub new NAME``: write a plugin package that installs, passes the contract kit and is
ready to be made one's own.

    genhub-NAME/
        pyproject.toml           distribution genhub-NAME; entry point genhub.plugins: NAME = "genhub_NAME:PLUGIN"
        README.md                model-card skeleton; how to test, train and release
        .gitignore
        genhub_NAME/__init__.py  PLUGIN = Plugin(...)
                    model.py     a tiny VAE (genhub.config.Configurable)
                    sample.py    seeded sampling
                    train.py     trains on synthetic data made in code, releases a weights folder
                    ui.py        the tab (endpoint NAME_generate)
        tests/test_contract.py   test_contract = contract_tests("genhub_NAME:PLUGIN")

The files are the templates in ``template/`` beside this module (package data): ``*.tmpl`` with
``${name}``-style placeholders (`string.Template`), the folder ``package`` standing for
``genhub_NAME`` and ``gitignore`` for ``.gitignore``.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 40
"""Longest name `genhub new` takes: the generated lines that hold it stay within ruff's 120 columns."""
_RENAMES = {"package": "genhub_{name}", "gitignore": ".gitignore"}
"""Template path parts that become another name in the package written."""


def placeholders(name: str) -> dict[str, str]:
    """The values the templates' placeholders take for plugin ``name``."""
    return {"name": name, "package": f"genhub_{name}", "dist": f"genhub-{name}",
            "title": name.replace("_", " ").capitalize()}


def new_plugin(name: str, parent: Path = Path(".")) -> Path:
    """Write ``parent/genhub-<name>/`` from the templates and return that folder.

    Raises ValueError, with a one-line message and before writing anything, for a name that is
    not a plugin name (``[a-z][a-z0-9_]*``, at most `MAX_NAME` characters) or is a built-in
    plugin's, and for a folder that exists already.
    """
    from genhub.registry import folder_sources  # imports the plugins package only, none of the plugins

    if not isinstance(name, str) or not _NAME.match(name) or len(name) > MAX_NAME:
        raise ValueError(f"a plugin name is a lower-case letter, then lower-case letters, digits or '_' "
                         f"(like 'my_model'), at most {MAX_NAME} in all; got {name!r}")
    if name in {source.name for source in folder_sources()}:
        raise ValueError(f"{name!r} is the name of a built-in plugin; the hub would not load yours. Choose another")
    folder = Path(parent) / f"genhub-{name}"
    if folder.exists():
        raise ValueError(f"{folder} exists already; choose another name, or another parent folder with --dir")
    values = placeholders(name)
    files = {}
    for template in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        parts = template.relative_to(TEMPLATE_DIR).with_suffix("").parts
        path = Path(*(_RENAMES.get(part, part).format(name=name) for part in parts))
        files[folder / path] = Template(template.read_text(encoding="utf-8")).substitute(values)
    if not files:
        raise FileNotFoundError(f"no templates in {TEMPLATE_DIR}: genhub was installed without its package data")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
