"""The contract kit: the checks every plugin must pass, in one place, importable by any package.

    from genhub.contract import check_plugin
    report = check_plugin("genhub_mymodel:PLUGIN")     # or a registered name, or a Plugin
    print(report.format()); assert report.ok

    # tests/test_contract.py of a plugin package: one test per check
    from genhub.contract import contract_tests
    test_contract = contract_tests("genhub_mymodel:PLUGIN")

``genhub check PLUGIN`` prints the same report, and the hub's own contract tests run the same
`CHECKS` on every built-in plugin. They run on the plugin's ``tiny_config`` (random weights, a
few training steps), so a plugin is checked before it has released weights; its released
weights are checked too when they can be found.

A check never raises for a broken plugin: what is wrong becomes a failed `CheckResult` whose
message names the field, function or file at fault.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import torch
from torch import nn

from genhub.options import checked_values
from genhub.plugin import CONFIG_FILENAME, WEIGHTS_FILENAME, Plugin, SampleRequest, Samples, TrainRequest

if TYPE_CHECKING:
    from genhub.store import ModelStore
    from genhub.weights import LoadedWeights

TINY_PARAMETERS = 200_000
"""A tiny model has fewer parameters than this: it builds, samples and trains in seconds on a CPU."""
INPUT_SHAPES = {"image": [(1, 1, 13, 17), (2, 3, 16, 16)], "audio": [(1, 800), (2, 400)]}
"""Inputs a translator must take: grey and colour images of any size; clips of any length."""
INPUT_RATE = 8000
"""Hz of the test clips given to an audio translator."""
CALLS = {"build_model": ("model_config",), "train": ("request",), "sample": ("model", "config", "request"),
         "build_tab": ("context",)}
"""The plugin's functions and the arguments the hub calls each with."""

Status = Literal["passed", "failed", "skipped"]


class CheckFailed(AssertionError):
    """The plugin breaks the contract; the message says what is wrong and where."""


class CheckSkipped(Exception):
    """The check cannot run here (no tiny_config, no released weights found...); the message says why."""


@dataclass
class Subject:
    """What a check function is handed: the plugin (None when it did not load), where it came
    from or why it did not load, the dataset root and a fresh folder of the check's own."""

    plugin: Plugin | None
    origin: str
    load_error: str | None
    data_dir: Path | None
    work_dir: Path

    def loaded(self) -> Plugin:
        if self.plugin is None:
            raise CheckSkipped("the plugin did not load (see the 'loads' check)")
        return self.plugin


