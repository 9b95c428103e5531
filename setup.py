"""Installed names: the repository's folders are mapped under the one import name ``genhub``.

pyproject.toml holds the metadata; only the folder-to-package mapping needs code, because a
new built-in plugin folder must be packaged without being listed anywhere.
"""


from setuptools import find_packages, setup

# import name -> folder. Everything installed lives under ``genhub``; no generic top-level name.
PACKAGE_DIRS = {"genhub": "hub", "genhub.plugins": "plugins", "genhub.training": "training"}
# Files other than Python modules that installs must carry: the templates `genhub new` writes from.
PACKAGE_DATA = {"genhub.scaffold": ["template/*.tmpl", "template/*/*.tmpl"]}


def packages() -> list[str]:
    found = []
    for name, folder in PACKAGE_DIRS.items():
        found.append(name)
        found += [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


setup(package_dir=PACKAGE_DIRS, packages=packages(), package_data=PACKAGE_DATA)
