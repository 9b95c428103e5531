"""Write a Hugging Face Space folder from the plugin registry, and optionally upload it.

    genhub spaces build OUT [--plugins vae,cgan] [--hardware cpu-basic] [--weights ship|hub]
                            [--push OWNER/NAME] [--private]
    python spaces/build.py OUT [...]      # the same command

The folder is what Spaces runs with the Gradio SDK: the genhub packages in their installed
layout (``genhub/`` from hub/, ``genhub/training/`` from training/, and in ``genhub/plugins/``
only the selected plugins' folders: the registry discovers folders, so the others are simply
not there), ``app.py``, the pinned ``requirements.txt``, and a ``README.md`` whose front matter
configures the Space and whose body lists the plugins.

Weights: ``ship`` copies the selected variants' released files into ``weights/<plugin>/<variant>/``
(checked against their sha256 first); ``hub`` ships none and lists them in the front matter's
``preload_from_hub``, so Spaces downloads them at the pinned revision into its Hugging Face cache
at build time, where `genhub.weights` finds them.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genhub.plugin import CONFIG_FILENAME, Plugin, WeightsSpec
from genhub.registry import discover, folder_sources, parse_selection
from genhub.training.data import write_examples

REPO = Path(__file__).resolve().parent.parent
SPACE_FILES = REPO / "spaces"
WEIGHTS = REPO / "weights"
PACKAGES = {"hub": "genhub", "training": "genhub/training"}
"""Always shipped, in the installed layout (setup.py), so the app imports ``genhub`` as installed."""
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")
WEIGHTS_MODES = ("ship", "hub")
DEFAULT_HARDWARE = "cpu-basic"
CPU_WHEELS = "--extra-index-url https://download.pytorch.org/whl/cpu"
"""The requirements line that picks torch's CPU wheels; left out for GPU hardware (PyPI's are CUDA)."""
ZEROGPU_REQUIREMENT = "spaces==0.51.3"
"""Pinned as in pyproject.toml's test extra, where the tests run the handlers through it."""
EXAMPLES = "examples"
"""The Space's folder of the tabs' example images (`tab_examples`, written by `write_examples`)."""
SHORT_DESCRIPTION_MAX = 60
"""Characters Spaces allows in ``short_description``."""

TAB_JUDGES = {"cgan": "classifier", "wavenet": "classifier"}
"""Plugins whose tab loads judge weights besides its own: the CGAN tab captions each picture with
what ``load_judge(config["data"]["dataset"])`` reads (plugins/cgan/ui.py), the WaveNet tab each
clip with what the speech judge hears (plugins/wavenet/ui.py). Value: the judges' folder under
weights/, one variant per dataset."""


@dataclass(frozen=True)
class ShippedWeights:
    """One variant the Space needs: a plugin's, or a judge a plugin's tab loads."""

    folder: str
    """Its folder under weights/: the plugin's name, or the judges' (``classifier``)."""
    spec: WeightsSpec


def build(out: Path, plugins: str | None = None, *, hardware: str = DEFAULT_HARDWARE,
          weights: str = "ship", data_dir: Path | None = None) -> Path:
    """Write the Space for ``plugins`` (comma-separated names; None: every built-in plugin) into
    ``out``, replacing what was there. ``hardware`` is the front matter's ``suggested_hardware``;
    ``weights`` is ``"ship"`` or ``"hub"`` (module docstring); the tabs' example images are read
    from ``data_dir`` (default ``$GENHUB_DATA``, else torchvision's download). Returns ``out``.

    Raises ValueError for an unknown hardware, weights mode or plugin, a plugin that is not a
    folder under plugins/, shipped weights that are missing or not the released ones, or an
    ``out`` holding anything but a Space built before, or the tabs' example images missing;
    RuntimeError for a plugin that does not load. Nothing is written then.
    """
    check_hardware(hardware)
    if weights not in WEIGHTS_MODES:
        raise ValueError(f"--weights must be one of {', '.join(WEIGHTS_MODES)}, got {weights!r}")
    selected = select_plugins(plugins)
    needed = weights_needed(selected)
    if weights == "ship":
        for item in needed:
            check_released(item)
    examples = tab_examples(selected, data_dir)
    out = Path(out)
    if out.exists():
        if any(out.iterdir()) and not is_space(out):
            raise ValueError(f"{out} exists and is not a Space folder this command wrote (no app.py and genhub/); "
                             f"name a new or empty folder, or remove it yourself")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for folder, target in PACKAGES.items():
        shutil.copytree(REPO / folder, out / target, ignore=SKIP)
    plugins_dir = out / "genhub" / "plugins"
    plugins_dir.mkdir()
    for module in (REPO / "plugins").glob("*.py"):
        shutil.copy2(module, plugins_dir / module.name)
    for plugin in selected:
        shutil.copytree(REPO / "plugins" / plugin.name, plugins_dir / plugin.name, ignore=SKIP)
    if weights == "ship":
        for item in needed:
            copy_weights(item, out / "weights" / item.folder / item.spec.variant)
    for dataset, (images, labels) in examples.items():
        write_examples(out / EXAMPLES, dataset, images, labels)
    shutil.copy2(SPACE_FILES / "app.py", out / "app.py")
    (out / "requirements.txt").write_text(requirements(hardware))
    space_card(selected, needed, hardware, weights).save(out / "README.md")
    return out