@dataclass(frozen=True)
class Check:
    """One contract check. ``function`` raises `CheckFailed` (or anything else: a failure too)
    or `CheckSkipped`, or returns an optional note shown beside a pass."""

    name: str
    description: str
    function: Callable[[Subject], str | None]
    trains: bool = False
    """Trains the plugin for a few steps: seconds, not milliseconds; off with ``train=False``."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    message: str
    """Why it failed or was skipped; for a pass, an optional note (may be empty)."""
    seconds: float


@dataclass(frozen=True)
class Report:
    """The results of every check on one plugin, in `CHECKS` order."""

    plugin: str
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """No check failed (skipped ones do not count against the plugin)."""
        return all(result.status != "failed" for result in self.results)

    def format(self) -> str:
        """A plain-text table, one line per check (status, name, seconds, what it checks), with
        the message of a failed or skipped check indented under its line."""
        counts = {status: sum(r.status == status for r in self.results) for status in ("passed", "failed", "skipped")}
        lines = [f"genhub check {self.plugin}: " + ", ".join(f"{n} {status}" for status, n in counts.items())]
        width = max(len(check.name) for check in CHECKS)
        descriptions = {check.name: check.description for check in CHECKS}
        lines.append(f"{'status':8s} {'check':{width}s} {'time':>8s}  what it checks")
        for result in self.results:
            note = f"  ({result.message})" if result.status == "passed" and result.message else ""
            lines.append(f"{result.status.upper():8s} {result.name:{width}s} {result.seconds:6.1f} s  "
                         f"{descriptions.get(result.name, '')}{note}")
            if result.status != "passed":
                lines += [f"{'':9s}{line}" for line in result.message.splitlines()]
        lines.append("OK" if self.ok else "FAILED: the plugin breaks the contract (see the messages above)")
        return "\n".join(lines)


def expect(condition: object, message: str) -> None:
    """Raise `CheckFailed(message)` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def call(what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``; an exception becomes `CheckFailed` saying ``what`` raised it and where."""
    try:
        return fn(*args)
    except (CheckFailed, CheckSkipped):
        raise
    except (Exception, SystemExit) as err:  # noqa: BLE001 - whatever the plugin raises is the plugin's failure
        raise CheckFailed(f"{what} raised {type(err).__name__}: {err}{_where(err)}") from err


def _where(err: BaseException) -> str:
    """`` (at file:line, in function)`` of the innermost frame of ``err``'s traceback."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return ""
    frame = frames[-1]
    return f" (at {frame.filename}:{frame.lineno}, in {frame.name})"


# --- loading the plugin -------------------------------------------------------------------------

def load_plugin(target: Plugin | str) -> tuple[Plugin | None, str, str | None]:
    """``(plugin, origin, error)`` for a Plugin, a registered plugin name (built-in folder or
    entry point) or ``"module:attr"``; ``plugin`` is None and ``error`` says why when it does not
    load. Never raises (but for KeyboardInterrupt)."""
    if isinstance(target, Plugin):
        return target, "a Plugin object", None
    if not isinstance(target, str):
        return None, repr(target), f"expected a Plugin, a plugin name or 'module:attr', got {type(target).__name__}"
    if ":" in target:
        return _load_attribute(target)
    from genhub.registry import STARTUP_HINT, discover

    try:
        records = discover([target], autoload=False)
    except ValueError as err:
        return None, target, str(err)
    record = next((r for r in records if r.name == target), records[0])
    if record.plugin is None:
        return None, record.origin, (record.error or "").replace(f"\n\n{STARTUP_HINT}", "")
    return record.plugin, record.origin, None


def _load_attribute(target: str) -> tuple[Plugin | None, str, str | None]:
    module_name, _, attribute = target.partition(":")
    origin = f"module {module_name}"
    try:
        module = importlib.import_module(module_name)
    except (Exception, SystemExit) as err:  # noqa: BLE001 - an import error is the plugin's failure
        return None, origin, f"importing the plugin module {module_name!r} failed: {type(err).__name__}: {err}" \
                             f"{_where(err)}"
    obj = getattr(module, attribute, None)
    if obj is None:
        return None, origin, f"module {module_name!r} has no attribute {attribute!r}; define {attribute} = Plugin(...)"
    if not isinstance(obj, Plugin):
        return None, origin, f"{target} is a {type(obj).__name__}, not a genhub.plugin.Plugin"
    return obj, origin, None


# --- the checks ---------------------------------------------------------------------------------

def _loads(subject: Subject) -> str:
    if subject.load_error is not None:
        raise CheckFailed(subject.load_error)
    return subject.origin


def _functions(subject: Subject) -> str:
    plugin = subject.loaded()
    problems, lazy = [], []
    for field, arguments in CALLS.items():
        fn = getattr(plugin, field)
        target = getattr(fn, "target", None)
        if target is not None:
            fn, problem = _resolve(field, target)
            if problem:
                problems.append(problem)
                continue
            lazy.append(f"{field} -> {target}")
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):  # a builtin or C function: nothing to check
            continue
        try:
            signature.bind(*arguments)
        except TypeError:
            problems.append(f"{field}: {getattr(fn, '__qualname__', fn)}{signature} cannot be called as "
                            f"{field}({', '.join(arguments)}), the way the hub calls it")
    expect(not problems, "\n".join(problems))
    return ", ".join(lazy)


