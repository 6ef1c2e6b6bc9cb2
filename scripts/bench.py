"""Speed and memory of guided-reader, each as a ratio to a floor measured in the same run.

    python scripts/bench.py [--quick] [--json] [--save FILE] [--seed N]

Two packs: the bundled essay (small) and a large pack generated from a seed into a temp
folder (500 sections, 1,000,000 words, 10,000 glossary entries with 3 aliases each, 1,500
prompts; it passes `load_pack` like any real pack and is deleted afterwards). Every number is
a median of repeated runs shown beside a baseline doing the least work that could produce the
same result (an empty Textual app, a Static swapping text, the C YAML parser, a regex
tokeniser, a bare SQLite insert), because bare times say more about the machine than about
the code. Each measure has a target and a pass/miss.

`--quick` shrinks the packs and the repeats (under 30 s) so `tests/test_bench.py` can run it
on every test run and the script cannot rot; its numbers are not meant to be quoted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import pty
import random
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXIT_ENV = "GUIDED_READER_BENCH_EXIT"  # the reader exits right after its first paint
SIZE = (120, 40)
MB = 1024 * 1024

# The large pack; --quick and the scaling series use fractions of it.
LARGE = {"sections": 500, "words": 1_000_000, "entries": 10_000, "aliases": 3, "prompts": 1500}


# ---------------------------------------------------------------------------------------------
# The generated pack
# ---------------------------------------------------------------------------------------------

_SYLLABLES = ("ka lo mi ra ven tor el sa dun bri gal mor pel ti vos an zer lu fen ock dra hil "
              "mas nor quen rid sul tam ur wex yal bo cre dia fo gu ith jo kel").split()
_FUNCTION = ("the of and to in a that was his it for as with by on not which had be this from "
             "but were at their they or its an he have been all would who more than one so "
             "them into after even only what when there also other could those party line").split()
_SUFFIXES = ("Party", "Congress", "Affair", "Doctrine", "Movement", "Bureau", "Front", "Line",
             "Review", "Letter", "Group", "Union", "Plan", "Theses", "Question", "Crisis")
_KINDS = ("person", "organisation", "event", "concept", "publication", "place")
_ACCENTS = str.maketrans("eaou", "éàöú")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    """Builds the four files of a synthetic pack from one seeded random generator."""

    def __init__(self, seed: int, sizes: dict[str, int], mirror: list[list[int]]) -> None:
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.mirror = mirror  # word counts of the bundled sections' paragraphs, to copy at the start
        self.keys: set[str] = set()
        self.name_words: set[str] = set()

    def name_word(self) -> str:
        n = self.rng.choice((2, 2, 3))
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(n)).capitalize()

    def _claim(self, text: str) -> bool:
        from guided_reader.core.glossary import normalise

        key = normalise(text)
        if not key or key in self.keys:
            return False
        self.keys.add(key)
        self.name_words.update(text.split())
        return True

    def _name(self, make) -> str:
        while True:
            text = make()
            if self._claim(text):
                return text

    def glossary(self) -> list[dict]:
        rng, entries = self.rng, []
        count = self.sizes["entries"]
        for i in range(count):
            term = self._name(lambda: " ".join(self.name_word() for _ in range(rng.choice((1, 1, 2)))))
            forms = [
                lambda: f"{self.name_word()} {term}",
                lambda: f"{term} {rng.choice(_SUFFIXES)}",
                lambda: term[:-1] + rng.choice("aeiouy") + self.name_word().lower()[:2],
                lambda: f"{term.split()[0][0]}. {self.name_word()} {term.split()[-1]}",
                lambda: f"{self.name_word()} {term}".translate(_ACCENTS),
            ]
            aliases = [self._name(rng.choice(forms)) for _ in range(self.sizes["aliases"])]
            entries.append({"id": f"g{i:05d}", "term": term, "aliases": aliases,
                            "kind": _KINDS[i % len(_KINDS)]})
        self.entries = entries
        return entries

    def vocabulary(self, n: int = 4000) -> tuple[list[str], list[float]]:
        lowered = {w.lower() for w in self.name_words}
        words: set[str] = set()
        while len(words) < n:
            w = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.choice((1, 2, 2, 3))))
            if w not in lowered:
                words.add(w)
        vocab = _FUNCTION + sorted(words)
        weights = [1.0 / (rank + 8) for rank in range(len(vocab))]  # Zipf-like
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        return vocab, cum

    def sentence(self, n: int) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=n)
        return " ".join(words).capitalize() + "."

    def paragraph(self, n: int, mentions: list[str]) -> str:
        rng = self.rng
        words = rng.choices(self.vocab, cum_weights=self.cum, k=n)
        for k in range(0, n, 22):  # about one glossary mention in 22 words, like the essay
            entry = self.entries[min(int(rng.paretovariate(1.1)) - 1, len(self.entries) - 1)
                                 if rng.random() < 0.5 else rng.randrange(len(self.entries))]
            form = rng.random()
            name = entry["term"] if form < 0.7 else rng.choice(entry["aliases"])
            if form > 0.95:
                name += "'s"
            words[min(n - 1, k + rng.randrange(22))] = name
            mentions.append(entry["id"])
        out, i = [], 0
        while i < n:
            m = rng.randint(8, 26)
            chunk = words[i : i + m]
            chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
            out.append(" ".join(chunk) + ".")
            i += m
        return " ".join(out)

    def layout(self) -> list[list[int]]:
        """Word counts per paragraph per section: the bundled sections first (equal passages
        for the next/previous comparison), the rest sharing out the remaining words."""
        sections, words = self.sizes["sections"], self.sizes["words"]
        head = self.mirror[: min(len(self.mirror), sections // 2)]
        left = max(words - sum(map(sum, head)), 0)
        rest = sections - len(head)
        plan = list(head)
        for i in range(rest):
            share = left // rest + (1 if i < left % rest else 0)
            parts = self.rng.choice((3, 4, 4, 5))
            cuts = sorted(self.rng.sample(range(1, max(share, parts + 1)), parts - 1))
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, max(share, parts + 1)])]
            plan.append([max(s, 1) for s in sizes])
        return plan

    def write(self, folder: Path) -> dict[str, int]:
        rng = self.rng
        self.glossary()
        self.vocab, self.cum = self.vocabulary()
        plan = self.layout()
        section_ids = [f"s{i:04d}" for i in range(len(plan))]
        paragraphs, sections, prompt_no = [], [], 0
        total_prompts = self.sizes["prompts"]
        for i, counts in enumerate(plan):
            first = len(paragraphs) + 1
            mentions: list[str] = []
            for n in counts:
                paragraphs.append(self.paragraph(n, mentions))
            n_prompts = total_prompts // len(plan) + (1 if i < total_prompts % len(plan) else 0)
            prompts = []
            for _ in range(n_prompts):
                prompt_no += 1
                p = {"id": f"p{prompt_no:05d}", "ask": self.sentence(rng.randint(12, 30))[:-1] + "?",
                     "reflection": self.sentence(rng.randint(40, 90))}
                if rng.random() < 0.6:
                    p["hint"] = self.sentence(rng.randint(10, 25))
                if rng.random() < 0.4:
                    p["choices"] = [{"label": self.sentence(rng.randint(2, 4))[:-1],
                                     "reply": self.sentence(rng.randint(25, 60))} for _ in range(3)]
                if rng.random() < 0.1:
                    p["once"] = True
                prompts.append(p)
            notes = [{"term": t, "text": self.sentence(rng.randint(20, 60))}
                     for t in dict.fromkeys(mentions[:: max(1, len(mentions) // 3)])][:4]
            sections.append({"id": section_ids[i], "title": self.sentence(rng.randint(2, 5))[:-1],
                             "paragraphs": f"{first}-{len(paragraphs)}",
                             "intro": self.sentence(rng.randint(30, 60)),
                             "recap": self.sentence(rng.randint(30, 60)), "notes": notes, "prompts": prompts})
        for i, e in enumerate(self.entries):
            e["short"] = self.sentence(rng.randint(8, 18))[:140]
            e["note"] = " ".join(self.sentence(rng.randint(10, 25)) for _ in range(rng.randint(4, 9)))
            if rng.random() < 0.5:
                born = rng.randint(1850, 1930)
                e["dates"] = f"{born}-{born + rng.randint(30, 90)}"
            e["see_also"] = [f"g{rng.randrange(len(self.entries)):05d}" for _ in range(rng.randint(0, 4))]
            if rng.random() < 0.05 and len(section_ids) > 1:
                e["spoiler_free_from"] = rng.choice(section_ids[1:])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pack.yaml").write_text(
            "format: 1\nid: bench-large\ntitle: A Generated Essay\nauthor: The Benchmark\n"
            "published: Nowhere, 2024\nsource: https://example.org/bench\n"
            "about: A synthetic pack written by scripts/bench.py.\ntext: essay.txt\n", encoding="utf-8")
        (folder / "essay.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        (folder / "sections.yaml").write_text(_sections_yaml(sections), encoding="utf-8")
        (folder / "glossary.yaml").write_text(_glossary_yaml(self.entries), encoding="utf-8")
        return {"sections": len(sections), "paragraphs": len(paragraphs),
                "words": sum(len(p.split()) for p in paragraphs), "entries": len(self.entries),
                "aliases": sum(len(e["aliases"]) for e in self.entries), "prompts": prompt_no,
                "bytes": sum(f.stat().st_size for f in folder.iterdir())}


def _block(text: str, indent: str) -> str:
    return f"|-\n{indent}{text}"


def _sections_yaml(sections: list[dict]) -> str:
    out = ["# Generated by scripts/bench.py\n"]
    for s in sections:
        out.append(f"- id: {s['id']}\n  title: {_q(s['title'])}\n  paragraphs: '{s['paragraphs']}'\n"
                   f"  intro: {_block(s['intro'], '    ')}\n  recap: {_block(s['recap'], '    ')}\n")
        if s["notes"]:
            out.append("  notes:\n")
            out.extend(f"    - term: {n['term']}\n      text: {_q(n['text'])}\n" for n in s["notes"])
        if s["prompts"]:
            out.append("  prompts:\n")
        for p in s["prompts"]:
            out.append(f"    - id: {p['id']}\n      ask: {_q(p['ask'])}\n")
            if "hint" in p:
                out.append(f"      hint: {_q(p['hint'])}\n")
            out.append(f"      reflection: {_block(p['reflection'], '        ')}\n")
            if "choices" in p:
                out.append("      choices:\n")
                out.extend(f"        - label: {_q(c['label'])}\n          reply: {_q(c['reply'])}\n"
                           for c in p["choices"])
            if p.get("once"):
                out.append("      once: true\n")
    return "".join(out)


def _glossary_yaml(entries: list[dict]) -> str:
    out = ["# Generated by scripts/bench.py\n"]
    for e in entries:
        out.append(f"\n- id: {e['id']}\n  term: {_q(e['term'])}\n"
                   f"  aliases: [{', '.join(map(_q, e['aliases']))}]\n  kind: {e['kind']}\n"
                   f"  short: {_q(e['short'])}\n  note: {_block(e['note'], '    ')}\n")
        if "dates" in e:
            out.append(f"  dates: \"{e['dates']}\"\n")
        if e["see_also"]:
            out.append(f"  see_also: [{', '.join(e['see_also'])}]\n")
        if "spoiler_free_from" in e:
            out.append(f"  spoiler_free_from: {e['spoiler_free_from']}\n")
    return "".join(out)


def scaled(scale: float) -> dict[str, int]:
    return {k: (v if k == "aliases" else max(2, round(v * scale))) for k, v in LARGE.items()}


def bundled_layout() -> list[list[int]]:
    from guided_reader.core import paths
    from guided_reader.core.loader import load_pack

    pack = load_pack(paths.default_pack_dir())
    return [[len(pack.paragraph(n).split()) for n in s.paragraph_numbers] for s in pack.sections]


def generate_pack(folder: Path, scale: float = 1.0, seed: int = 1957) -> dict[str, int]:
    """Write a synthetic pack of `scale` x LARGE into `folder`; the same seed gives the same bytes."""
    return _Writer(seed, scaled(scale), bundled_layout()).write(folder)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class Measure:
    """One row of the table: a median (or percentile) beside its same-run baseline."""

    id: str
    label: str
    pack: str
    value: float
    baseline: float
    baseline_label: str
    unit: str  # "ms", "MB", ...
    target: str
    ok: bool | None  # None: reported, no target
    ratio: float = 0.0
    detail: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.ratio:
            self.ratio = self.value / self.baseline if self.baseline else float("inf")


def median(xs) -> float:
    return statistics.median(xs)


def pct(xs, p: float) -> float:
    """The p-th percentile (nearest rank)."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def clock(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------------------
