"""``genhub``: serve | list | train | sample | push."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from genhub.plugin import MAX_SEED
from genhub.registry import NO_AUTOLOAD_ENV, PLUGINS_ENV, PluginRecord, discover

PNG_MIN_SIDE = 512
"""A sampled .png is enlarged to at least this many pixels on its longer side (a 28×28 digit
is a speck on screen)."""


def seed_value(text: str) -> int:
    """``--seed``: a whole number in [0, MAX_SEED], else an argparse error saying so."""
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_SEED}; got {text!r}") from None
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_SEED}; got {text}")
    return seed


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_plugin_asking_for_help(argv))
    args, extra = parser.parse_known_args(argv)
    if args.command != "sample" and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args, extra, argv)
    except (ValueError, KeyError, FileNotFoundError, RuntimeError, OverflowError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"genhub {args.command}: error: {message}", file=sys.stderr)
        return 2


def _plugin_asking_for_help(argv: list[str]):
    """The plugin of ``genhub sample PLUGIN --help`` (so the help lists its options), else None."""
    if len(argv) < 2 or argv[0] != "sample" or argv[1].startswith("-") or not {"-h", "--help"} & set(argv):
        return None
    try:
        return _one_plugin(argv[1])
    except (ValueError, RuntimeError):
        return None  # the ordinary run reports the unknown or broken plugin


def _add_sample_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup, plugin) -> None:
    """``--name value`` for each of the plugin's `SampleOption`s."""
    for option in plugin.sample_options:
        parser.add_argument(f"--{option.name.replace('_', '-')}", dest=option.name, type=option.type,
                            default=option.default, help=f"{option.help} (default: {option.default})")


def _parser(sample_plugin=None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genhub", description="A hub of generative-model demos.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the Gradio app")
    serve.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    _add_plugin_selection(serve)
    serve.add_argument("--device", help="cpu, cuda, cuda:N or mps (default: $GENHUB_DEVICE, else best)")
    serve.add_argument("--weights-dir", type=Path,
                       help="your own weights, <dir>/<plugin>/<variant>/ (not hash-checked)")
    serve.add_argument("--preload", action="store_true", help="load every model at start instead of on first use")
    serve.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    serve.set_defaults(run=_serve)

    lst = sub.add_parser("list", help="list plugins, variants and where their weights are")
    _add_plugin_selection(lst)
    lst.add_argument("--weights-dir", type=Path)
    lst.set_defaults(run=_list)

    train = sub.add_parser("train", help="train a plugin's variant")
    train.add_argument("plugin")
    train.add_argument("--variant", help="default: the plugin's first variant")
    train.add_argument("--data-dir", type=Path, help="dataset root (default: $GENHUB_DATA, else download)")
    train.add_argument("--out", type=Path, help="weights folder to write (default: runs/<plugin>/<variant>)")
    train.add_argument("--device", help="default: $GENHUB_DEVICE, else the best available")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--max-steps", type=int, help="stop after this many optimizer steps")
    train.add_argument("--train-limit", type=int, help="train on the first N examples only")
    train.add_argument("--seed", type=seed_value, default=0, help=f"0 to {MAX_SEED} (default 0)")
    train.add_argument("--no-resume", action="store_true", help="ignore an existing checkpoint")
    train.set_defaults(run=_train)

    sample = sub.add_parser(
        "sample", help="draw samples into a .png grid, .npy array or .wav file",
        epilog="Plugin options follow as --name value; `genhub sample PLUGIN --help` lists them.")
    sample.add_argument("plugin")
    sample.add_argument("--out", type=Path, required=True, help="output file: .png, .npy or .wav")
    sample.add_argument("--variant")
    sample.add_argument("--seed", type=seed_value, default=0, help=f"0 to {MAX_SEED} (default 0)")
    sample.add_argument("--count", type=int, default=None, help="default: 16 (1 for a .wav)")
    sample.add_argument("--device")
    sample.add_argument("--weights-dir", type=Path)
    sample.add_argument("--scale", type=int, default=None,
                        help="enlarge a .png this many times, pixels kept sharp (default: to at least "
                             f"{PNG_MIN_SIDE} px on its longer side)")
    sample.set_defaults(run=_sample)
    if sample_plugin is not None:
        _add_sample_options(sample.add_argument_group(f"options of {sample_plugin.name}"), sample_plugin)

    push = sub.add_parser("push", help="upload a weights folder to the Hugging Face Hub and tag it")
    push.add_argument("plugin")
    push.add_argument("--repo-id", required=True)
    push.add_argument("--variant")
    push.add_argument("--folder", type=Path, help="default: weights/<plugin>/<variant>")
    push.add_argument("--tag", help="tag to create on the uploaded commit (default: the spec's revision)")
    push.add_argument("--private", action="store_true")
    push.set_defaults(run=_push)
    return parser


def _add_plugin_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plugins", default=os.environ.get(PLUGINS_ENV),
                   help=f"comma-separated plugin names to load (default: ${PLUGINS_ENV}, else all)")
    p.add_argument("--no-plugin-autoload", action="store_true",
                   help=f"skip third-party plugins not named in --plugins (also: {NO_AUTOLOAD_ENV}=1)")


def _records(args: argparse.Namespace) -> list[PluginRecord]:
    return discover(args.plugins, autoload=False if args.no_plugin_autoload else None)


