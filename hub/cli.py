"""``genhub``: serve | list | train | sample | push | spaces build | check | new."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genhub.options import Option, checked_values
from genhub.plugin import MAX_SEED, TRAIN_FLAGS, Plugin
from genhub.registry import NO_AUTOLOAD_ENV, PLUGINS_ENV, PluginRecord, discover
from genhub.sample_files import PNG_MIN_SIDE

PLUGIN_OPTIONS = {"sample": "sample_options", "train": "train_options"}
"""The commands that take a plugin's own options, and the `Plugin` field declaring them."""
_METAVARS = {int: "INT", float: "NUMBER", str: "TEXT"}


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
    parser = _parser(*_plugin_asking_for_help(argv))
    args, extra = parser.parse_known_args(argv)
    if args.command not in PLUGIN_OPTIONS and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args, extra, argv)
    except (ValueError, KeyError, FileNotFoundError, RuntimeError, OverflowError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"genhub {args.command}: error: {message}", file=sys.stderr)
        return 2


def _plugin_asking_for_help(argv: list[str]) -> tuple[str | None, Plugin | None]:
    """``("sample", plugin)`` for ``genhub sample PLUGIN --help`` (likewise ``train``), so the
    help lists the plugin's own options; else ``(None, None)``."""
    if len(argv) < 2 or argv[0] not in PLUGIN_OPTIONS or argv[1].startswith("-") or not {"-h", "--help"} & set(argv):
        return None, None
    try:
        return argv[0], _one_plugin(argv[1])
    except (ValueError, RuntimeError):
        return None, None  # the ordinary run reports the unknown or broken plugin


def _add_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup, options: Sequence[Option]) -> None:
    """A flag per `Option`: ``--name VALUE``, or ``--name`` / ``--no-name`` for a bool. Values
    stay text here; `_option_values` checks them with `Option.check`, so a bad one gets our message."""
    for option in options:
        default = "" if option.default is None else f"; default: {option.default!r}"
        text = f"{option.help} ({option.allowed()}{default})".replace("%", "%%")
        if option.type is bool:
            parser.add_argument(option.flag, dest=option.name, action=argparse.BooleanOptionalAction, default=None,
                                help=text)
        else:
            parser.add_argument(option.flag, dest=option.name, default=None, metavar=_METAVARS[option.type],
                                help=text)


def _option_values(plugin: Plugin, command: str, extra: list[str]) -> dict[str, Any]:
    """The values of the plugin's options for ``command`` (`PLUGIN_OPTIONS`) from the arguments
    ``genhub`` itself did not take: each given one checked, the others at their default. Any
    other argument raises ValueError naming it and listing the flags the plugin takes."""
    options: tuple[Option, ...] = getattr(plugin, PLUGIN_OPTIONS[command])
    parser = argparse.ArgumentParser(prog=f"genhub {command} {plugin.name}", add_help=False, allow_abbrev=False,
                                     exit_on_error=False)
    _add_options(parser, options)
    try:
        given, unknown = parser.parse_known_args(_joined(extra, options))
    except argparse.ArgumentError as err:
        raise ValueError(str(err)) from None
    if unknown:
        flags = ", ".join(o.flag for o in options) or "none"
        raise ValueError(f"{plugin.name} does not take {unknown[0]!r}; its {command} options are: {flags}")
    return checked_values(options, {name: value for name, value in vars(given).items() if value is not None})


def _joined(arguments: list[str], options: Sequence[Option]) -> list[str]:
    """``--flag value`` -> ``--flag=value`` for the options that take a value, so that a value
    beginning with "-" (``--z -0.5,1``) is read as the value, not as another flag."""
    valued = {o.flag for o in options if o.type is not bool}
    joined: list[str] = []
    rest = iter(arguments)
    for argument in rest:
        if argument in valued:
            value = next(rest, None)
            joined.append(argument if value is None else f"{argument}={value}")
        else:
            joined.append(argument)
    return joined


