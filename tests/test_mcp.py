"""`genhub serve --mcp`: every public endpoint is an MCP tool named by its api_name, described
with its parameters' ranges, and an image result comes back as an image an assistant can use."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from PIL import Image

from tests.conftest import served_hub

pytestmark = pytest.mark.slow
T = TypeVar("T")
VAE_TOOLS = {"vae_decode", "vae_map", "vae_variant", "vae_manifold", "vae_encode_drawing", "vae_encode_upload",
             "vae_interpolate", "vae_walk"}
CGAN_TOOLS = {"cgan_grid", "cgan_number", "cgan_styles", "cgan_best_of", "cgan_interpolate"}


@pytest.fixture(scope="module")
def mcp_url(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The streamable-HTTP MCP endpoint of a hub serving the VAE and CGAN plugins."""
    log = tmp_path_factory.mktemp("mcp") / "serve.log"
    with served_hub("--mcp", "--plugins", "vae,cgan", "--no-plugin-autoload",
                    env={"GENHUB_DATA": str(data_dir)}, log=log) as url:
        yield f"{url}gradio_api/mcp/"


def in_session(url: str, use: Callable[[Any], Awaitable[T]]) -> T:
    """Open an MCP client session on ``url`` (streamable HTTP), run ``use(session)``, close it."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> T:
        async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as session:
            await session.initialize()
            return await use(session)
    return asyncio.run(run())


def tools(mcp_url: str) -> dict[str, Any]:
    async def list_tools(session: Any) -> dict[str, Any]:
        return {tool.name: tool for tool in (await session.list_tools()).tools}
    return in_session(mcp_url, list_tools)


def call(mcp_url: str, name: str, arguments: dict[str, Any]) -> Any:
    async def call_tool(session: Any) -> Any:
        return await session.call_tool(name, arguments)
    return in_session(mcp_url, call_tool)


def test_every_public_endpoint_is_a_tool_named_by_its_api_name_with_documented_ranges(mcp_url: str) -> None:
    listed = tools(mcp_url)
    assert VAE_TOOLS | CGAN_TOOLS <= set(listed), sorted(listed)
    # Private events (the map click, the sliders' second binding, variant loading) stay out.
    assert not {"click", "decode_point", "load", "relabel", "random_anchors"} & set(listed)
    assert not [name for name in listed if name.startswith("lambda")], "no anonymous tools"
    assert "one row per variant" in listed["plugin_status"].description
    for name in VAE_TOOLS | CGAN_TOOLS:
        tool = listed[name]
        assert tool.description, name
        for parameter, schema in tool.inputSchema["properties"].items():
            assert schema.get("description"), f"{name}({parameter}) has no description"
    decode = listed["vae_decode"]
    assert "224×224" in decode.description and "PNG" in decode.description
    assert "-4 to 4" in decode.inputSchema["properties"]["u"]["description"]
    assert "0-1999" in decode.inputSchema["properties"]["a"]["description"]
    grid = listed["cgan_grid"].inputSchema["properties"]
    assert "1 to 100" in grid["count"]["description"]
    assert "0 to 2147483647" in grid["seed"]["description"]


def test_decode_tool_returns_the_digit_as_an_image_and_a_fetchable_url(mcp_url: str) -> None:
    result = call(mcp_url, "vae_decode", {"variant": "mnist-2d", "u": 0.5, "v": -1.0, "a": 3, "b": 2, "c": 0})
    assert not result.isError, result.content
    image = next(c for c in result.content if c.type == "image")
    assert image.mimeType == "image/png"
    assert Image.open(io.BytesIO(base64.b64decode(image.data))).size == (224, 224)
    text = next(c.text for c in result.content if c.type == "text")
    url = text.removeprefix("Image URL: ")
    assert url.startswith("http://127.0.0.1:"), text
    answer = httpx.get(url)
    assert answer.status_code == 200 and Image.open(io.BytesIO(answer.content)).size == (224, 224)


def test_a_bad_argument_is_an_error_message_and_the_server_keeps_answering(mcp_url: str) -> None:
    result = call(mcp_url, "vae_decode", {"variant": "mnist-2d", "u": 50, "v": 0})
    assert result.isError
    message = " ".join(c.text for c in result.content if c.type == "text")
    assert "u" in message and "50" in message and "-4" in message, message
    assert "Traceback" not in message
    unknown = call(mcp_url, "cgan_grid", {"variant": "svhn"})
    assert unknown.isError and "svhn" in " ".join(c.text for c in unknown.content if c.type == "text")
    assert not call(mcp_url, "cgan_grid", {"variant": "mnist", "label": "7", "count": 4, "seed": 0}).isError


def test_a_tool_with_several_outputs_returns_each_picture_as_an_image(mcp_url: str) -> None:
    """vae_variant answers (u, v, plane, range, map, digit): the map and the digit come back as
    two images, not as one text holding the outputs' Python repr (Gradio 6.31, worked around)."""
    result = call(mcp_url, "vae_variant", {"variant": "mnist-2d", "a": 3, "b": 2, "c": 0})
    assert not result.isError, result.content
    assert [c.mimeType for c in result.content if c.type == "image"] == ["image/png", "image/png"]
    assert not any("{'path'" in c.text for c in result.content if c.type == "text")


def landing(result: Any) -> str:
    return next(c.text for c in result.content if c.type == "text" and c.text.startswith("μ lands"))


def test_a_file_input_takes_a_data_url_or_a_result_of_this_hub_and_never_fetches_another(mcp_url: str) -> None:
    """An assistant hands a file to a tool as a data: URL, or chains tools by passing the URL of
    a result; a URL of any other server is refused without being fetched."""
    decoded = call(mcp_url, "vae_decode", {"variant": "mnist-2d", "u": 0.5, "v": 0.5, "a": 3, "b": 2, "c": 0})
    url = next(c.text for c in decoded.content if c.type == "text").removeprefix("Image URL: ")
    chained = call(mcp_url, "vae_encode_upload", {"variant": "mnist-2d", "path": url, "a": 3, "b": 2, "c": 0})
    assert not chained.isError, chained.content
    u, v = (float(x) for x in landing(chained).split("(u, v) = (")[1].rstrip(")").split(", "))
    assert abs(u - 0.5) < 0.3 and abs(v - 0.5) < 0.3, "the decoded digit encodes back near its point"

    stroke = Image.new("L", (28, 28), 255)
    stroke.paste(0, (12, 4, 16, 24))  # a dark "1" on white, as a photo of a digit would be
    buffer = io.BytesIO()
    stroke.save(buffer, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    sent = call(mcp_url, "vae_encode_upload", {"variant": "mnist-2d", "path": data_url, "a": 3, "b": 2, "c": 0})
    assert not sent.isError, sent.content
    assert sum(c.type == "image" for c in sent.content) == 3, "what the model saw, its reconstruction, the map"

    for elsewhere in ("https://example.com/digit.png", "http://10.0.0.1/gradio_api/file=/etc/passwd",
                      f"{url.split('file=')[0]}file=/etc/hostname"):
        refused = call(mcp_url, "vae_encode_upload", {"variant": "mnist-2d", "path": elsewhere, "a": 3, "b": 2, "c": 0})
        message = " ".join(c.text for c in refused.content if c.type == "text")
        assert refused.isError and "not uploaded to this app" in message and "/etc" not in message, message
