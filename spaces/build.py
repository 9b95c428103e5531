"""Assemble a Hugging Face Space folder from this repository, and optionally upload it.

    python spaces/build.py DEST [--push OWNER/NAME] [--private]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Where each folder goes: the installed layout (setup.py), so the app imports ``genhub`` as installed.
FOLDERS = {"hub": "genhub", "plugins": "genhub/plugins", "training": "genhub/training", "weights": "weights"}
SPACE_FILES = ("app.py", "requirements.txt", "README.md")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "log.jsonl", "checkpoint")


def build(dest: Path) -> Path:
    """Copy the packages, weights and Space files into ``dest`` (replacing what was there)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for folder, target in FOLDERS.items():
        shutil.copytree(REPO / folder, dest / target, ignore=SKIP)
    for name in SPACE_FILES:
        shutil.copy2(REPO / "spaces" / name, dest / name)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--push", metavar="OWNER/NAME", help="upload to this Space repo")
    parser.add_argument("--private", action="store_true")
    args = parser.parse_args()
    dest = build(args.dest)
    print(f"assembled the Space in {dest}")
    if args.push:
        from huggingface_hub import HfApi

        api = HfApi()
        api.create_repo(args.push, repo_type="space", space_sdk="gradio", private=args.private, exist_ok=True)
        commit = api.upload_folder(repo_id=args.push, repo_type="space", folder_path=dest)
        print(f"pushed to https://huggingface.co/spaces/{args.push} ({commit.oid})")


if __name__ == "__main__":
    main()