# 1 + 7: start-up to first screen and peak memory, as a subprocess on a pty
# ---------------------------------------------------------------------------------------------

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
    """Starts the reader (`python -m guided_reader PACK`) and the empty app the same way."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.empty = work / "empty_app.py"
        self.empty.write_text(EMPTY_APP, encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        self.env.update({EXIT_ENV: "1", "TERM": "xterm-256color", "COLORTERM": "truecolor",
                         "GUIDED_READER_HOME": str(work / "home-startup")})
        self.env.pop("NO_COLOR", None)

    def reader(self, pack: Path) -> tuple[float, int]:
        return run_on_pty([sys.executable, "-m", "guided_reader", str(pack)], self.env, self.work)

    def empty_app(self) -> tuple[float, int]:
        return run_on_pty([sys.executable, str(self.empty)], self.env, self.work)

    def compare(self, pack: Path, repeats: int) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
        """Alternate the two, after one untimed start of each (bytecode caches, disk cache)."""
        self.reader(pack), self.empty_app()
        reader, empty = [], []
        for _ in range(repeats):
            reader.append(self.reader(pack))
            empty.append(self.empty_app())
        return reader, empty


def startup_and_memory(starter: Starter, packs: dict[str, Path], repeats: dict[str, int],
                       budgets: dict[str, float]) -> tuple[list[Measure], dict[str, float]]:
    out, peaks = [], {}
    for name, folder in packs.items():
        reader, empty = starter.compare(folder, repeats[name])
        t, t0 = median(r[0] for r in reader), median(e[0] for e in empty)
        m, m0 = median(r[1] for r in reader) / MB, median(e[1] for e in empty) / MB
        peaks[name], peaks["empty"] = m, m0
        target, ok = ("<= 1.15x", t / t0 <= 1.15) if name == "bundled" else ("(includes loading the pack)", None)
        out.append(Measure("startup", "start-up to first screen (pty, 120x40)", name, t * 1000, t0 * 1000,
                           "empty Textual app (Header, Static, Footer)", "ms", target, ok,
                           detail={"runs": len(reader)}))
        budget = budgets[name]
        out.append(Measure("memory", "peak memory (ru_maxrss) at first screen", name, m, m0,
                           "empty Textual app", "MB", f"<= empty + {budget:g} MB", m - m0 <= budget,
                           detail={"above_empty_mb": round(m - m0, 1)}))
    return out, peaks


# ---------------------------------------------------------------------------------------------
# 2: next/previous section in a headless pilot
# ---------------------------------------------------------------------------------------------


def passages(pack, indices) -> dict[int, str]:
    return {i: "\n\n".join(pack.section_text(pack.sections[i])) for i in indices}


def swap_app(texts: dict[int, str], first: int):
    """The floor for a section change: one Static whose text is swapped, nothing else."""
    from textual.app import App
    from textual.binding import Binding
    from textual.content import Content
    from textual.widgets import Footer, Header, Static

    class SwapApp(App):
        BINDINGS = [Binding("f8", "next", "Next", priority=True), Binding("f7", "back", "Prev", priority=True)]

        def __init__(self) -> None:
            super().__init__()
            self.at = first

        def compose(self):
            yield Header()
            yield Static(Content(texts[first]), id="passage")
            yield Footer()

        def show(self, index: int) -> None:
            self.at = index
            self.query_one("#passage", Static).update(Content(texts[index]))

        def go_section(self, index: int) -> None:
            self.show(index)

        def action_next(self) -> None:
            self.show(min(self.at + 1, max(texts)))

        def action_back(self) -> None:
            self.show(max(self.at - 1, min(texts)))

    return SwapApp()


async def _press_times(app, first: int, last: int, cycles: int) -> tuple[list[float], list[float]]:
    """Go to `first` untimed, then F8 up to `last` and F7 back down, `cycles` times.

    Each press is timed from the key event to the last screen paint it causes (the app's
    `_display` is wrapped to note when each compositor update is done), then the app is left
    to go quiet, untimed. Only watching, never prodding: Pilot.press/pause would queue work
    on every widget while the app is still busy, charging the app with the harness's cost.
    """
    from textual import events
    from textual._wait import wait_for_idle

    times: list[float] = []
    firsts: list[float] = []  # to the first paint: when the new section is on screen
    paints: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        show = app._display

        def display(screen, renderable) -> None:
            show(screen, renderable)
            if renderable is not None:
                paints.append(time.perf_counter())

        app._display = display
        for box in app.query("Input"):
            box.cursor_blink = False  # a blinking cursor paints on its own
        await pilot.pause()
        if first:
            app.go_section(first)
            await pilot.pause()
        keys = ["f8"] * (last - first) + ["f7"] * (last - first)
        await pilot.press("f8")  # warm-up: the first section change pays one-off costs
        await pilot.press("f7")
        for _ in range(cycles):
            for key in keys:
                await pilot.pause()
                paints.clear()
                start = time.perf_counter()
                app._driver.send_message(events.Key(key, None))
                seen = -1
                while not paints or len(paints) != seen:  # until no new paint for 50 ms of idleness
                    seen = len(paints)
                    await wait_for_idle(0)
                    await asyncio.sleep(0.05)
                times.append(paints[-1] - start)
                firsts.append(paints[0] - start)
    return times, firsts


def navigation(pack, store_dir: Path, first: int, last: int, cycles: int):
    """(reader, floor) times to the last paint, and (reader, floor) times to the first paint."""
    from guided_reader.core.store import Store
    from guided_reader.tui.app import make_app

    store = Store.open(store_dir / f"nav-{pack.id}-{first}.sqlite3")
    reader, reader_first = asyncio.run(_press_times(make_app(pack, store=store), first, last, cycles))
    floor, floor_first = asyncio.run(_press_times(swap_app(passages(pack, range(first, last + 1)), first),
                                                  first, last, cycles))
    return reader, floor, reader_first, floor_first


def nav_measures(small, large, store_dir: Path, cycles: int, span: int, far: int) -> list[Measure]:
    out = []
    runs = {}
    cases = [("bundled", small, 0, min(span, len(small.sections) - 1), "bundled sections"),
             ("large", large, 0, min(span, len(large.sections) - 1), "first sections: same lengths as the bundled"),
             ("large", large, far, min(far + span, len(large.sections) - 1), "long sections")]
    for name, pack, first, last, what in cases:
        reader, floor, reader_first, floor_first = navigation(pack, store_dir, first, last, cycles)
        words = sum(len(t.split()) for t in passages(pack, range(first, last + 1)).values()) / (last - first + 1)
        runs[(name, first)] = reader
        out.append(Measure("nav", f"next/previous section p95 ({what}, ~{words:.0f} words)", name,
                           pct(reader, 95) * 1000, pct(floor, 95) * 1000,
                           "a Static swapping to the same passages (p95)", "ms", "<= 1.25x", pct(reader, 95) <= 1.25 * pct(floor, 95),
                           detail={"p50_ms": round(median(reader) * 1000, 2), "baseline_p50_ms": round(median(floor) * 1000, 2),
                                   "presses": len(reader), "sections": f"{first + 1}-{last + 1}", "words_per_passage": round(words)}))
        out.append(Measure("nav_first", f"next/previous to first paint p95 ({what})", name,
                           pct(reader_first, 95) * 1000, pct(floor_first, 95) * 1000,
                           "a Static swapping to the same passages (p95)", "ms", "(new section on screen)", None,
                           detail={"p50_ms": round(median(reader_first) * 1000, 2),
                                   "baseline_p50_ms": round(median(floor_first) * 1000, 2)}))
    big, small_runs = runs[("large", 0)], runs[("bundled", 0)]
    out.append(Measure("nav_size", "next/previous p95, large pack vs bundled (equal passages)", "large",
                       pct(big, 95) * 1000, pct(small_runs, 95) * 1000, "the reader on the bundled pack (p95)",
                       "ms", "<= 1.25x", pct(big, 95) <= 1.25 * pct(small_runs, 95),
                       detail={"p50_ms": round(median(big) * 1000, 2), "baseline_p50_ms": round(median(small_runs) * 1000, 2)}))
    return out


# ---------------------------------------------------------------------------------------------
# 3: load + validate + index
# ---------------------------------------------------------------------------------------------

YAML_FILES = ("pack.yaml", "sections.yaml", "glossary.yaml")


def load_and_index(folder: Path):
    from guided_reader.core.glossary import GlossaryIndex
    from guided_reader.core.loader import load_pack

    pack = load_pack(folder)
    return pack, GlossaryIndex(pack.glossary)


def yaml_floor(folder: Path) -> None:
    for name in YAML_FILES:
        yaml.load((folder / name).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def load_times(folder: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of load + validate + index, and of the bare C YAML parse, alternated."""
    ours, floor = [], []
    load_and_index(folder)  # warm the file cache and the imports
    for _ in range(repeats):
        ours.append(clock(load_and_index, folder))
        floor.append(clock(yaml_floor, folder))
    return median(ours), median(floor)


