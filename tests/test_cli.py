"""The command line: lookup (text and JSON contract), packs, where, journal, reset, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from guided_reader import __version__
from guided_reader.cli import main
from guided_reader.core.store import Store
from minipack import write_pack


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guided_reader", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def pack(tmp_path):
    return str(write_pack(tmp_path / "pack"))


def test_lookup_found_prints_the_entry(pack, capsys):
    assert main(["lookup", "cominform", "--pack", pack]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cominform (organisation, 1947-1956)")
    assert "Founded in 1947" in out and "See also: Thorez" in out and "Appears in: 1. The opening; 2. The ending" in out


def test_lookup_json_contract(pack, capsys):
    assert main(["lookup", "Communist Information Bureau", "--json", "--pack", pack]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"query", "match", "candidates", "suggestions", "passages"}
    assert data["query"] == "Communist Information Bureau"
    assert set(data["match"]) == {"id", "term", "aliases", "kind", "short", "note", "see_also", "sections"}
    assert data["match"]["id"] == "cominform" and data["match"]["sections"] == ["opening", "ending"]
    assert data["match"]["see_also"] == ["thorez"]


def test_lookup_ambiguous_and_missing(pack, capsys):
    assert main(["lookup", "Duclos", "--json", "--pack", pack]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["match"] is None
    assert {c["id"] for c in data["candidates"]} == {"duclos", "duclos-letter"}
    assert main(["lookup", "Thorex", "--pack", pack]) == 0  # a near miss is still found
    assert capsys.readouterr().out.startswith("Thorez (person)")
    assert main(["lookup", "zzzzqqq", "--pack", pack]) == 1
    assert 'No note for "zzzzqqq"' in capsys.readouterr().out


def test_lookup_on_the_bundled_pack_by_default(capsys):
    assert main(["lookup", "Cominform"]) == 0
    assert "Cominform" in capsys.readouterr().out


def test_lookup_never_echoes_escapes(pack, capsys):
    main(["lookup", "\x1b]0;pwned\x07\x1b[31mred", "--pack", pack])
    main(["lookup", "\x1b[31mred", "--json", "--pack", pack])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out


def test_packs_lists_the_bundled_essay(capsys):
    assert main(["packs"]) == 0
    assert "rossi-1957\tThe Western Communists on the Defensive\tA. Rossi" in capsys.readouterr().out


def test_where_prints_the_data_paths(isolated_home, capsys):
    assert main(["where"]) == 0
    out = capsys.readouterr().out
    assert str(isolated_home) in out and "state.sqlite3" in out


def test_version_and_bad_arguments():
    assert run("--version").stdout.strip() == f"guided-reader {__version__}"
    bad = run("lookup")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "TERM" in bad.stderr
    assert run("--no-such-flag").returncode == 2


def test_reader_on_a_broken_pack_exits_2_without_traceback(tmp_path):
    folder = write_pack(tmp_path / "pack", glossary_yaml="- id: [\n")
    result = run(str(folder), "--plain")
    assert result.returncode == 2
    assert "glossary.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_journal_and_reset(pack, tmp_path, capsys):
    run(pack, "--plain", stdin="my careful answer\n/bookmark key\n?cominform\n")
    assert main(["journal", "--pack", "mini"]) == 0
    out = capsys.readouterr().out
    assert "my careful answer" in out and "Cominform" in out and "key" in out
    target = tmp_path / "j.md"
    assert main(["journal", "--pack", "mini", "-o", str(target)]) == 0
    assert "my careful answer" in target.read_text(encoding="utf-8")
    assert main(["reset", "--pack", "mini"]) == 2  # no terminal to confirm on: refuses
    assert Store.open().load("mini").answers
    assert main(["reset", "--pack", "mini", "--yes"]) == 0
    assert not Store.open().load("mini").answers
    assert main(["reset", "--pack", "mini", "--yes"]) == 1  # nothing left to do


def test_journal_for_unknown_pack_is_bad_input(capsys):
    assert main(["journal", "--pack", "nope"]) == 2
    assert "no pack with the id 'nope'" in capsys.readouterr().err


def test_lookup_wraps_long_notes_and_survives_a_closed_pipe():
    result = run("lookup", "Cominform")
    assert result.returncode == 0 and max(len(line) for line in result.stdout.splitlines()) <= 80
    piped = subprocess.run(f"{sys.executable} -m guided_reader lookup Togliatti | head -1", shell=True,
                           capture_output=True, text=True, timeout=60)
    assert piped.stdout.startswith("Palmiro Togliatti") and "Traceback" not in piped.stderr
