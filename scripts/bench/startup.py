"""Start-up to the first screen and peak memory: the reader and an empty Textual app, each
started as a subprocess on a 120x40 pty, alternated."""

from __future__ import annotations

import json
import os
import pty
import shlex
import subprocess
import sys
import threading
from pathlib import Path

from bench.results import MB, Measure, median, within

EXIT_ENV = "GUIDED_READER_BENCH_EXIT"  # the reader exits right after its first paint
SIZE = (120, 40)

EMPTY_APP = f'''\
import os
from textual.app import App
from textual.widgets import Footer, Header, Static


class Empty(App):
    def compose(self):
        yield Header()
        yield Static("An empty app: a header, this line and a footer.")
        yield Footer()

    def on_mount(self):
        if os.environ.get("{EXIT_ENV}"):
            self.call_after_refresh(self.exit)


Empty().run()
'''


SPAWN = """\
import json, os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawn(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(out, "w") as f:
    json.dump({"seconds": seconds, "maxrss": usage.ru_maxrss * 1024, "code": os.waitstatus_to_exitcode(status)}, f)
"""


def run_on_pty(cmd: list[str], env: dict[str, str], work: Path, timeout: float = 300.0) -> tuple[float, int]:
    """Seconds from process start to exit, and peak RSS in bytes, of `cmd` on a 120x40 pty.

    A small launcher starts `cmd` and reads its rusage: on Linux a child's ru_maxrss keeps the
    high-water mark of whatever it was forked from, so starting the app straight from this
    (large) process would charge it with this process's memory.
    """
    import fcntl
    import struct
    import termios

    launcher, out = work / "spawn.py", work / "spawn.json"
    launcher.write_text(SPAWN, encoding="utf-8")
    out.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    received = bytearray()

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            received.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    full = [sys.executable, "-S", str(launcher), str(out), *cmd]
    proc = subprocess.Popen(full, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    try:
        proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(slave)
        reader.join(2)
        os.close(master)
    result = json.loads(out.read_text()) if out.exists() else {"code": proc.returncode}
    if proc.returncode != 0 or result["code"] != 0:
        tail = received[-2000:].decode("utf-8", "replace")
        raise RuntimeError(f"{shlex.join(cmd)} exited with {result['code']}:\n{tail}")
    if len(received) < 200:
        raise RuntimeError(f"{shlex.join(cmd)} painted nothing ({len(received)} bytes)")
    return result["seconds"], result["maxrss"]


class Starter:
    """Starts the reader (`python -m guided_reader PACK`) and the empty app the same way.

    The reader's data folder, and with it the compiled-pack cache, is one folder for the whole
    run: after the first start of a pack, later starts find it compiled (`cold` bypasses it)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.empty = work / "empty_app.py"
        self.empty.write_text(EMPTY_APP, encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        self.env.update({EXIT_ENV: "1", "TERM": "xterm-256color", "COLORTERM": "truecolor",
                         "GUIDED_READER_HOME": str(work / "home-startup")})
        self.env.pop("NO_COLOR", None)
        # Both start with warm bytecode, as from any install after its first run: the untimed
        # first start writes it (with PYTHONDONTWRITEBYTECODE set, as on some machines, every
        # start compiled the reader's own modules from source while Textual's came compiled),
        # into this run's folder rather than the source tree.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    def reader(self, pack: Path, cold: bool = False) -> tuple[float, int]:
        flags = ["--no-cache"] if cold else []
        return run_on_pty([sys.executable, "-m", "guided_reader", str(pack), *flags], self.env, self.work)

    def empty_app(self) -> tuple[float, int]:
        return run_on_pty([sys.executable, str(self.empty)], self.env, self.work)

    def compare(self, pack: Path, repeats: int, cold: bool = False):
        """Alternate the two, after one untimed start of each (bytecode caches, disk cache and,
        unless `cold`, the compiled-pack cache): ([(s, rss)] of the reader, [(s, rss)] of the app)."""
        self.reader(pack, cold), self.empty_app()
        reader, empty = [], []
        for _ in range(repeats):
            reader.append(self.reader(pack, cold))
            empty.append(self.empty_app())
        return reader, empty


STARTUP_TARGETS = {"bundled": 1.15, "large": 1.5}  # issue 13: a large compiled pack starts nearly as fast


def startup_and_memory(starter: Starter, packs: dict[str, Path], repeats: dict[str, int],
                       budgets: dict[str, float]) -> tuple[list[Measure], dict[str, float]]:
    """Start-up (compiled cache warm) and peak memory per pack; then the large pack once more
    with the cache bypassed, reported without a target."""
    out, peaks = [], {}
    label, floor_label = "start-up to first screen (pty, 120x40, compiled cache warm)", "empty Textual app (Header, Static, Footer)"
    for name, folder in packs.items():
        reader, empty = starter.compare(folder, repeats[name])
        t, t0 = median(r[0] for r in reader), median(e[0] for e in empty)
        m, m0 = median(r[1] for r in reader) / MB, median(e[1] for e in empty) / MB
        peaks[name], peaks["empty"] = m, m0
        out.append(within("startup", label, name, t * 1000, t0 * 1000, floor_label, "ms", STARTUP_TARGETS[name],
                          {"runs": len(reader)}))
        budget = budgets[name]
        out.append(Measure("memory", "peak memory (ru_maxrss) at first screen", name, m, m0,
                           "empty Textual app", "MB", f"<= empty + {budget:g} MB", m - m0 <= budget,
                           detail={"above_empty_mb": round(m - m0, 1)}))
    reader, empty = starter.compare(packs["large"], repeats["cold"], cold=True)
    t, t0 = median(r[0] for r in reader), median(e[0] for e in empty)
    out.append(Measure("startup_cold", "start-up to first screen, compiled cache bypassed (--no-cache)", "large",
                       t * 1000, t0 * 1000, floor_label, "ms", "(parses, validates and indexes the pack)", None,
                       detail={"runs": len(reader)}))
    return out, peaks