def pack_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / MB


def load_measures(packs: dict[str, Path], repeats: dict[str, int]) -> tuple[list[Measure], dict[str, float]]:
    out, seconds = [], {}
    for name, folder in packs.items():
        t, t0 = load_times(folder, repeats[name])
        seconds[name] = t
        out.append(Measure("load", "load + validate + index the pack", name, t * 1000, t0 * 1000,
                           "yaml.load(CSafeLoader) of the same 3 YAML files", "ms", "<= 3x", t <= 3 * t0,
                           detail={"pack_mb": round(pack_mb(folder), 2)}))
    return out, seconds


# ---------------------------------------------------------------------------------------------
# 4: spotting terms in passages
# ---------------------------------------------------------------------------------------------


def spot_measure(name: str, pack, index, repeats: int, limit: int) -> Measure:
    step = max(1, len(pack.sections) // limit)
    texts = list(passages(pack, range(0, len(pack.sections), step)).values())
    word = re.compile(r"\w+")
    for text in texts:  # warm the per-word fold cache, as a reading session would
        index.spot(text)
    ours, floor = [], []
    for _ in range(repeats):
        ours.append(sum(clock(index.spot, t) for t in texts) / len(texts))
        floor.append(sum(clock(word.findall, t) for t in texts) / len(texts))
    words = sum(len(t.split()) for t in texts) / len(texts)
    spans = sum(len(index.spot(t)) for t in texts) / len(texts)
    return Measure("spot", f"spot glossary terms in a passage (~{words:.0f} words)", name,
                   median(ours) * 1000, median(floor) * 1000, 're.findall(r"\\w+") on the same passage', "ms",
                   "<= 5x", median(ours) <= 5 * median(floor),
                   detail={"passages": len(texts), "terms_per_passage": round(spans, 1)})


# ---------------------------------------------------------------------------------------------
# 5: lookup
# ---------------------------------------------------------------------------------------------


def lookup_queries(pack, n: int, seed: int) -> dict[str, list[str]]:
    from guided_reader.core.glossary import normalise

    rng = random.Random(seed)
    entries = rng.sample(pack.glossary, min(n, len(pack.glossary)))
    keys = {normalise(x) for e in pack.glossary for x in (e.term, *e.aliases)}

    def typo(text: str) -> str:
        while True:
            i = rng.randrange(1, max(2, len(text) - 1))
            changed = text[:i] + rng.choice("aeiouklmnrst") + text[i + 1:]
            if normalise(changed) not in keys:
                return changed

    def stranger() -> str:
        while True:
            text = " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3))))
                            for _ in range(rng.choice((1, 2))))
            if normalise(text) not in keys and not any(normalise(text) in k for k in ()):
                return text.title()

    return {"exact": [e.term for e in entries], "alias": [rng.choice(e.aliases) for e in entries if e.aliases],
            "fuzzy": [typo(e.term) for e in entries], "miss": [stranger() for _ in entries]}


