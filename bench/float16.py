"""What storing a plugin's released weights in float16 changes, measured where a user meets it:
the same seeded samples drawn from the released float32 file and from a float16 copy of it.

    python -m bench.float16 --plugin cgan --variant mnist [--count 64 --seeds 4]
    python -m bench.float16 --plugin cyclegan --variant anime-xdog --inputs face1.png face2.png \
        --option direction=a2b
    PYTHONPATH=examples/genhub-dynamics python -m bench.float16 --plugin genhub_dynamics:PLUGIN \
        --variant ode --digits 64
    python -m bench.float16 --plugin cgan --variant mnist --apply

Rows: the float32 file drawn twice (the floor: a deterministic plugin reads 0 there), then the
float16 copy against the float32 file. Images are compared in 8-bit levels (0-255), as a browser
shows them: the largest and the mean difference, and the share of 8-bit pixel values that change.
Audio is compared in 16-bit levels, as a .wav stores it.

``--keep DIR`` leaves the float16 copy in ``DIR/<plugin>/<variant>/`` so that a plugin's own
quality bench can score it (``GENHUB_WEIGHTS=DIR python -m bench.cgan_quality``).
``--apply`` then stores the released file in float16 (`genhub.training.release.store_float16`)
with the measured change in its config and card, using the plugin's ``card.card_text``; pin
the printed sha256, with a new Hub revision, in the plugin's `WeightsSpec`.
Writes bench/results/float16_<plugin>_<variant>.json.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from bench.report import print_table, write_results
from genhub.options import checked_values
from genhub.plugin import CONFIG_FILENAME, WEIGHTS_FILENAME, Plugin, SampleRequest, Samples
from genhub.sample_files import read_input
from genhub.training.data import load_idx_dataset
from genhub.training.release import float16_state, store_float16
from genhub.weights import LoadedWeights, from_pretrained, plugin_named, resolve_plugin_weights

LEVELS = {"image": 255, "audio": 32767}
"""Output units the differences are counted in: 8-bit pixel levels, 16-bit PCM levels."""
REPO = Path(__file__).resolve().parent.parent
UNITS = {"image": "8-bit levels", "audio": "16-bit levels"}


def float16_copy(plugin: Plugin, variant: str, root: Path) -> Path:
    """``root/<plugin>/<variant>/``: the released variant's config and its weights in float16.
    Raises SystemExit when the released file holds nothing wider than float16."""
    resolved = resolve_plugin_weights(plugin, plugin.spec(variant))
    state = load_file(resolved.weights_file)
    if not any(t.is_floating_point() and t.dtype != torch.float16 for t in state.values()):
        raise SystemExit(f"{resolved.weights_file} holds no floating-point tensors wider than float16")
    target = root / plugin.name / variant
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(resolved.config_file, target / CONFIG_FILENAME)
    save_file(float16_state(state), target / WEIGHTS_FILENAME, metadata={"format": "pt"})
    return target


def draw(plugin: Plugin, loaded: LoadedWeights, seeds: Sequence[int], count: int,
         options: Mapping[str, Any], inputs: torch.Tensor | None, sample_rate: int | None) -> list[Samples]:
    """One `Samples` per seed, from ``plugin.sample`` as the hub calls it."""
    out = []
    with torch.no_grad():
        for seed in seeds:
            request = SampleRequest(count=count if inputs is None else len(inputs), seed=seed, options=options,
                                    input=inputs, input_sample_rate=sample_rate if inputs is not None else None)
            out.append(plugin.sample(loaded.model, loaded.config, request))
    return out


def difference(a: Sequence[Samples], b: Sequence[Samples]) -> dict[str, Any]:
    """How far ``b`` lies from ``a`` in output levels (`LEVELS`): largest, mean, share changed."""
    kind = a[0].kind
    levels, unit = LEVELS[kind], UNITS[kind]
    x = torch.cat([s.data.flatten() for s in a]).double()
    y = torch.cat([s.data.flatten() for s in b]).double()
    gap = (x - y).abs() * levels
    changed = (torch.round(x * levels) != torch.round(y * levels)).double().mean().item()
    return {"values": x.numel(), f"max |Δ| ({unit})": round(gap.max().item(), 3),
            f"mean |Δ| ({unit})": round(gap.mean().item(), 4), "values changed %": round(100 * changed, 3)}


def plugin_called(name: str) -> Plugin:
    """A plugin by its name, or by ``module:ATTRIBUTE`` (a package on the path, not installed)."""
    if ":" not in name:
        return plugin_named(name)
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


def recorded_arguments(args: argparse.Namespace, plugin: Plugin) -> list[str]:
    """The arguments that measured the effect, as the card records them: the plugin by its name
    (an installed package answers to it), without ``--keep`` and ``--apply``."""
    words = ["--plugin", plugin.name, "--variant", args.variant]
    if args.inputs or args.digits:
        words += ["--inputs", *map(str, args.inputs)] if args.inputs else ["--digits", str(args.digits)]
    else:
        words += ["--count", str(args.count)]
    words += ["--seeds", str(args.seeds)]
    for item in args.option:
        words += ["--option", item]
    return words


def card_function(plugin: Plugin):
    """The plugin's ``card.card_text`` (the package beside its ``sample`` function)."""
    package = plugin.sample.__module__.rpartition(".")[0]
    try:
        return importlib.import_module(f"{package}.card").card_text
    except (ImportError, AttributeError) as err:
        raise SystemExit(f"--apply needs {package}.card.card_text to rewrite the model card: {err}") from err


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True,
                        help="a plugin's name, or module:ATTRIBUTE of a plugin package not installed")
    parser.add_argument("--variant", required=True)
    parser.add_argument("--count", type=int, default=64, help="samples per seed (generation plugins)")
    parser.add_argument("--seeds", type=int, default=4, help="seeds 0 … N-1")
    given_inputs = parser.add_mutually_exclusive_group()
    given_inputs.add_argument("--inputs", type=Path, nargs="+", help="input files (translation plugins)")
    given_inputs.add_argument("--digits", type=int, help="translation inputs: the first N MNIST test digits")
    parser.add_argument("--data-dir", type=Path, help="datasets folder for --digits (default $GENHUB_DATA)")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a sample option of the plugin (repeatable); the others at their default")
    parser.add_argument("--keep", type=Path, help="leave the float16 copy in DIR/<plugin>/<variant>/")
    parser.add_argument("--apply", action="store_true", help="store the released file in float16 afterwards")
    parser.allow_abbrev = False  # the card records the command: every flag spelled out
    args = parser.parse_args(argv)

    plugin = plugin_called(args.plugin)
    if any("=" not in item for item in args.option):
        parser.error("--option takes NAME=VALUE")
    try:
        options = checked_values(plugin.sample_options, dict(item.split("=", 1) for item in args.option))
    except ValueError as err:
        parser.error(str(err))
    if plugin.task == "translate" and not (args.inputs or args.digits):
        raise SystemExit(f"{plugin.name} translates: give --inputs files or --digits N")
    full = from_pretrained(plugin, args.variant)
    rate = full.config.get("data", {}).get("sample_rate")
    inputs = None
    if args.digits:
        images, _ = load_idx_dataset("mnist", "test", args.data_dir, args.digits)
        inputs = images.float().div(255).unsqueeze(1)
    elif args.inputs:
        items = [read_input(path, plugin.input_kind, rate) for path in args.inputs]
        inputs = torch.stack(items) if len({tuple(i.shape) for i in items}) == 1 else None
        if inputs is None:
            raise SystemExit("--inputs must share one shape (one batch)")
    seeds = list(range(args.seeds))
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        float16_copy(plugin, args.variant, root)
        half = from_pretrained(plugin, args.variant, weights_dir=root)
        reference = draw(plugin, full, seeds, args.count, options, inputs, rate)
        again = draw(plugin, full, seeds, args.count, options, inputs, rate)
        rounded = draw(plugin, half, seeds, args.count, options, inputs, rate)
        sizes = (full.weights_file.stat().st_size, half.weights_file.stat().st_size)
    rows = [{"weights": "float32 again (floor)", **difference(reference, again), "mb": round(sizes[0] / 1e6, 2)},
            {"weights": "float16", **difference(reference, rounded), "mb": round(sizes[1] / 1e6, 2)}]
    print_table(rows)
    meta = {"plugin": plugin.name, "variant": args.variant, "seeds": seeds, "options": options,
            "count": len(inputs) if inputs is not None else args.count,
            "inputs": (f"the first {args.digits} MNIST test digits" if args.digits
                       else [str(path) for path in args.inputs or []]),
            "device": "cpu"}
    print(f"wrote {write_results(f'float16_{plugin.name}_{args.variant}', rows, meta)}")
    if args.apply:
        folder = full.weights_file.parent
        homes = [REPO / "weights", *([plugin.weights_dir] if plugin.weights_dir else [])]
        if not any(folder.resolve().is_relative_to(Path(home).resolve()) for home in homes):
            raise SystemExit(f"--apply rewrites a release folder of this repository or of the plugin's package; "
                             f"the weights came from {full.origin}")
        command = shlex.join(["python", "-m", "bench.float16", *recorded_arguments(args, plugin)])
        row, unit = rows[1], UNITS[reference[0].kind]
        effect = (f"the same seeded samples ({meta['count']} × {len(seeds)} seeds) differ from the float32 file's by "
                  f"at most {row[f'max |Δ| ({unit})']} {unit}, {row[f'mean |Δ| ({unit})']} on average; "
                  f"{row['values changed %']} % of output values change (`{command}`)")
        store_float16(folder, card_function(plugin), effect)
    return rows


if __name__ == "__main__":
    main()