def tab_examples(plugins: list[Plugin], data_dir: Path | None) -> dict[str, tuple[Any, Any]]:
    """The test images (uint8 (N, 28, 28)) and labels each dataset's tabs offer
    (``Plugin.tab_examples``), the largest count any selected plugin asks for, read from
    ``data_dir`` (default ``$GENHUB_DATA``, else torchvision's download). ValueError when missing."""
    from genhub.training.data import load_idx_dataset

    counts: dict[str, int] = {}
    for plugin in plugins:
        for dataset, count in plugin.tab_examples.items():
            counts[dataset] = max(count, counts.get(dataset, 0))
    examples = {}
    for dataset, count in counts.items():
        try:
            images, labels = load_idx_dataset(dataset, "test", data_dir, limit=count)
        except (FileNotFoundError, RuntimeError) as err:
            raise ValueError(f"a Space ships the {dataset} test images its tabs offer, and they could not be read "
                             f"({err}); set GENHUB_DATA or --data-dir to the datasets folder") from err
        if len(images) < count:
            raise ValueError(f"{dataset} has {len(images)} test images; the tabs offer {count}")
        examples[dataset] = images, labels
    return examples


def is_space(folder: Path) -> bool:
    """Whether ``folder`` looks like a Space `build` wrote, so replacing it loses nothing of yours."""
    return (folder / "app.py").is_file() and (folder / "genhub" / "__init__.py").is_file()


def check_hardware(hardware: str) -> None:
    from huggingface_hub import SpaceHardware

    known = [h.value for h in SpaceHardware]
    if hardware not in known:
        raise ValueError(f"--hardware must be one of {', '.join(known)}; got {hardware!r}")


def select_plugins(names: str | None) -> list[Plugin]:
    """The built-in plugins named in ``names`` (None or empty: all of them), loaded, in tab order."""
    folders = [source.name for source in folder_sources()]
    records = discover(parse_selection(names) or folders, autoload=False)  # ValueError for unknown names
    if packaged := [r.name for r in records if r.name not in folders]:
        raise ValueError(f"a Space carries the plugin folders under plugins/ only; {', '.join(packaged)} "
                         f"comes from an installed package (built-in: {', '.join(folders)})")
    if broken := [r for r in records if r.plugin is None]:
        raise RuntimeError(f"plugin {broken[0].name!r} does not load, so it cannot go in a Space: "
                           f"{broken[0].error.splitlines()[0]}")
    return [r.plugin for r in records]


def weights_needed(plugins: list[Plugin]) -> list[ShippedWeights]:
    """Every variant of ``plugins``, then the judges their tabs load (`TAB_JUDGES`), once each."""
    needed = [ShippedWeights(p.name, spec) for p in plugins for spec in p.variants]
    for plugin in plugins:
        if plugin.name in TAB_JUDGES:
            needed += [ShippedWeights(TAB_JUDGES[plugin.name], spec) for spec in judges_of(plugin)]
    return list(dict.fromkeys(needed))


def judges_of(plugin: Plugin) -> list[WeightsSpec]:
    """The judge of each variant's dataset (config.json ``data.dataset``), as the tab loads it."""
    from genhub.training.evaluation.classifier import JUDGES
    from genhub.training.evaluation.speech import SPEECH_JUDGE
    from genhub.weights import read_config, resolve_plugin_weights

    judges = {**JUDGES, "fsdd": SPEECH_JUDGE}
    datasets = [read_config(resolve_plugin_weights(plugin, spec).config_file)["data"]["dataset"]
                for spec in plugin.variants]
    return [judges[dataset] for dataset in dict.fromkeys(datasets)]


def check_released(item: ShippedWeights) -> None:
    """``weights/<folder>/<variant>/`` holds config.json and the file hashing to the spec's sha256."""
    from genhub.weights import sha256_of

    folder = WEIGHTS / item.folder / item.spec.variant
    fix = "restore them (`git checkout -- weights/`) or build with `--weights hub`"
    for name in (item.spec.filename, CONFIG_FILENAME):
        if not (folder / name).is_file():
            raise ValueError(f"{folder / name} is missing: a Space ships the released weights; {fix}")
    digest = sha256_of(folder / item.spec.filename)
    if digest != item.spec.sha256:
        raise ValueError(f"{folder / item.spec.filename} has sha256 {digest[:12]}…, not the released "
                         f"{item.spec.sha256[:12]}…; {fix}")


