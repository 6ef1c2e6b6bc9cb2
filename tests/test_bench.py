"""scripts/bench.py must keep running: its quick mode, its --check verdict, the generated pack
(guided_reader.devtools.packgen), and the spotting fast path it led to, which must find exactly
what the plain word-by-word walk finds. No figure is asserted: timings belong in the bench."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from guided_reader.core.glossary import _END, GlossaryIndex, tokens
from guided_reader.core.loader import load_pack
from guided_reader.core.model import Entry
from guided_reader.devtools.packgen import YAML_FILES, generate_pack

ROOT = Path(__file__).resolve().parent.parent
BENCH = [sys.executable, str(ROOT / "scripts" / "bench.py")]
MEASURES = {"startup", "startup_cold", "memory", "nav", "nav_first", "nav_size", "typing", "load", "spot",
            "lookup_exact", "lookup_alias", "lookup_fuzzy", "lookup_miss", "save", "growth_load", "growth_memory"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One `--quick --json --check` run for the module, in its own home folders."""
    tmp = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "HOME": str(tmp / "home"), "GUIDED_READER_HOME": str(tmp / "data")}
    report = tmp / "bench.md"
    done = subprocess.run([*BENCH, "--quick", "--json", "--check", "--save", str(report)],
                          capture_output=True, text=True, timeout=180, env=env)
    return done, report


def test_quick_run_reports_every_measure_as_a_ratio(quick):
    done, report = quick
    assert done.returncode in (0, 1), done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert {m["id"] for m in result["measures"]} == MEASURES
    for m in result["measures"]:
        assert m["ratio"] > 0 and m["value"] > 0 and m["baseline"] > 0, m
        assert m["target"] and m["ok"] in (True, False, None), m
    judged = {(m["id"], m["pack"]) for m in result["measures"] if m["ok"] is not None}
    assert {("startup", "bundled"), ("startup", "large"), ("typing", "bundled"), ("typing", "large"),
            ("nav_first", "bundled"), ("nav_size", "large"), ("spot", "large")} <= judged
    assert report.read_text(encoding="utf-8").startswith("# Benchmark\n\n`python scripts/bench.py --quick")


def test_check_exits_1_exactly_when_a_target_is_missed(quick):
    done, _ = quick
    missed = [m for m in json.loads(done.stdout)["measures"] if m["ok"] is False]
    assert done.returncode == (1 if missed else 0), done.stderr[-3000:]
    for m in missed:
        assert f"{m['id']} ({m['pack']})" in done.stderr


def test_check_judges_saved_results(quick, tmp_path):
    """--from FILE reports an earlier --json run: --check fails on one miss, passes without."""
    result = json.loads(quick[0].stdout)
    for m in result["measures"]:
        m["ok"] = None if m["ok"] is None else True
    result["measures"][0]["ok"] = False
    missing = result["measures"][0]
    saved = tmp_path / "missed.json"
    saved.write_text(json.dumps(result), encoding="utf-8")
    failed = subprocess.run([*BENCH, "--from", str(saved), "--check"], capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    assert f"{missing['id']} ({missing['pack']})" in failed.stderr
    assert "1 target(s) missed" in failed.stdout
    assert subprocess.run([*BENCH, "--from", str(saved)], capture_output=True, timeout=60).returncode == 0
    missing["ok"] = True
    saved.write_text(json.dumps(result), encoding="utf-8")
    passed = subprocess.run([*BENCH, "--from", str(saved), "--check"], capture_output=True, text=True, timeout=60)
    assert passed.returncode == 0 and "All targets hold." in passed.stdout


def test_from_a_file_that_is_not_a_run_is_refused(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2", encoding="utf-8")
    done = subprocess.run([*BENCH, "--from", str(junk), "--check"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and str(junk) in done.stderr and "Traceback" not in done.stderr


def test_generated_pack_is_valid_and_reproducible(tmp_path):
    sizes = generate_pack(tmp_path / "a", 1 / 200, seed=7)
    generate_pack(tmp_path / "b", 1 / 200, seed=7)
    for name in YAML_FILES + ("essay.txt",):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    pack = load_pack(tmp_path / "a")
    assert len(pack.glossary) == sizes["entries"] == 50
    assert all(len(e.aliases) == 3 for e in pack.glossary)
    assert sum(len(s.prompts) for s in pack.sections) == sizes["prompts"]
    assert GlossaryIndex(pack.glossary).spot(pack.paragraphs[0])


def test_generated_pack_takes_explicit_sizes_and_seeds_differ(tmp_path):
    sizes = {"sections": 9, "words": 2000, "entries": 40, "aliases": 2, "prompts": 12}
    got = generate_pack(tmp_path / "a", sizes=sizes, seed=1)
    generate_pack(tmp_path / "b", sizes=sizes, seed=2)
    pack = load_pack(tmp_path / "a")
    assert (len(pack.sections), len(pack.glossary), got["prompts"]) == (9, 40, 12)
    assert all(len(e.aliases) == 2 for e in pack.glossary)
    assert (tmp_path / "a" / "glossary.yaml").read_bytes() != (tmp_path / "b" / "glossary.yaml").read_bytes()


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