def _parser(help_command: str | None = None, help_plugin: Plugin | None = None) -> argparse.ArgumentParser:
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
    serve.add_argument("--mcp", action="store_true", default=None,
                       help="also serve every public endpoint as an MCP tool at /gradio_api/mcp/ (streamable HTTP) "
                            "and /gradio_api/mcp/sse (default: $GRADIO_MCP_SERVER)")
    serve.set_defaults(run=_serve)

    lst = sub.add_parser("list", help="list plugins, variants and where their weights are")
    _add_plugin_selection(lst)
    lst.add_argument("--weights-dir", type=Path)
    lst.set_defaults(run=_list)

    generic = ", ".join(option.flag for option in TRAIN_FLAGS.values())
    train = sub.add_parser(
        "train", help="train a plugin's variant", allow_abbrev=False,
        epilog=f"The plugin's training options follow as --name value: those of {generic} it honours, and "
               "its own; `genhub train PLUGIN --help` lists them. Any other flag is an error.")
    train.add_argument("plugin")
    train.add_argument("--variant", help="default: the plugin's first variant")
    train.add_argument("--data-dir", type=Path, help="dataset root (default: $GENHUB_DATA, else download)")
    train.add_argument("--out", type=Path, help="weights folder to write (default: runs/<plugin>/<variant>)")
    train.add_argument("--device", help="default: $GENHUB_DEVICE, else the best available")
    train.add_argument("--seed", type=seed_value, default=0, help=f"0 to {MAX_SEED} (default 0)")
    train.add_argument("--no-resume", action="store_true", help="ignore an existing checkpoint")
    train.set_defaults(run=_train)

    sample = sub.add_parser(
        "sample", help="draw samples (or translate an input) into a .png grid, .npy array or .wav file",
        allow_abbrev=False,
        epilog="Plugin options follow as --name value; `genhub sample PLUGIN --help` lists them.")
    sample.add_argument("plugin")
    sample.add_argument("--out", type=Path, required=True, help="output file: .png, .npy or .wav")
    sample.add_argument("--input", type=Path,
                        help="the image or audio file a translation plugin translates (generation plugins take none)")
    sample.add_argument("--variant")
    sample.add_argument("--seed", type=seed_value, default=0, help=f"0 to {MAX_SEED} (default 0)")
    sample.add_argument("--count", type=int, default=None,
                        help="default: 16 (1 for a .wav); a translation makes one output per input")
    sample.add_argument("--device")
    sample.add_argument("--weights-dir", type=Path)
    sample.add_argument("--scale", type=int, default=None,
                        help="enlarge a .png this many times, pixels kept sharp (default: generated images to at "
                             f"least {PNG_MIN_SIDE} px on the longer side; a translation's output as it is)")
    sample.add_argument("--nrow", type=int, default=None,
                        help="images per row of a .png grid (default: about the square root of the count)")
    sample.set_defaults(run=_sample)
    if help_plugin is not None:
        group = (sample if help_command == "sample" else train).add_argument_group(
            f"{help_command} options of {help_plugin.name}")
        _add_options(group, getattr(help_plugin, PLUGIN_OPTIONS[help_command]))

    push = sub.add_parser("push", help="upload a weights folder to the Hugging Face Hub and tag it")
    push.add_argument("plugin")
    push.add_argument("--repo-id", required=True)
    push.add_argument("--variant")
    push.add_argument("--folder", type=Path, help="default: weights/<plugin>/<variant>")
    push.add_argument("--tag", help="tag to create on the uploaded commit (default: the spec's revision)")
    push.add_argument("--private", action="store_true")
    push.set_defaults(run=_push)

    spaces = sub.add_parser("spaces", help="write a Hugging Face Space folder from the plugins (and upload it)")
    spaces_sub = spaces.add_subparsers(dest="spaces_command", required=True)
    space = spaces_sub.add_parser("build", help="write a ready Space folder: code, app, requirements, card, weights")
    space.add_argument("out", type=Path, help="the folder to write (a Space built before is replaced)")
    space.add_argument("--plugins", help="comma-separated built-in plugins to put in (default: all)")
    space.add_argument("--hardware", default="cpu-basic",
                       help="the Space's suggested_hardware: cpu-basic, cpu-upgrade, zero-a10g, t4-small, ... "
                            "(default cpu-basic; any GPU kind drops the CPU-only torch wheels)")
    space.add_argument("--weights", choices=("ship", "hub"), default="ship",
                       help="ship: copy the released weights into the Space (default); hub: have Spaces download "
                            "them at the pinned revisions (preload_from_hub)")
    space.add_argument("--data-dir", type=Path,
                       help="datasets root the tabs' example images are shipped from (default: $GENHUB_DATA, else "
                            "download)")
    space.add_argument("--push", metavar="OWNER/NAME", help="then upload it to this Space repo (needs `hf auth login`)")
    space.add_argument("--private", action="store_true", help="create the Space repo private")
    space.set_defaults(run=_spaces)

    check = sub.add_parser("check", help="run the contract checks on a plugin and print a report (exit 1 if one fails)")
    check.add_argument("plugin", help="a plugin's name (built-in or installed) or module:attr naming its Plugin")
    check.add_argument("--data-dir", type=Path, help="dataset root handed to train (default: $GENHUB_DATA, else the "
                                                     "plugin's own download)")
    check.add_argument("--no-train", action="store_true", help="skip the check that trains the tiny config")
    check.set_defaults(run=_check)

    new = sub.add_parser("new", help="write a plugin package genhub-NAME/ to start from: model, train, sample, tab, "
                                     "tests, model card")
    new.add_argument("name", help="the plugin's name: a lower-case letter, then lower-case letters, digits or _")
    new.add_argument("--dir", type=Path, default=Path("."), help="the folder to write genhub-NAME/ in (default: here)")
    new.set_defaults(run=_new)
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
          preload=args.preload, share=args.share, mcp=args.mcp)
    return 0