def copy_weights(item: ShippedWeights, target: Path) -> None:
    """The weights, config.json and model card; not the training log, curves or checkpoints."""
    source = WEIGHTS / item.folder / item.spec.variant
    target.mkdir(parents=True)
    for name in (item.spec.filename, CONFIG_FILENAME, "README.md"):
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)


def requirements(hardware: str) -> str:
    """spaces/requirements.txt; on GPU hardware without the CPU-wheel index, so torch gets CUDA;
    on ZeroGPU hardware with the `spaces` package (`genhub.zerogpu` wraps the handlers with it)."""
    lines = (SPACE_FILES / "requirements.txt").read_text().splitlines()
    if not hardware.startswith("cpu"):
        lines = [line for line in lines if line.strip() != CPU_WHEELS]
    if hardware.startswith("zero-"):
        lines.append(ZEROGPU_REQUIREMENT)
    return "\n".join(lines) + "\n"


def short_description(plugins: list[Plugin]) -> str:
    """At most 60 characters: the titles joined; when that is too long, each title's first word
    (its model family, "VAE latent explorer" -> "VAE"); past that, cut with "…"."""
    text = ", ".join(p.title for p in plugins)
    if len(text) > SHORT_DESCRIPTION_MAX:
        text = "Generative-model demos: " + ", ".join(p.title.split()[0] for p in plugins)
    if len(text) > SHORT_DESCRIPTION_MAX:
        text = text[:SHORT_DESCRIPTION_MAX - 1].rstrip(" ,") + "…"
    return text


def preload_entry(spec: WeightsSpec) -> str:
    """``"<repo_id> <file1>,<file2> <revision>"``: one ``preload_from_hub`` line of the front matter."""
    return f"{spec.repo_id} {spec.filename},{CONFIG_FILENAME} {spec.revision}"


def space_card(plugins: list[Plugin], needed: list[ShippedWeights], hardware: str, weights: str):
    """The Space's README.md: front matter (huggingface_hub's `SpaceCardData`) and a body listing
    the plugins with their titles, descriptions and variants."""
    import gradio
    from huggingface_hub import SpaceCard, SpaceCardData

    extra = {"preload_from_hub": [preload_entry(item.spec) for item in needed]} if weights == "hub" else {}
    data = SpaceCardData(
        title="genhub" if len(plugins) > 1 else f"genhub: {plugins[0].title}",
        emoji="🧪", colorFrom="indigo", colorTo="pink",
        sdk="gradio", sdk_version=gradio.__version__,
        python_version=f"{sys.version_info.major}.{sys.version_info.minor}",
        app_file="app.py", pinned=False, license="mit",
        short_description=short_description(plugins),
        suggested_hardware=hardware,
        models=list(dict.fromkeys(item.spec.repo_id for item in needed)),
        **extra,
    )
    return SpaceCard(f"---\n{data.to_yaml()}\n---\n\n{card_body(plugins, needed, weights)}")


def card_body(plugins: list[Plugin], needed: list[ShippedWeights], weights: str) -> str:
    where = ("in `weights/<plugin>/<variant>/`" if weights == "ship" else
             "downloaded by Spaces at build time (`preload_from_hub`) at the pinned revisions")
    lines = ["# genhub", "",
             "Generative-model demos, one tab per model family, built from genhub's plugin registry "
             "(`genhub spaces build`).", ""]
    for plugin in plugins:
        lines += [f"## {plugin.title}", "", plugin.description, "", "| variant | what | weights |", "|---|---|---|"]
        lines += [f"| `{s.variant}` | {s.summary} | [`{s.repo_id}`](https://huggingface.co/{s.repo_id}) "
                  f"@ `{s.revision}` |" for s in plugin.variants]
        lines.append("")
    judges = [item.spec for item in needed if item.folder not in {p.name for p in plugins}]
    if judges:
        lines += ["Judge classifiers some tabs read their pictures with: "
                  + ", ".join(f"[`{s.repo_id}`](https://huggingface.co/{s.repo_id})" for s in judges) + ".", ""]
    lines += [f"Weights: {where}, each checked against its release's sha256.", "",
              "The test digits the tabs offer are shipped in `examples/` (the first N MNIST test images), "
              "so nothing is downloaded at start.", ""]
    return "\n".join(lines)


def push(out: Path, repo_id: str, *, private: bool = False) -> str:
    """Create the Space repo ``repo_id`` (Gradio SDK) if needed and upload ``out``; return the commit."""
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(repo_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
    return api.upload_folder(repo_id=repo_id, repo_type="space", folder_path=out, commit_message="genhub spaces build",
                             ignore_patterns=["**/__pycache__/**", "*.pyc", ".gradio/**"]).oid  # left by a local run


if __name__ == "__main__":
    from genhub.cli import main

    raise SystemExit(main(["spaces", "build", *sys.argv[1:]]))
