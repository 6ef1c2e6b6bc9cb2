"""Next/previous section: the reader against a Static swapping to the same passages."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Header, Static

from bench.keys import Script, press_times
from bench.results import Measure, median, pct, within

FLOOR = "a Static swapping to the same passages (p95)"


def passages(pack, indices) -> dict[int, str]:
    return {i: "\n\n".join(pack.section_text(pack.sections[i])) for i in indices}


class SwapApp(App):
    """The floor for a section change: one Static whose text is swapped, nothing else."""

    BINDINGS = [Binding("f8", "next", "Next", priority=True), Binding("f7", "back", "Prev", priority=True)]

    def __init__(self, texts: dict[int, str], first: int) -> None:
        super().__init__()
        self.texts = texts
        self.at = first

    def compose(self):
        yield Header()
        yield Static(Content(self.texts[self.at]), id="passage")
        yield Footer()

    def go_section(self, index: int) -> None:
        self.at = index
        self.query_one("#passage", Static).update(Content(self.texts[index]))

    def action_next(self) -> None:
        self.go_section(min(self.at + 1, max(self.texts)))

    def action_back(self) -> None:
        self.go_section(max(self.at - 1, min(self.texts)))


def steps(app, first: int, last: int, cycles: int) -> Script:
    """Go to `first` untimed, then F8 up to `last` and F7 back down, `cycles` times."""
    keys = ["f8"] * (last - first) + ["f7"] * (last - first)
    prepare = (lambda app: app.go_section(first)) if first else None
    return press_times(app, Script(keys, cycles, warm=("f8", "f7"), prepare=prepare))


def navigation(pack, store_dir: Path, first: int, last: int, cycles: int) -> tuple[Script, Script]:
    """The reader's and the floor's timed presses over sections first..last."""
    from guided_reader.core.store import Store
    from guided_reader.tui.app import make_app

    store = Store.open(store_dir / f"nav-{pack.id}-{first}.sqlite3")
    reader = steps(make_app(pack, store=store), first, last, cycles)
    floor = steps(SwapApp(passages(pack, range(first, last + 1)), first), first, last, cycles)
    return reader, floor


def p95(xs) -> float:
    return pct(xs, 95) * 1000


def p50(xs) -> float:
    return median(xs) * 1000


def spread(reader: list[float], floor: list[float]) -> dict:
    """The medians beside the p95s, for the table."""
    return {"p50_ms": round(p50(reader), 2), "baseline_p50_ms": round(p50(floor), 2)}


def nav_measures(small, large, store_dir: Path, cycles: int, span: int, far: int) -> list[Measure]:
    out = []
    runs = {}
    cases = [("bundled", small, 0, min(span, len(small.sections) - 1), "bundled sections"),
             ("large", large, 0, min(span, len(large.sections) - 1), "first sections: same lengths as the bundled"),
             ("large", large, far, min(far + span, len(large.sections) - 1), "long sections")]
    for name, pack, first, last, what in cases:
        reader, floor = navigation(pack, store_dir, first, last, cycles)
        words = sum(len(t.split()) for t in passages(pack, range(first, last + 1)).values()) / (last - first + 1)
        runs[(name, first)] = reader.times
        out.append(within("nav", f"next/previous section p95 ({what}, ~{words:.0f} words)", name,
                          p95(reader.times), p95(floor.times), FLOOR, "ms", 1.25,
                          {**spread(reader.times, floor.times), "presses": len(reader.times),
                           "sections": f"{first + 1}-{last + 1}", "words_per_passage": round(words)}))
        out.append(within("nav_first", f"next/previous to first paint p95 ({what}): new section on screen", name,
                          p95(reader.firsts), p95(floor.firsts), FLOOR, "ms", 2, spread(reader.firsts, floor.firsts)))
    big, small_runs = runs[("large", 0)], runs[("bundled", 0)]
    out.append(within("nav_size", "next/previous p95, large pack vs bundled (equal passages)", "large",
                      p95(big), p95(small_runs), "the reader on the bundled pack (p95)", "ms", 1.25,
                      spread(big, small_runs)))
    return out