def _list(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.weights import WeightsError, resolve_plugin_weights

    for record in _records(args):
        if record.plugin is None:
            print(f"{record.name:10s} ERROR  ({record.origin})\n    {record.error.splitlines()[0]}")
            continue
        print(f"{record.name:10s} {record.plugin.title}  ({record.origin})")
        for spec in record.plugin.variants:
            try:
                where = resolve_plugin_weights(record.plugin, spec, override_dir=args.weights_dir).origin
            except WeightsError as err:
                where = f"MISSING: {err}"
            print(f"    {spec.variant:12s} {spec.summary}\n    {'':12s} weights: {where}")
    return 0


def _train(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.device import pick_device
    from genhub.plugin import TrainRequest

    plugin = _one_plugin(args.plugin)
    values = _option_values(plugin, "train", extra)
    generic = {name: values.pop(name) for name in list(values) if name in TRAIN_FLAGS}
    variant = plugin.spec(args.variant).variant
    out = args.out or Path("runs") / plugin.name / variant
    request = TrainRequest(
        variant=variant, out_dir=out, data_dir=args.data_dir, device=str(pick_device(args.device)), **generic,
        seed=args.seed, resume=not args.no_resume, command="genhub " + shlex.join(argv), options=values)
    plugin.train(request)
    return 0


def _sample(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.device import pick_device
    from genhub.plugin import SampleRequest, Samples
    from genhub.sample_files import SUFFIXES, read_input, write_samples
    from genhub.weights import from_pretrained

    plugin = _one_plugin(args.plugin)
    options = _option_values(plugin, "sample", extra)
    if args.out.suffix.lower() not in SUFFIXES:
        raise ValueError(f"--out must end in .png, .npy or .wav, got {args.out}")
    translate = plugin.task == "translate"
    if translate:
        if args.input is None:
            raise ValueError(f"{plugin.name} translates an {plugin.input_kind}: give it one with --input FILE")
        if args.count not in (None, 1):
            raise ValueError(f"{plugin.name} makes one output per input; leave --count out (got {args.count})")
        args.count = 1
    elif args.input is not None:
        raise ValueError(f"{plugin.name} generates from a seed and takes no --input; leave --input out")
    if args.count is None:
        args.count = 1 if args.out.suffix.lower() == ".wav" else 16
    if args.count < 1 or args.count > 10_000:
        raise ValueError(f"--count must be between 1 and 10000, got {args.count}")
    loaded = from_pretrained(plugin, args.variant, device=pick_device(args.device), weights_dir=args.weights_dir)
    if translate:
        rate = loaded.config.get("data", {}).get("sample_rate") if plugin.input_kind == "audio" else None
        request = SampleRequest(1, args.seed, options, input=read_input(args.input, plugin.input_kind, rate),
                                input_sample_rate=rate)
    else:
        request = SampleRequest(args.count, args.seed, options)
    samples = plugin.sample(loaded.model, loaded.config, request)
    if not isinstance(samples, Samples):
        raise RuntimeError(f"{plugin.name}'s sample must return Samples, got {type(samples).__name__}")
    if len(samples.data) != request.count:
        raise RuntimeError(f"{plugin.name}'s sample returned {len(samples.data)} samples, not {request.count}")
    write_samples(samples, args.out, plugin.name, scale=args.scale, enlarge=not translate, nrow=args.nrow)
    print(f"wrote {args.out}: {samples.kind} {tuple(samples.data.shape)} from {plugin.name}/{loaded.spec.variant} "
          f"({loaded.origin})")
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


def _spaces(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    import importlib.util

    # The builder copies this checkout's folders (hub/, plugins/, training/, weights/, spaces/),
    # so it lives beside them in spaces/build.py rather than in the installed package.
    path = Path(__file__).resolve().parent.parent / "spaces" / "build.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: `genhub spaces build` copies a genhub checkout "
                                f"(git clone), which has spaces/ and weights/ beside hub/")
    spec = importlib.util.spec_from_file_location("genhub_spaces_build", path)
    builder = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # dataclasses look it up
    spec.loader.exec_module(builder)
    out = builder.build(args.out, args.plugins, hardware=args.hardware, weights=args.weights, data_dir=args.data_dir)
    print(f"wrote the Space in {out}")
    if args.push:
        commit = builder.push(out, args.push, private=args.private)
        print(f"pushed to https://huggingface.co/spaces/{args.push} ({commit})")
    return 0


def _check(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.contract import check_plugin

    report = check_plugin(args.plugin, data_dir=args.data_dir, train=not args.no_train)
    print(report.format())
    return 0 if report.ok else 1


def _new(args: argparse.Namespace, extra: list[str], argv: list[str]) -> int:
    from genhub.scaffold import new_plugin

    folder = new_plugin(args.name, args.dir)
    steps = [(f"pip install -e {folder}", "the hub finds it through its entry point"),
             (f"genhub check {args.name}", "the contract checks, as a report"),
             (f"python -m pytest {folder / 'tests'}", "the same checks, as tests"),
             (f"genhub train {args.name} --variant v1", f"trains, writes runs/{args.name}/v1/")]
    width = max(len(command) for command, _ in steps)
    print(f"wrote {folder}/: a tiny VAE on synthetic blobs, to make your own (its README says how). Next:")
    for command, why in steps:
        print(f"    {command:{width}s}  # {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
