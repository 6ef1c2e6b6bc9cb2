"""SIGTERM and SIGHUP as a clean quit: the reader's draft and time are saved, the terminal is
given back as it was (main screen, mouse off, cursor shown), and the process exits 0.

Python's default for both is to die on the spot, which leaves the terminal on the alternate
screen with mouse reporting on and loses the draft typed since the last debounced save. The
handlers are installed on the running asyncio loop, so they run between the app's own
callbacks, never in the middle of a store write (a plain signal.signal handler could
interrupt one while it holds the store's lock).

A hang-up means the terminal is gone: the quit is the same, and nothing is printed.
"""

from __future__ import annotations

import asyncio
import signal
from contextlib import suppress

QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def install(app) -> None:
    """Make SIGTERM and SIGHUP run `app`'s quit action (which saves the draft) and exit 0.

    Not in headless runs (tests through pilot), which share the test process's signals."""
    if app.is_headless:
        return
    loop = asyncio.get_running_loop()
    quitting: list[asyncio.Task] = []

    def on_signal() -> None:
        if not quitting:  # a second signal while quitting changes nothing
            quitting.append(asyncio.ensure_future(_quit(app)))

    for signum in QUIT_SIGNALS:
        with suppress(ValueError, RuntimeError, NotImplementedError):  # not the main thread
            loop.add_signal_handler(signum, on_signal)


async def _quit(app) -> None:
    try:
        await app.run_action("quit")
    except Exception:  # noqa: BLE001 - quit anyway: the store has everything but the draft
        with suppress(Exception):
            app.session.close()
    app.exit(return_code=0)  # a no-op if the action already asked the app to exit