def _resolve(field: str, target: str) -> tuple[Callable[..., Any] | None, str | None]:
    """The function a lazy ``target`` names, or a message saying why it does not resolve."""
    module_name, _, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except (Exception, SystemExit) as err:  # noqa: BLE001
        return None, (f"{field}: importing module {module_name!r} (named by lazy({target!r})) failed: "
                      f"{type(err).__name__}: {err}{_where(err)}")
    fn = getattr(module, name, None)
    if fn is None:
        return None, f"{field}: module {module_name!r} has no function {name!r} (named by lazy({target!r}))"
    if not callable(fn):
        return None, f"{field}: {target} is a {type(fn).__name__}, not a function"
    return fn, None


def tiny_model(plugin: Plugin) -> tuple[nn.Module, dict[str, Any]]:
    """The plugin's tiny model in eval mode (random weights, seeded) and the config ``sample`` gets."""
    if plugin.tiny_config is None:
        raise CheckSkipped("the plugin declares no tiny_config (see the 'tiny_config' check)")
    torch.manual_seed(0)
    model = call("build_model(tiny_config['model'])", plugin.build_model, dict(plugin.tiny_config["model"]))
    expect(isinstance(model, nn.Module),
           f"build_model(tiny_config['model']) returned a {type(model).__name__}, not a torch.nn.Module")
    return model.eval(), dict(plugin.tiny_config)


def _tiny_config(subject: Subject) -> str:
    plugin = subject.loaded()
    expect(plugin.tiny_config is not None,
           "tiny_config is None: declare tiny_config={\"model\": {...}}, build_model's keyword arguments for a very "
           "small model (plus whatever else sample reads from config.json, e.g. \"data\"), so that the contract "
           "checks build, sample and train it without weights")
    model, _ = tiny_model(plugin)
    parameters = sum(p.numel() for p in model.parameters())
    expect(parameters < TINY_PARAMETERS, f"tiny_config builds a model of {parameters:,} parameters; a tiny one has "
                                         f"fewer than {TINY_PARAMETERS:,}: shrink tiny_config['model']")
    return f"{parameters:,} parameters"


def _train_options(subject: Subject) -> None:
    expect(subject.loaded().train_options,
           "train_options is empty: declare the generic flags train honours (train_flags(\"max_steps\", ...)) and "
           "its own options; genhub train refuses every flag a plugin does not list")


def translation_input(kind: str, shape: tuple[int, ...], seed: int = 0) -> tuple[torch.Tensor, int | None]:
    """A seeded test input: images in [0, 1] of ``shape``, or clips in [-1, 1] at `INPUT_RATE` Hz."""
    generator = torch.Generator().manual_seed(seed)
    if kind == "image":
        return torch.rand(shape, generator=generator), None
    return torch.rand(shape, generator=generator) * 2 - 1, INPUT_RATE


def run(plugin: Plugin, model: nn.Module, config: Mapping[str, Any], options: Mapping[str, Any],
        seed: int = 0, count: int = 3, shape: tuple[int, ...] | None = None) -> Samples:
    """One ``sample`` call, checked: `Samples`, one per requested count. A translator gets an
    input of ``shape`` (default: the first of `INPUT_SHAPES`), so ``count`` is its batch size."""
    if plugin.task == "generate":
        request = SampleRequest(count, seed, options)
    else:
        x, rate = translation_input(plugin.input_kind, shape or INPUT_SHAPES[plugin.input_kind][0])
        request = SampleRequest(len(x), seed, options, input=x, input_sample_rate=rate)
    what = f"sample(model, config, SampleRequest(count={request.count}, seed={seed}, options={dict(options)}" + \
           (f", input of shape {tuple(request.input.shape)}))" if request.input is not None else "))")
    samples = call(what, plugin.sample, model, config, request)
    expect(isinstance(samples, Samples), f"{what} returned a {type(samples).__name__}; sample must return Samples")
    expect(len(samples.data) == request.count,
           f"{what} returned {len(samples.data)} samples; it must return one per requested count (per input)")
    return samples


