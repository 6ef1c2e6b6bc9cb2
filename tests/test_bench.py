"""scripts/bench.py must keep running: its quick mode, its generated pack, and the spotting
fast path it led to, which must find exactly what the plain word-by-word walk finds."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from guided_reader.core.glossary import _END, GlossaryIndex, tokens
from guided_reader.core.loader import load_pack
from guided_reader.core.model import Entry

ROOT = Path(__file__).resolve().parent.parent
MEASURES = {"startup", "memory", "nav", "nav_first", "nav_size", "load", "spot", "lookup_exact", "lookup_alias",
            "lookup_fuzzy", "lookup_miss", "save", "growth_load", "growth_memory"}


def test_quick_run_reports_every_measure_as_a_ratio(tmp_path):
    report = tmp_path / "bench.md"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--json", "--save", str(report)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert {m["id"] for m in result["measures"]} == MEASURES
    for m in result["measures"]:
        assert m["ratio"] > 0 and m["value"] > 0 and m["baseline"] > 0, m
        assert m["target"] and m["ok"] in (True, False, None), m
    assert {m["pack"] for m in result["measures"] if m["id"] == "startup"} == {"bundled", "large"}
    assert report.read_text(encoding="utf-8").startswith("# Benchmark\n\n`python scripts/bench.py --quick")


def _bench():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    return bench


def test_generated_pack_is_valid_and_reproducible(tmp_path):
    bench = _bench()
    sizes = bench.generate_pack(tmp_path / "a", 1 / 200, seed=7)
    bench.generate_pack(tmp_path / "b", 1 / 200, seed=7)
    for name in bench.YAML_FILES + ("essay.txt",):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    pack = load_pack(tmp_path / "a")
    assert len(pack.glossary) == sizes["entries"] == 50
    assert all(len(e.aliases) == 3 for e in pack.glossary)
    assert sum(len(s.prompts) for s in pack.sections) == sizes["prompts"]
    assert GlossaryIndex(pack.glossary).spot(pack.paragraphs[0])


def _walk(index: GlossaryIndex, text: str) -> list[tuple[int, int, str]]:
    """The spotting rule in its plainest form: try every word as a start."""
    words, out, i = tokens(text), [], 0
    while i < len(words):
        best, node = None, index._trie
        for j in range(i, len(words)):
            norm, start, end = words[j]
            hit = index._final(node, norm, end, text[start:end])
            best = (j, hit) if hit else best
            node = node.get(norm)
            if node is None:
                break
        if best is None:
            i += 1
            continue
        out.append((words[i][1], best[1][0], best[1][1]))
        i = best[0] + 1
    return out


def test_spot_skips_only_words_that_cannot_start_a_mention():
    entries = [Entry("t", "Thorez", "person", "s", "n", ("Maurice Thorez",)),
               Entry("p", "party", "concept", "s", "n", ("the Party",)),
               Entry("c", "Cominform", "organisation", "s", "n", ("Communist Information Bureau",)),
               Entry("u", "U.S.S.R.", "place", "s", "n", ("Soviet Union",))]
    index = GlossaryIndex(entries)
    assert _END not in index._trie
    pieces = ["Thorez", "Maurice", "the", "Party", "parties", "partys", "Cominforms", "Communist", "Information",
              "Bureau's", "USSR", "U.S.S.R.", "Soviet", "Unions", "_", "_'s", "'s", "s", "—", "l'Humanité", "x_y"]
    rng = random.Random(3)
    for _ in range(3000):
        text = rng.choice([" ", ", ", " _ ", "-"]).join(
            rng.choice(pieces) + rng.choice(["", "", "'s", "s", "es"]) for _ in range(rng.randint(1, 10)))
        assert [(s.start, s.end, s.entry_id) for s in index.spot(text)] == _walk(index, text), text
