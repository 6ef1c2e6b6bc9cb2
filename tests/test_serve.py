"""`guided-reader serve`: the reader in a browser through textual-serve.

The end-to-end test runs the real server on a free loopback port and talks to it as the page's
JavaScript does (textual-serve's protocol: JSON text frames `["resize", {...}]`, `["stdin", s]`
from the browser; the terminal's bytes as binary frames and `["deliver_file_start", key]` back).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys

import pytest

from guided_reader.cli import run
from guided_reader.core import paths
from guided_reader.core.loader import load_pack
from guided_reader.core.store import Store

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
DEADLINE = 90  # seconds for the whole conversation: generous for a loaded 2-core machine


def test_without_textual_serve_it_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # makes the import fail
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert run(["serve"]) == 2
    message = capsys.readouterr().err
    assert "pip install 'guided-reader[web]'" in message and "'.[web]'" in message
    assert "Traceback" not in message


@pytest.mark.parametrize("argv, says", [
    (["serve", "--port", "70000"], "--port must be between 1 and 65535"),
    (["serve", "no-such-folder"], "no-such-folder"),
])
def test_bad_arguments_are_refused_before_serving(argv, says, capsys):
    assert run(argv) == 2
    assert says in capsys.readouterr().err


def test_a_port_in_use_is_refused_with_a_reason(tmp_path):
    pytest.importorskip("textual_serve", reason="the [web] extra (textual-serve) is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "guided_reader", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in done.stderr
    assert "Traceback" not in done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """End the server and the reader it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture
def server(tmp_path):
    """A running `guided-reader serve` on a free loopback port: (base URL, its working folder)."""
    pytest.importorskip("textual_serve", reason="the [web] extra (textual-serve) is not installed")
    folder = tmp_path / "server-cwd"
    folder.mkdir()
    port = free_port()
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "guided_reader", "serve", "--port", str(port)],
                                   cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield f"127.0.0.1:{port}", folder
    finally:
        stop(process)
        print((tmp_path / "server.log").read_text(encoding="utf-8", errors="replace"))


async def wait_for_page(session, url: str) -> str:
    import aiohttp

    while True:
        try:
            async with session.get(url) as response:
                return await response.text()
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.2)


async def read_until(ws, screen: bytearray, wanted, events: list) -> None:
    """Gather the terminal's bytes (and the server's JSON events) until `wanted(text)` holds."""
    import aiohttp

    while not wanted(ANSI.sub("", screen.decode("utf-8", "replace"))):
        message = await ws.receive()
        if message.type == aiohttp.WSMsgType.BINARY:
            screen.extend(message.data)
        elif message.type == aiohttp.WSMsgType.TEXT:
            events.append(json.loads(message.data))
        else:
            raise AssertionError(f"the websocket closed before the text arrived: {message!r}")


async def test_a_browser_sees_the_first_section_and_downloads_the_journal(server):
    """And a second tab on the same pack is told that it is open in the first."""
    import aiohttp

    address, server_cwd = server
    pack = load_pack(paths.default_pack_dir())
    first = pack.sections[0]
    opening_words = " ".join(pack.paragraph(first.first).split()[:3])
    answer = "Typed in a browser tab"
    reply = " ".join(first.prompts[0].reflection.split()[:3])

    async def converse():
        async with aiohttp.ClientSession() as session:
            page = await wait_for_page(session, f"http://{address}/")
            assert f"ws://{address}/ws" in page  # where the page's script connects
            async with session.ws_connect(f"ws://{address}/ws?width=120&height=40") as ws:
                await ws.send_json(["resize", {"width": 120, "height": 40}])
                screen, events = bytearray(), []
                await read_until(ws, screen, lambda text: first.title in text and opening_words in text, events)
                await ws.send_json(["stdin", answer + "\r"])
                await read_until(ws, screen, lambda text: reply in text, events)  # taken, not just typed
                await ws.send_json(["stdin", "/journal\r"])
                await read_until(ws, screen, lambda _: any(e[0] == "deliver_file_start" for e in events), events)
                key = next(e[1] for e in events if e[0] == "deliver_file_start")
                async with session.get(f"http://{address}/download/{key}") as response:
                    download = response.headers["Content-Disposition"], await response.text()
                async with session.ws_connect(f"ws://{address}/ws?width=120&height=40") as second:
                    # a second tab while the first is open: told why, in the tab, not left blank
                    await read_until(second, bytearray(), lambda text: "is already open in another" in text, [])
                return download

    disposition, journal = await asyncio.wait_for(converse(), DEADLINE)
    assert f"filename={pack.id}-journal.md" in disposition and disposition.startswith("attachment")
    assert pack.title in journal and answer in journal
    assert list(server_cwd.iterdir()) == []  # nothing landed in the server's own folder
    with Store.open() as store:  # the answer is kept where a terminal reader's would be
        assert answer in [a.text for a in store.load(pack.id).answers]


def test_the_served_command_is_the_reader_on_the_given_pack(tmp_path):
    from guided_reader.serve import reader_command

    folder = tmp_path / "my pack"
    assert reader_command(None).endswith("-m guided_reader")
    assert reader_command(folder).endswith(f"-m guided_reader '{folder}'")  # quoted for the shell