def _seeded_sampling(subject: Subject) -> None:
    plugin = subject.loaded()
    model, config = tiny_model(plugin)
    options = checked_values(plugin.sample_options, {})
    if plugin.task == "generate":
        first, again, other = (run(plugin, model, config, options, seed) for seed in (7, 7, 8))
        expect(first.kind == again.kind and first.sample_rate == again.sample_rate,
               "sample: the same request gave samples of another kind or sample rate")
        expect(torch.equal(first.data, again.data), "sample: the same seed (7) gave different samples; draw all "
                                                    "randomness from a torch.Generator seeded with request.seed")
        expect(not torch.equal(first.data, other.data), "sample: seeds 7 and 8 gave the same samples; the seed must "
                                                        "change the randomness")
        return
    for shape in INPUT_SHAPES[plugin.input_kind]:
        first = run(plugin, model, config, options, shape=shape)
        again = run(plugin, model, config, options, shape=shape)
        expect(torch.equal(first.data, again.data),
               f"sample: the same input of shape {shape} and seed gave different outputs")


def at_bounds(plugin: Plugin, end: int) -> dict[str, Any]:
    """Every sample option at one end of what it declares (end 0: minimum or first choice, -1:
    maximum or last choice); options without either at their default."""
    values = {}
    for option in plugin.sample_options:
        ends = option.choices or ((option.minimum, option.maximum) if None not in (option.minimum, option.maximum)
                                  else None)
        if ends is not None:
            values[option.name] = ends[end]
    return checked_values(plugin.sample_options, values)


def _option_ranges(subject: Subject) -> str:
    plugin = subject.loaded()
    model, config = tiny_model(plugin)
    for end in (0, -1):
        run(plugin, model, config, at_bounds(plugin, end), count=1)
    count = len(plugin.sample_options)
    return f"{count} option{'s' * (count != 1)}"


def tiny_train_request(plugin: Plugin, out_dir: Path, data_dir: Path | None) -> TrainRequest:
    """A few steps of ``genhub train`` on the tiny config, with whichever generic flags it honours."""
    if plugin.tiny_config is None:
        raise CheckSkipped("the plugin declares no tiny_config (see the 'tiny_config' check)")
    honoured = {option.name for option in plugin.train_options}
    wanted = {"max_steps": 2, "train_limit": 64, "batch_size": 8, "epochs": 1}
    return TrainRequest(variant=plugin.default_variant, out_dir=out_dir, data_dir=data_dir, resume=False,
                        command=f"genhub train {plugin.name} (contract check, tiny config)",
                        model=plugin.tiny_config["model"], **{k: v for k, v in wanted.items() if k in honoured})


