"""How to get an output again: under every tab, after each successful call of one of its API
endpoints, the hub shows what made the output (endpoint, variant, seed, the weights' Hub repo,
revision and sha256), the ``gradio_client`` call that repeats it against this server, and, where
the plugin says how, the ``genhub sample`` command that writes the same pixels or samples.

The endpoints, parameter names and values come from the event itself (the values as the API
takes them: Gradio's unprocessed payload), so a third-party tab gets the box without doing
anything. A handler says which ``genhub sample`` arguments give its output with `sample_command`::

    @sample_command(lambda variant, label, count, seed, show_reading, **_: None if show_reading else
                    ["--variant", variant, "--label", label, "--count", str(count), "--seed", str(seed),
                     "--out", "grid.png"])
    def grid(variant, label, count, seed, show_reading): ...
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import gradio as gr

if TYPE_CHECKING:
    from gradio.block_function import BlockFunction

    from genhub.plugin import Plugin

F = TypeVar("F", bound=Callable[..., Any])
COMMAND_ATTRIBUTE = "sample_command"
PLACEHOLDER = "(make something above: what made it and how to make it again appear here)"


def sample_command(build: Callable[..., Sequence[str] | None]) -> Callable[[F], F]:
    """Declare the ``genhub sample <plugin>`` arguments that give the decorated handler's output:
    ``build`` is called with the handler's arguments as keywords (the API's values: strings,
    numbers, booleans) and returns the arguments after the plugin's name, or None where the CLI
    cannot make this output. Only records it; the handler is unchanged."""
    def mark(handler: F) -> F:
        setattr(handler, COMMAND_ATTRIBUTE, build)
        return handler
    return mark


@dataclass(frozen=True)
class Recipe:
    """What the box shows for one call."""

    summary: str
    """Markdown: endpoint, variant, seed, weights (repo, revision, sha256)."""
    python: str
    """A ``gradio_client`` script that makes the same output on this server."""
    command: str | None
    """``genhub sample …`` giving the same output, or None."""


def recipe(plugin: Plugin, api_name: str, values: Mapping[str, Any], variant: str | None,
           url: str, handler: Callable[..., Any] | None = None) -> Recipe:
    """The recipe of a call of ``api_name`` with ``values`` (API parameter name -> the value as
    the API takes it), served at ``url``; ``handler`` may carry a `sample_command`."""
    facts = [f"**`{api_name}`**"]
    if variant is not None:
        spec = plugin.spec(variant)
        facts += [f"variant `{spec.variant}`", f"weights [`{spec.repo_id}`](https://huggingface.co/{spec.repo_id}) "
                  f"at revision `{spec.revision}`, sha256 `{spec.sha256[:16]}…`"]
    if "seed" in values:
        facts.insert(1, f"seed `{values['seed']}`")
    arguments = "".join(f"    {name}={python_literal(value)},\n" for name, value in values.items())
    uses_files = bool(_files(values.values()))
    python = (f"from gradio_client import Client{', handle_file' if uses_files else ''}\n\n"
              f"client = Client({url!r})\n"
              f"result = client.predict(\n{arguments}    api_name={'/' + api_name!r},\n)\n"
              "print(result)  # files come back as local paths")
    build = getattr(handler, COMMAND_ATTRIBUTE, None)
    command = None
    if build is not None:
        try:
            arguments_list = build(**values)
        except Exception:  # noqa: BLE001 - a broken recipe must not hide the output it describes
            arguments_list = None
        if arguments_list is not None:
            command = shlex.join(["genhub", "sample", plugin.name, *map(str, arguments_list)])
    return Recipe(" · ".join(facts), python, command)


def is_file(value: Any) -> bool:
    """Whether an API value is a file (Gradio's FileData: a dict with a ``path``)."""
    return isinstance(value, Mapping) and "path" in value and (
        "meta" in value or "url" in value or "orig_name" in value)


def python_literal(value: Any) -> str:
    """An API value as Python source for ``client.predict``: files become ``handle_file("<name>")``
    (the name the file had when it was uploaded; the reader supplies their own)."""
    if is_file(value):
        name = value.get("orig_name") or "your-file"
        return f"handle_file({name!r})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key!r}: {python_literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, (str, bool, int, float)) or value is None:
        return repr(value)
    return repr(json.loads(json.dumps(value, default=str)))


def _files(values: Any) -> list[Any]:
    """The files among ``values``, nested ones included."""
    found = []
    for value in values:
        if is_file(value):
            found.append(value)
        elif isinstance(value, Mapping):
            found += _files(value.values())
        elif isinstance(value, (list, tuple)):
            found += _files(value)
    return found


def base_url(request: gr.Request | None) -> str:
    """The URL a browser reached this app at (behind a proxy, what it forwarded), ending in "/"."""
    if request is None:
        return "http://127.0.0.1:7860/"
    headers = request.headers
    host = headers.get("x-forwarded-host") or headers.get("host") or "127.0.0.1:7860"
    scheme = headers.get("x-forwarded-proto") or "http"
    return f"{scheme}://{host}/"


def reproduce_box(plugin: Plugin, variant: gr.Component, block_fns: Sequence[BlockFunction]) -> None:
    """Draw the tab's "Reproduce the last output" box where it is called, filled after each
    successful call of the tab's public endpoints (``block_fns``: the events the tab registered).
    An event without an API name that runs the same handler on the same inputs as a public one
    (a second slider firing the same decode) counts as a call of that endpoint. The box is filled
    by the page (a ``.success`` step), so API callers pay nothing for it."""
    from gradio.context import get_blocks_context
    from gradio.events import Dependency

    public = {_key(f): f.api_name for f in block_fns if f.fn is not None and f.api_name
              and f.api_visibility == "public"}
    chained = [(f, public[_key(f)]) for f in block_fns if f.fn is not None and _key(f) in public]
    if not chained:
        return
    app = get_blocks_context().root_block
    with gr.Accordion("Reproduce the last output", open=False, elem_id=f"{plugin.name}-reproduce"):
        summary = gr.Markdown(PLACEHOLDER, elem_id=f"{plugin.name}-reproduce-summary")
        python = gr.Code(language="python", label="The same call from Python (gradio_client)", interactive=False,
                         elem_id=f"{plugin.name}-reproduce-python")
        shell = gr.Code(language="shell", label="The same output from the command line", interactive=False,
                        visible=False, lines=1, elem_id=f"{plugin.name}-reproduce-command")
    for block_fn, api_name in chained:
        show = _shower(plugin, app, block_fn, api_name, variant)
        Dependency(None, {}, block_fn._id, None).success(
            show, block_fn.inputs, [summary, python, shell], preprocess=False, queue=False,
            show_progress="hidden", api_visibility="private")


def _key(block_fn: BlockFunction) -> tuple[int, tuple[int, ...]]:
    return id(block_fn.fn), tuple(block._id for block in block_fn.inputs)


def _shower(plugin: Plugin, app: gr.Blocks, block_fn: BlockFunction, api_name: str,
            variant: gr.Component) -> Callable[..., tuple[str, Any, Any]]:
    """The step after ``block_fn`` that fills the box from its unprocessed inputs."""
    handler = block_fn.fn
    listed = [i for i, block in enumerate(block_fn.inputs) if not getattr(block, "skip_api", False)]
    where = next((i for i, block in enumerate(block_fn.inputs) if block is variant), None)
    # A handler without the selector uses the default variant, the only one when the tab offers one.
    offered = [spec for spec in plugin.variants if getattr(spec, "in_tab", True)]
    only = plugin.default_variant if len(offered) == 1 else None
    names: list[str] = []

    def show(request: gr.Request, *raw: Any) -> tuple[str, Any, Any]:
        if not names:  # the API page's names, known once the whole app is built
            parameters = app.get_api_info()["named_endpoints"][f"/{api_name}"]["parameters"]
            names.extend(parameter["parameter_name"] for parameter in parameters)
        values = dict(zip(names, (raw[i] for i in listed)))
        made = recipe(plugin, api_name, values, only if where is None else raw[where], base_url(request), handler)
        return (made.summary, gr.Code(made.python),
                gr.Code(made.command or "", visible=made.command is not None))
    return show
