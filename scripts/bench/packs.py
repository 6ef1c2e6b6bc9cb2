"""Loading a pack (load + validate + index), spotting its terms, and how both grow with size."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from guided_reader.core.glossary import GlossaryIndex
from guided_reader.core.loader import load_pack
from guided_reader.devtools.packgen import YAML_FILES

from bench.nav import passages
from bench.results import MB, Measure, clock, median, within


def load_and_index(folder: Path):
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
        out.append(within("load", "load + validate + index the pack", name, t * 1000, t0 * 1000,
                          "yaml.load(CSafeLoader) of the same 3 YAML files", "ms", 3,
                          {"pack_mb": round(pack_mb(folder), 2)}))
    return out, seconds


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
    return within("spot", f"spot glossary terms in a passage (~{words:.0f} words)", name,
                  median(ours) * 1000, median(floor) * 1000, 're.findall(r"\\w+") on the same passage', "ms", 5,
                  {"passages": len(texts), "terms_per_passage": round(spans, 1)})


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
        within("growth_load", f"load time per pack MB at {hi} vs {lo}", "scaled", load_per[hi], load_per[lo],
               f"load time per pack MB at {lo}", "ms/MB", 1.5, detail_load),
        within("growth_memory", f"memory per pack MB, {names[-2]} to {hi} vs {lo} to {names[1]}", "scaled",
               mem_per[hi], mem_per[lo], f"memory per pack MB, {lo} to {names[1]}", "MB/MB", 1.5, detail_mem),
    ]