def _tiny_train(subject: Subject) -> str:
    from genhub.registry import PluginRecord
    from genhub.store import ModelStore
    from genhub.weights import WeightsError, from_pretrained

    plugin = subject.loaded()
    root = subject.work_dir
    out = root / plugin.name / plugin.default_variant
    request = tiny_train_request(plugin, out, subject.data_dir)
    with _captured() as log:
        try:
            call(f"train(TrainRequest(variant={request.variant!r}, max_steps={request.max_steps}, model=tiny_config"
                 f"['model'], out_dir={str(out)!r}))", plugin.train, request)
        except CheckFailed as err:
            raise CheckFailed(f"{err}{_tail(log)}") from err
    for name in (WEIGHTS_FILENAME, CONFIG_FILENAME):
        expect((out / name).is_file(), f"train wrote no {out / name}: it must write its weights folder to "
                                       f"request.out_dir (genhub.training.release.release does){_tail(log)}")
    try:
        loaded = from_pretrained(plugin, weights_dir=root)
    except WeightsError as err:
        raise CheckFailed(f"the folder train wrote does not load: {err}") from err
    expect(loaded.origin == str(out), f"from_pretrained loaded {loaded.origin}, not the folder train wrote ({out})")
    expect(not loaded.model.training, "the loaded model is in training mode")
    expect({**loaded.config["model"], **plugin.tiny_config["model"]} == loaded.config["model"],
           f"{out / CONFIG_FILENAME}'s \"model\" {loaded.config['model']} does not record the tiny architecture "
           f"{dict(plugin.tiny_config['model'])} train was asked for (TrainRequest.model: use request.architecture)")
    parameters = sum(p.numel() for p in loaded.model.parameters())
    expect(parameters < TINY_PARAMETERS, f"train ignored TrainRequest.model: it trained {parameters:,} parameters")
    first = run(plugin, loaded.model, loaded.config, {}, seed=5)
    expect(torch.equal(first.data, run(plugin, loaded.model, loaded.config, {}, seed=5).data),
           "sample: the same seed (5) gave different samples from the trained weights")
    store = ModelStore([PluginRecord(plugin.name, "contract check", plugin=plugin)], torch.device("cpu"),
                       weights_dir=root)
    expect(store.get(plugin.name).sha256 == loaded.sha256, "the hub's ModelStore did not serve the folder just trained")
    endpoints = tab_endpoints(plugin, store)
    check_endpoints(plugin, endpoints)
    return f"endpoints {', '.join(endpoints)}"


@contextlib.contextmanager
def _captured() -> Iterator[io.StringIO]:
    """Keep what ``train`` prints (progress bars, logs) out of the report; a failure quotes its tail."""
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        yield log


def _tail(log: io.StringIO, lines: int = 5) -> str:
    tail = [line for line in log.getvalue().replace("\r", "\n").splitlines() if line.strip()][-lines:]
    return "; its last output:\n" + "\n".join(tail) if tail else ""


def tab_endpoints(plugin: Plugin, store: ModelStore) -> list[str]:
    """Build the plugin's tab inside ``gr.Blocks`` / ``gr.Tab`` as the hub does; return the
    names of its public API endpoints."""
    import gradio as gr

    from genhub.app import PluginContext

    with gr.Blocks() as demo, gr.Tab(plugin.title):
        call("build_tab(context)", plugin.build_tab, PluginContext(plugin, store))
    return [d.api_name for d in demo.fns.values()
            if d.api_name and getattr(d, "api_visibility", "public") == "public"]


def check_endpoints(plugin: Plugin, endpoints: list[str]) -> None:
    """A tab offers at least one API endpoint, and names every public one ``<plugin>_<action>``."""
    expect(endpoints, f"build_tab: the tab has no public API endpoint; give each action's event "
                      f"api_name=\"{plugin.name}_<action>\"")
    wrong = [name for name in endpoints if not name.startswith(f"{plugin.name}_")]
    expect(not wrong, f"build_tab: name the tab's API endpoints {plugin.name}_<action> (api_name=...); found {wrong}")