def lookup_measures(name: str, pack, index, n: int, floor_n: int, seed: int) -> list[Measure]:
    import difflib

    from guided_reader.core.glossary import normalise

    exact_keys: dict[str, str] = {}
    for e in pack.glossary:
        for x in (e.term, *e.aliases):
            exact_keys.setdefault(normalise(x), e.id)
    key_list = list(exact_keys)
    out = []
    for kind, queries in lookup_queries(pack, n, seed).items():
        for q in queries:  # warm-up
            index.lookup(q)
        per_query = []
        for q in queries:
            per_query.append(median(clock(index.lookup, q) for _ in range(3)))
        if kind in ("exact", "alias"):
            floor_label = "normalise + dict.get of the same query"
            floor = [median(clock(lambda q=q: exact_keys.get(normalise(q))) for _ in range(3)) for q in queries]
        else:
            floor_label = f"difflib.get_close_matches over all {len(key_list):,} keys ({min(floor_n, len(queries))} queries)"
            floor = [clock(difflib.get_close_matches, normalise(q), key_list, 5) for q in queries[:floor_n]]
        found = sum(1 for q in queries if index.lookup(q).match is not None)
        p99 = pct(per_query, 99)
        out.append(Measure(f"lookup_{kind}", f"lookup, {kind} (p99; {len(pack.glossary):,} entries)", name,
                           p99 * 1000, pct(floor, 99) * 1000, floor_label + " (p99)", "ms", "p99 < 16 ms", p99 < 0.016,
                           detail={"p50_ms": round(median(per_query) * 1000, 3), "queries": len(queries),
                                   "matched": found}))
    return out


