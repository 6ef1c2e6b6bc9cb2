"""A measure, the statistics behind it, and the Markdown report."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

MB = 1024 * 1024


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


def within(id: str, label: str, pack: str, value: float, baseline: float, baseline_label: str, unit: str,
           limit: float, detail: dict | None = None) -> Measure:
    """A measure whose target is a ratio: value <= limit x baseline."""
    return Measure(id, label, pack, value, baseline, baseline_label, unit, f"<= {limit:g}x",
                   value <= limit * baseline, detail=detail or {})


def misses(result: dict) -> list[dict]:
    """The measures of a result that have a target and miss it."""
    return [m for m in result["measures"] if m["ok"] is False]


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


def _num(x: float) -> str:
    if x == float("inf"):
        return "inf"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}" if abs(x) < 1 else f"{x:.1f}"


def table(result: dict) -> str:
    rows = ["| Measure | Pack | Median | Baseline (same run) | Ratio | Target | Result |",
            "|---|---|---|---|---|---|---|"]
    for m in result["measures"]:
        value = f"{_num(m['value'])} {m['unit']}"
        extra = {k: v for k, v in m["detail"].items() if k.startswith(("p50", "above", "p95"))}
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
    missed = misses(result)
    head = (f"# Benchmark\n\n`{result['command']}` on {result['date']}\n\n"
            f"Python {m['python']}, Textual {m['textual']}, PyYAML {m['pyyaml']} (libyaml: {m['libyaml']}), "
            f"SQLite {m['sqlite']}, {m['cpus']} CPUs, {m['platform']}. Seed {result['seed']}.\n\n"
            "Every value is a median of repeated runs (or the percentile named), beside a baseline "
            "measured in the same run; the ratio is value / baseline. The generated packs 1x, 4x and 16x "
            "are " + ", ".join(f"{v:g}" for v in result["series"].values()) + " of the large pack's nominal size "
            "(16x is the one measured as \"large\"), from the same seed.\n\n")
    verdict = (f"{len(missed)} target(s) missed: " + ", ".join(f"{x['id']} ({x['pack']})" for x in missed)
               if missed else "All targets hold.")
    return head + packs_table(result) + "\n" + table(result) + f"\n{verdict}\n"