def check_released_variant(plugin: Plugin, variant: str) -> LoadedWeights:
    """Load one released variant (`genhub.weights.from_pretrained`) and check it: the pinned hash,
    eval mode, a complete config.json (preprocessing facts, plugin, variant, training command),
    and seeded samples of the documented shape and range that repeat (and, generating, differ
    across seeds). Raises `CheckFailed` naming the variant."""
    from genhub.weights import WeightsError, from_pretrained

    at, spec = f"{plugin.name}/{variant}", plugin.spec(variant)
    try:
        loaded = from_pretrained(plugin, variant)
    except WeightsError as err:
        raise CheckFailed(str(err)) from err
    expect(loaded.sha256 == spec.sha256, f"{at}: {loaded.weights_file} hashes to {loaded.sha256}, but the WeightsSpec "
                                         f"pins {spec.sha256}")
    expect(not loaded.model.training, f"{at}: the loaded model is in training mode")
    config, where = loaded.config, f"{at}: config.json ({loaded.origin})"
    data = config.get("data")
    expect(isinstance(data, dict) and ("value_range" in data or "sample_rate" in data),
           f"{where}: \"data\" must state the preprocessing facts (\"value_range\" or \"sample_rate\"); got {data!r}")
    expect(config.get("plugin") == plugin.name and config.get("variant") == variant,
           f"{where} names plugin {config.get('plugin')!r}, variant {config.get('variant')!r}")
    command = (config.get("training") or {}).get("command", "")
    expect(isinstance(command, str) and command.startswith("genhub train"),
           f"{where}: \"training\".\"command\" must be the `genhub train ...` command the model card shows; "
           f"got {command!r}")
    first, again = (run(plugin, loaded.model, config, {}, seed=7) for _ in range(2))
    expect(first.data.dtype == torch.float32, f"{at}: samples are {first.data.dtype}, not float32")
    if first.kind == "image" and plugin.task == "generate":
        shape = (data.get("channels"), data.get("image_size"), data.get("image_size"))
        expect(tuple(first.data.shape[1:]) == shape, f"{at}: samples of shape {tuple(first.data.shape)}; config.json's "
                                                     f"\"data\" (channels, image_size) says (N, {shape})")
    if first.kind == "audio":
        expect(first.sample_rate, f"{at}: audio samples need a sample_rate")
    expect(torch.equal(first.data, again.data), f"{at}: the same seed (7) gave different samples")
    if plugin.task == "generate":
        other = run(plugin, loaded.model, config, {}, seed=8)
        expect(not torch.equal(first.data, other.data), f"{at}: seeds 7 and 8 gave the same samples")
    return loaded


def _released_weights(subject: Subject) -> str:
    from genhub.weights import WeightsError, resolve_plugin_weights

    plugin = subject.loaded()
    checked, missing = [], []
    for spec in plugin.variants:
        try:  # finding nothing is a skip; anything wrong with what is found is a failure
            resolve_plugin_weights(plugin, spec)
        except WeightsError as err:
            missing.append(f"{spec.variant}: {err}")
            continue
        check_released_variant(plugin, spec.variant)
        checked.append(spec.variant)
    if not checked:
        raise CheckSkipped("no released weights were found:\n" + "\n".join(missing))
    return ", ".join(checked) + (f"; not found: {', '.join(m.split(':')[0] for m in missing)}" if missing else "")


CHECKS: tuple[Check, ...] = (
    Check("loads", "imports, and is a genhub Plugin", _loads),
    Check("functions", "build_model, train, sample, build_tab resolve and take the hub's arguments", _functions),
    Check("tiny_config", f"tiny_config builds a module of < {TINY_PARAMETERS:,} parameters", _tiny_config),
    Check("train_options", "train_options lists the training flags", _train_options),
    Check("seeded_sampling", "a seed repeats its samples, another differs; a translation takes any input size",
          _seeded_sampling),
    Check("option_ranges", "sample takes each option at both ends of its range", _option_ranges),
    Check("tiny_train", "train -> weights folder -> loads -> samples repeat -> tab, endpoints <plugin>_<action>",
          _tiny_train, trains=True),
    Check("released_weights", "released weights, where found, load strictly with a complete config.json",
          _released_weights),
)
"""Every contract check, in the order they run."""
CHECK_NAMES = tuple(check.name for check in CHECKS)


# --- running them -------------------------------------------------------------------------------

def run_check(plugin: Plugin | str, check: Check | str, *, data_dir: Path | None = None,
              work_dir: Path | None = None, train: bool = True) -> CheckResult:
    """One check on ``plugin`` (a Plugin, a registered name or ``"module:attr"``); see `check_plugin`."""
    return check_plugin(plugin, data_dir=data_dir, work_dir=work_dir, train=train,
                        only=(check.name if isinstance(check, Check) else check,)).results[0]