# ---------------------------------------------------------------------------------------------
# 6: saving an answer
# ---------------------------------------------------------------------------------------------


def save_measure(work: Path, n: int) -> Measure:
    from guided_reader.core.store import Store, _to_v1

    store = Store.open(work / "save-store.sqlite3")
    assert store.persistent
    sync = store._db.execute("PRAGMA synchronous").fetchone()[0]
    mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    bare = sqlite3.connect(work / "save-bare.sqlite3")
    bare.execute(f"PRAGMA journal_mode = {mode}")
    bare.execute(f"PRAGMA synchronous = {sync}")
    _to_v1(bare)
    bare.commit()
    sql = "INSERT INTO answer VALUES (NULL, ?, ?, ?, ?, ?, ?)"
    text = "They had no way of judging Moscow for themselves, and did not want one. " * 3

    def insert(i: int) -> None:
        bare.execute(sql, ("bench", "s1", f"p{i}", text, None, "2024-01-01T00:00:00Z"))
        bare.commit()

    ours, floor = [], []
    for i in range(n):  # alternated, so disk hiccups hit both
        ours.append(clock(store.add_answer, "bench", "s1", f"p{i}", text))
        floor.append(clock(insert, i))
    store.close()
    bare.close()
    return Measure("save", "save an answer (Store.add_answer, p50)", "-", median(ours) * 1000, median(floor) * 1000,
                   f"bare INSERT + commit (journal {mode}, synchronous {sync}) (p50)", "ms", "<= 2x",
                   median(ours) <= 2 * median(floor),
                   detail={"p95_ms": round(pct(ours, 95) * 1000, 3), "baseline_p95_ms": round(pct(floor, 95) * 1000, 3),
                           "saves": n})


