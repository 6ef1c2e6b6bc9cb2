"""`guided-reader serve`: the reader in a web browser, through textual-serve (the `[web]` extra).

textual-serve runs a shell command for every browser that connects and relays its screen over a
websocket. The command is this same Python running `python -m guided_reader [PACK_DIR]`, so a
served reader is built by the same `make_app` as in a terminal and keeps its data in the same
place. There is no authentication: whoever reaches the port reads and answers as this reader.
"""

from __future__ import annotations

import errno
import os
import shlex
import socket
import sys
from pathlib import Path

INSTALL_HINT = ("guided-reader serve needs textual-serve, which is not installed: "
                "pip install 'guided-reader[web]' (or pip install '.[web]' from a clone)")
WILDCARDS = ("0.0.0.0", "::", "")
LISTEN_ERRORS = {errno.EADDRINUSE: "the port is in use (another server, or this one already running?)",
                 errno.EADDRNOTAVAIL: "that address is not one of this machine's",
                 errno.EACCES: "ports below 1024 need administrator rights; choose another with --port"}


def reader_command(pack_dir: Path | None) -> str:
    """The shell command textual-serve runs per browser: the reader on `pack_dir`."""
    words = [sys.executable, "-m", "guided_reader"]
    if pack_dir is not None:
        words.append(str(pack_dir.resolve()))  # the server's folder is not the browser's business
    return shlex.join(words)


def public_url(host: str, port: int) -> str:
    """The address the page tells the browser to connect back to. A wildcard host listens on
    every interface, so the page names this machine rather than 0.0.0.0."""
    name = socket.gethostname() if host in WILDCARDS else host
    name = f"[{name}]" if ":" in name else name
    return f"http://{name}:{port}"


def server(pack_dir: Path | None, host: str, port: int, title: str):
    """A textual-serve Server for the reader; ImportError when the `[web]` extra is missing."""
    from textual_serve.server import Server

    return Server(reader_command(pack_dir), host=host, port=port, title=title,
                  public_url=public_url(host, port))


def listen_problem(exc: OSError) -> str | None:
    """Why the server cannot listen, in words, if that is what `exc` says (None otherwise)."""
    if isinstance(exc, socket.gaierror):
        return f"not an address or a known host name ({exc.strerror})"
    return LISTEN_ERRORS.get(exc.errno)


def is_served() -> bool:
    """Whether this process is a reader that textual-serve started for a browser (it sets the
    driver through the environment before running the command)."""
    return os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")


def tell_browser(message: str) -> None:
    """Show `message` in the browser tab: a served reader that cannot start has no terminal
    where its error would be seen, and the page would stay blank."""
    from textual.app import App
    from textual.content import Content
    from textual.widgets import Static

    class Notice(App):
        def compose(self):
            yield Static(Content(f"guided-reader: {message}\n\nClose this tab to end."))

    Notice().run()