def check_plugin(plugin: Plugin | str, *, data_dir: Path | None = None, work_dir: Path | None = None,
                 train: bool = True, only: tuple[str, ...] | None = None) -> Report:
    """Run `CHECKS` (or the ones named in ``only``) on ``plugin`` and report each one.

    Args:
        plugin: a `Plugin`, a registered plugin's name (built-in or entry point), or
            ``"module:attr"`` naming a Plugin object.
        data_dir: the dataset root handed to ``train`` (``TrainRequest.data_dir``).
        work_dir: where the checks write (``<work_dir>/<check>/``); None: a temporary folder,
            removed afterwards.
        train: False skips the checks that train (``tiny_train``).

    Never raises for a broken plugin: an import error, a missing function, a broken contract or
    an exception in the plugin's code is a failed result whose message says what and where.
    Raises ValueError only for a name in ``only`` that is not a check.
    """
    checks = CHECKS if only is None else tuple(_check_named(name) for name in only)
    loaded, origin, error = load_plugin(plugin)
    label = loaded.name if loaded is not None else str(plugin)
    with contextlib.ExitStack() as stack:
        root = Path(work_dir) if work_dir is not None else Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="genhub-check-")))
        results = []
        for check in checks:
            folder = root / check.name
            folder.mkdir(parents=True, exist_ok=True)
            subject = Subject(loaded, origin, error, Path(data_dir) if data_dir is not None else None, folder)
            results.append(_run(check, subject, train))
    return Report(label, tuple(results))


def _check_named(name: str) -> Check:
    for check in CHECKS:
        if check.name == name:
            return check
    raise ValueError(f"no contract check named {name!r}; they are {', '.join(CHECK_NAMES)}")


def _run(check: Check, subject: Subject, train: bool) -> CheckResult:
    start = time.perf_counter()
    status: Status = "passed"
    try:
        if check.trains and not train:
            raise CheckSkipped("training checks are off (train=False, genhub check --no-train)")
        if check.name != "loads":
            subject.loaded()
        message = check.function(subject) or ""
    except CheckSkipped as err:
        status, message = "skipped", str(err)
    except CheckFailed as err:
        status, message = "failed", str(err)
    except (Exception, SystemExit) as err:  # noqa: BLE001 - never raise for a broken plugin
        status, message = "failed", f"{type(err).__name__}: {err}{_where(err)}"
    return CheckResult(check.name, status, message, time.perf_counter() - start)


# --- pytest -------------------------------------------------------------------------------------

def pytest_outcome(result: CheckResult) -> None:
    """Make ``result`` the current test's outcome: a failure fails it with the check's message,
    a skip skips it with the reason; a pass returns."""
    import pytest

    if result.status == "failed":
        pytest.fail(f"contract check {result.name!r} failed:\n{result.message}", pytrace=False)
    if result.status == "skipped":
        pytest.skip(f"{result.name}: {result.message}")


def check_params(checks: tuple[Check, ...] = CHECKS) -> list[Any]:
    """``pytest.param`` per check, its id the check's name; the training ones marked ``slow``."""
    import pytest

    return [pytest.param(check, id=check.name, marks=[pytest.mark.slow] if check.trains else []) for check in checks]


def contract_tests(plugin: Plugin | str, *, train: bool = True) -> Callable[..., None]:
    """A pytest test function, parametrized over `CHECKS` (ids: the check names), that runs the
    contract on ``plugin``. A plugin package assigns it in its own test file::

        test_contract = contract_tests("genhub_mymodel:PLUGIN")

    A failed check fails its test with the check's message; a skipped one is skipped with the
    reason. ``train`` reaches ``TrainRequest.data_dir`` through the ``genhub_data_dir`` fixture
    (genhub's pytest plugin: ``--genhub-data-dir``, default ``$GENHUB_DATA``)."""
    import pytest

    @pytest.mark.parametrize("check", check_params())
    def test_contract(check: Check, genhub_data_dir: Path | None, tmp_path: Path) -> None:
        pytest_outcome(run_check(plugin, check, data_dir=genhub_data_dir, work_dir=tmp_path, train=train))

    return test_contract