# ---------------------------------------------------------------------------------------------
# 7b: growth with pack size
# ---------------------------------------------------------------------------------------------


def growth_measures(series: dict[str, Path], load_s: dict[str, float], peak_mb: dict[str, float]) -> list[Measure]:
    """Per-MB cost at the largest size against the smallest: linear growth keeps it flat.

    Memory is the slope of peak memory against pack size: from the smallest generated pack to
    the next, beside the slope from the next-largest to the largest (the fixed cost of Textual,
    the widgets and the modules cancels out). A slope under 0.001 MB/MB is noise, and counted
    as 0.001, so the ratio stays defined on the tiny packs of --quick.
    """
    names = list(series)
    sizes = {k: pack_mb(v) for k, v in series.items()}
    load_per = {k: load_s[k] * 1000 / sizes[k] for k in names}
    lo, hi = names[0], names[-1]

    def slope(a: str, b: str) -> float:
        return max(0.001, (peak_mb[b] - peak_mb[a]) / (sizes[b] - sizes[a]))

    mem_per = {lo: slope(names[0], names[1]), hi: slope(names[-2], names[-1])}
    mem_per.update({k: slope(lo, k) for k in names[1:-1]})
    detail_load = {k: {"pack_mb": round(sizes[k], 2), "ms": round(load_s[k] * 1000, 1),
                       "ms_per_mb": round(load_per[k], 1)} for k in names}
    detail_mem = {k: {"pack_mb": round(sizes[k], 2), "peak_mb": round(peak_mb[k], 1),
                      "mb_per_pack_mb": round(mem_per[k], 2)} for k in names}
    return [
        Measure("growth_load", f"load time per pack MB at {hi} vs {lo}", "scaled", load_per[hi], load_per[lo],
                f"load time per pack MB at {lo}", "ms/MB", "<= 1.5x", load_per[hi] <= 1.5 * load_per[lo],
                detail=detail_load),
        Measure("growth_memory", f"memory per pack MB, {names[-2]} to {hi} vs {lo} to {names[1]}", "scaled",
                mem_per[hi], mem_per[lo], f"memory per pack MB, {lo} to {names[1]}", "MB/MB", "<= 1.5x",
                mem_per[hi] <= 1.5 * mem_per[lo], detail=detail_mem),
    ]