def _one_plugin(name: str):
    records = discover([name], autoload=False)
    if records[0].plugin is None:
        raise RuntimeError(f"plugin {name!r} did not load: {records[0].error}")
    return records[0].plugin


def _serve(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.app import serve

    serve(_records(args), host=args.host, port=args.port, device=args.device, weights_dir=args.weights_dir,
          preload=args.preload, share=args.share)
    return 0


def _list(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.weights import WeightsError, resolve_weights

    for record in _records(args):
        if record.plugin is None:
            print(f"{record.name:10s} ERROR  ({record.origin})\n    {record.error.splitlines()[0]}")
            continue
        print(f"{record.name:10s} {record.plugin.title}  ({record.origin})")
        for spec in record.plugin.variants:
            try:
                where = resolve_weights(record.name, spec, override_dir=args.weights_dir).origin
            except WeightsError as err:
                where = f"MISSING: {err}"
            print(f"    {spec.variant:12s} {spec.summary}\n    {'':12s} weights: {where}")
    return 0


def _train(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.device import pick_device
    from genhub.plugin import TrainRequest

    plugin = _one_plugin(args.plugin)
    variant = plugin.spec(args.variant).variant
    out = args.out or Path("runs") / plugin.name / variant
    request = TrainRequest(
        variant=variant, out_dir=out, data_dir=args.data_dir, device=str(pick_device(args.device)),
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, max_steps=args.max_steps,
        train_limit=args.train_limit, seed=args.seed, resume=not args.no_resume,
        command="genhub " + shlex.join(argv))
    plugin.train(request)
    return 0


def _sample(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    import numpy as np
    from PIL import Image

    from genhub.device import pick_device
    from genhub.imaging.grid import grid_image
    from genhub.plugin import SampleRequest
    from genhub.weights import load_weights, resolve_weights

    plugin = _one_plugin(args.plugin)
    options_parser = argparse.ArgumentParser(prog=f"genhub sample {plugin.name}", add_help=False)
    options_parser.add_argument("--help-options", action="help", help="show this plugin's options")
    _add_sample_options(options_parser, plugin)
    options = vars(options_parser.parse_args(extra))
    suffix = args.out.suffix.lower()
    if args.count is None:
        args.count = 1 if suffix == ".wav" else 16
    if args.count < 1 or args.count > 10_000:
        raise ValueError(f"--count must be between 1 and 10000, got {args.count}")
    if suffix not in {".png", ".npy", ".wav"}:
        raise ValueError(f"--out must end in .png, .npy or .wav, got {args.out}")
    spec = plugin.spec(args.variant)
    resolved = resolve_weights(plugin.name, spec, override_dir=args.weights_dir)
    loaded = load_weights(plugin.name, spec, resolved, plugin.build_model, pick_device(args.device))
    samples = plugin.sample(loaded.model, loaded.config, SampleRequest(args.count, args.seed, options))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = samples.data.detach().float().cpu()
    if suffix == ".npy":
        np.save(args.out, data.numpy())
    elif suffix == ".png":
        if samples.kind != "image":
            raise ValueError(f"{plugin.name} makes {samples.kind}, not images: use .npy or .wav")
        grid = grid_image(data, nrow=max(1, int(round(len(data) ** 0.5))))
        scale = args.scale or max(1, -(-PNG_MIN_SIDE // max(grid.size)))
        if not 1 <= scale <= 64:
            raise ValueError(f"--scale must be between 1 and 64, got {scale}")
        grid.resize((grid.width * scale, grid.height * scale), Image.Resampling.NEAREST).save(args.out)
    else:
        if samples.kind != "audio":
            raise ValueError(f"{plugin.name} makes {samples.kind}, not audio: use .png or .npy")
        import soundfile

        if len(data) == 1:
            soundfile.write(args.out, data[0].numpy(), samples.sample_rate)
        else:  # one mono file per clip: out-0.wav, out-1.wav, ...
            for i, clip in enumerate(data):
                soundfile.write(args.out.with_name(f"{args.out.stem}-{i}.wav"), clip.numpy(), samples.sample_rate)
    print(f"wrote {args.out}: {samples.kind} {tuple(data.shape)} from {plugin.name}/{spec.variant} ({resolved.origin})")
    return 0


def _push(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from huggingface_hub import HfApi

    plugin = _one_plugin(args.plugin)
    spec = plugin.spec(args.variant)
    folder = args.folder or Path(__file__).resolve().parent.parent / "weights" / plugin.name / spec.variant
    if not (folder / spec.filename).is_file():
        raise FileNotFoundError(f"{folder / spec.filename} does not exist; train or pass --folder")
    api = HfApi()
    api.create_repo(args.repo_id, private=args.private, exist_ok=True)
    commit = api.upload_folder(repo_id=args.repo_id, folder_path=folder,
                               allow_patterns=["*.safetensors", "config.json", "README.md", "*.png"],
                               commit_message=f"genhub {plugin.name}/{spec.variant}")
    tag = args.tag or spec.revision
    api.create_tag(args.repo_id, tag=tag, revision=commit.oid, exist_ok=True)
    print(f"uploaded {folder} to {args.repo_id} at commit {commit.oid}, tagged {tag}; "
          f"pin revision={commit.oid!r} in the plugin's WeightsSpec for an immutable pin")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
