"""The plan of a run, the run itself, and the command line."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sqlite3
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from guided_reader.devtools.packgen import generate_pack

import bench
from bench.echo import TYPED, typing_measure
from bench.lookup import lookup_measures
from bench.nav import nav_measures
from bench.packs import growth_measures, load_and_index, load_measures, load_times, pack_mb, spot_measure
from bench.results import MB, Measure, markdown, median, misses
from bench.saving import save_measure
from bench.startup import Starter, startup_and_memory


@dataclass
class Plan:
    """How much to do: the full run, or --quick (small packs, few repeats)."""

    series: tuple[float, ...] = (1 / 16, 1 / 4, 1.0)  # 1x, 4x, 16x (16x is the large pack)
    startup: dict = field(default_factory=lambda: {"bundled": 9, "large": 5, "cold": 2})
    load: dict = field(default_factory=lambda: {"bundled": 25, "large": 5, "1x": 9, "4x": 5})
    memory_runs: int = 2
    cycles: int = 3
    span: int = 12  # sections per next/previous run
    far: int = 200  # where the long-section run starts in the large pack
    typed: int = len(TYPED)  # characters typed per cycle
    spot_repeats: int = 9
    spot_limit: int = 60
    lookups: int = 300
    floor_lookups: int = 20
    saves: int = 300


QUICK = Plan(series=(1 / 512, 1 / 128, 1 / 32), startup={"bundled": 1, "large": 1, "cold": 1},
             load={"bundled": 3, "large": 2, "1x": 2, "4x": 2}, memory_runs=1, cycles=1, span=3, far=6, typed=12,
             spot_repeats=2, spot_limit=8, lookups=30, floor_lookups=5, saves=20)
LABELS = ("1x", "4x", "16x")


def run(plan: Plan, seed: int, work: Path, log) -> dict:
    from guided_reader.core import paths

    os.environ["GUIDED_READER_HOME"] = str(work / "home")  # the reader's own data is never touched
    bundled = paths.default_pack_dir()
    series: dict[str, Path] = {}
    sizes: dict[str, dict] = {}
    for label, scale in zip(LABELS, plan.series):
        folder = work / f"pack-{label}"
        log(f"generating the {label} pack ({scale:g} of the large pack)")
        sizes[label] = generate_pack(folder, scale, seed)
        series[label] = folder
    large = series["16x"]  # the largest of the series is the large pack
    measures: list[Measure] = []

    log("start-up and memory (subprocesses on a pty)")
    starter = Starter(work)
    got, peaks = startup_and_memory(starter, {"bundled": bundled, "large": large}, plan.startup,
                                    {"bundled": 25, "large": 150})
    measures += got
    for label in ("1x", "4x"):
        starter.reader(series[label])  # untimed: compiles the pack into the cache, as for the others
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
    # The reader's own measures run it on the packs as `guided-reader PACK` loads them: from the
    # compiled cache, with their spots (compiling them here is untimed).
    from guided_reader.core.compiled import load_compiled

    shown = {"bundled": load_compiled(bundled), "large": load_compiled(large)}
    log("next/previous section (headless pilot, 120x40)")
    measures += nav_measures(shown["bundled"], shown["large"], work, plan.cycles, plan.span, plan.far)
    log("typing in the chat input (headless pilot, 120x40)")
    measures += [typing_measure(name, pack, work, plan.typed, plan.cycles) for name, pack in shown.items()]

    import textual

    return {
        "command": "python scripts/bench.py " + shlex.join(sys.argv[1:]),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"python": platform.python_version(), "textual": textual.__version__,
                    "pyyaml": yaml.__version__, "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
                    "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(), "platform": platform.platform()},
        "seed": seed,
        "series": dict(zip(LABELS, plan.series)),
        "packs": {"bundled": {"mb": round(pack_mb(bundled), 2), "sections": len(small.sections),
                              "words": sum(len(p.split()) for p in small.paragraphs),
                              "entries": len(small.glossary)},
                  **{k: {**v, "mb": round(v["bytes"] / MB, 2)} for k, v in sizes.items()}},
        "measures": [asdict(m) for m in measures],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=bench.__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small packs, few repeats (< 1 min): a smoke test")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--save", metavar="FILE", help="also write the Markdown report to FILE")
    parser.add_argument("--seed", type=int, default=1957, help="seed for the generated packs (default 1957)")
    parser.add_argument("--check", action="store_true", help="exit 1 when any measure misses its target")
    parser.add_argument("--from", dest="source", metavar="FILE",
                        help="report (and --check) the results saved by an earlier --json run instead of measuring")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    if args.source:
        try:
            result = json.loads(Path(args.source).read_text(encoding="utf-8"))
            markdown(result)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"bench: {args.source}: not the JSON of a bench run ({exc})", file=sys.stderr)
            return 2
    else:
        with tempfile.TemporaryDirectory(prefix="guided-reader-bench-") as tmp:
            result = run(QUICK if args.quick else Plan(), args.seed, Path(tmp), log)
    report = markdown(result)
    if args.save:
        Path(args.save).write_text(report, encoding="utf-8")
    print(json.dumps(result, indent=2) if args.json else report)
    missed = misses(result)
    if args.check and missed:
        log(f"--check: {len(missed)} measure(s) missed their target:")
        for m in missed:
            log(f"  {m['id']} ({m['pack']}) {m['ratio']:.2f}x, target {m['target']}: {m['label']}")
        return 1
    return 0