# ---------------------------------------------------------------------------------------------
# Running it all
# ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """How much to do: the full run, or --quick (small packs, few repeats)."""

    large: float = 1.0  # fraction of LARGE generated as "large"
    series: tuple[float, ...] = (1 / 16, 1 / 4, 1.0)  # 1x, 4x, 16x (16x is the large pack)
    startup: dict = field(default_factory=lambda: {"bundled": 9, "large": 3})
    load: dict = field(default_factory=lambda: {"bundled": 25, "large": 5, "1x": 9, "4x": 5})
    memory_runs: int = 2
    cycles: int = 3
    span: int = 12  # sections per next/previous run
    far: int = 200  # where the long-section run starts in the large pack
    spot_repeats: int = 9
    spot_limit: int = 60
    lookups: int = 300
    floor_lookups: int = 20
    saves: int = 300


QUICK = Plan(large=1 / 32, series=(1 / 512, 1 / 128, 1 / 32), startup={"bundled": 1, "large": 1},
             load={"bundled": 3, "large": 2, "1x": 2, "4x": 2}, memory_runs=1, cycles=1, span=3, far=6,
             spot_repeats=2, spot_limit=8, lookups=30, floor_lookups=5, saves=20)


def run(plan: Plan, seed: int, work: Path, log) -> dict:
    from guided_reader.core import paths

    os.environ["GUIDED_READER_HOME"] = str(work / "home")  # the reader's own data is never touched
    bundled = paths.default_pack_dir()
    labels = ["1x", "4x", "16x"]
    series: dict[str, Path] = {}
    sizes: dict[str, dict] = {}
    for label, scale in zip(labels, plan.series):
        folder = work / f"pack-{label}"
        log(f"generating the {label} pack ({scale:g} of the large pack)")
        sizes[label] = generate_pack(folder, scale, seed)
        series[label] = folder
    large = series["16x"]  # the largest of the series is the large pack
    sizes["large"] = sizes["16x"]
    measures: list[Measure] = []

    log("start-up and memory (subprocesses on a pty)")
    starter = Starter(work)
    got, peaks = startup_and_memory(starter, {"bundled": bundled, "large": large}, plan.startup,
                                    {"bundled": 25, "large": 150})
    measures += got
    for label in ("1x", "4x"):
        peaks[label] = median(starter.reader(series[label])[1] for _ in range(plan.memory_runs)) / MB
    peaks["16x"] = peaks["large"]

    log("load + validate + index")
    got, load_s = load_measures({"bundled": bundled, "large": large}, plan.load)
    measures += got
    for label in ("1x", "4x"):
        load_s[label] = load_times(series[label], plan.load[label])[0]
    load_s["16x"] = load_s["large"]
    measures += growth_measures(series, load_s, peaks)

    small, small_index = load_and_index(bundled)
    big, big_index = load_and_index(large)
    log("spotting")
    measures.append(spot_measure("bundled", small, small_index, plan.spot_repeats, plan.spot_limit))
    measures.append(spot_measure("large", big, big_index, plan.spot_repeats, plan.spot_limit))
    log("lookup")
    measures += lookup_measures("large", big, big_index, plan.lookups, plan.floor_lookups, seed)
    log("saving answers")
    measures.append(save_measure(work, plan.saves))
    log("next/previous section (headless pilot, 120x40)")
    measures += nav_measures(small, big, work, plan.cycles, plan.span, plan.far)

    import textual

    return {
        "command": "python scripts/bench.py " + shlex.join(sys.argv[1:]),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"python": platform.python_version(), "textual": textual.__version__,
                    "pyyaml": yaml.__version__, "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
                    "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(), "platform": platform.platform()},
        "seed": seed,
        "series": {label: scale for label, scale in zip(labels, plan.series)},
        "packs": {"bundled": {"mb": round(pack_mb(bundled), 2), "sections": len(small.sections),
                              "words": sum(len(p.split()) for p in small.paragraphs),
                              "entries": len(small.glossary)},
                  **{k: {**v, "mb": round(v["bytes"] / MB, 2)} for k, v in sizes.items() if k != "large"}},
        "measures": [asdict(m) for m in measures],
    }


def _num(x: float) -> str:
    if x == float("inf"):
        return "inf"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}" if abs(x) < 1 else f"{x:.1f}"


def table(result: dict) -> str:
    rows = ["| Measure | Pack | Median | Baseline (same run) | Ratio | Target | Result |",
            "|---|---|---|---|---|---|---|"]
    for m in result["measures"]:
        value = f"{_num(m['value'])} {m['unit']}"
        extra = {k: v for k, v in m["detail"].items() if k.startswith("p50") or k.startswith("above") or k.startswith("p95")}
        if extra:
            value += " (" + ", ".join(f"{k.replace('_ms', '').replace('_', ' ')} {v}" for k, v in extra.items()) + ")"
        baseline = f"{_num(m['baseline'])} {m['unit']}: {m['baseline_label']}"
        result_cell = "-" if m["ok"] is None else ("pass" if m["ok"] else "**miss**")
        rows.append(f"| {m['label']} | {m['pack']} | {value} | {baseline} | {m['ratio']:.2f}x | {m['target']} | {result_cell} |")
    return "\n".join(rows) + "\n"


def packs_table(result: dict) -> str:
    rows = ["| Pack | MB | Sections | Words | Glossary entries | Aliases | Prompts |", "|---|---|---|---|---|---|---|"]
    for name, p in result["packs"].items():
        rows.append(f"| {name} | {p['mb']} | {p['sections']} | {p['words']:,} | {p['entries']:,} | "
                    f"{p.get('aliases', '-')} | {p.get('prompts', '-')} |")
    return "\n".join(rows) + "\n"


def markdown(result: dict) -> str:
    m = result["machine"]
    misses = [x for x in result["measures"] if x["ok"] is False]
    head = (f"# Benchmark\n\n`{result['command']}` on {result['date']}\n\n"
            f"Python {m['python']}, Textual {m['textual']}, PyYAML {m['pyyaml']} (libyaml: {m['libyaml']}), "
            f"SQLite {m['sqlite']}, {m['cpus']} CPUs, {m['platform']}. Seed {result['seed']}.\n\n"
            "Every value is a median of repeated runs (or the percentile named), beside a baseline "
            "measured in the same run; the ratio is value / baseline. The generated packs 1x, 4x and 16x "
            "are " + ", ".join(f"{v:g}" for v in result["series"].values()) + " of the large pack's nominal size "
            "(16x is the one measured as \"large\"), from the same seed.\n\n")
    verdict = (f"{len(misses)} target(s) missed: " + ", ".join(f"{x['id']} ({x['pack']})" for x in misses)
               if misses else "All targets hold.")
    return head + packs_table(result) + "\n" + table(result) + f"\n{verdict}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small packs, few repeats (< 30 s): a smoke test")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--save", metavar="FILE", help="also write the Markdown report to FILE")
    parser.add_argument("--seed", type=int, default=1957, help="seed for the generated packs (default 1957)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="guided-reader-bench-") as tmp:
        result = run(QUICK if args.quick else Plan(), args.seed, Path(tmp), log)
    report = markdown(result)
    if args.save:
        Path(args.save).write_text(report, encoding="utf-8")
    print(json.dumps(result, indent=2) if args.json else report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
