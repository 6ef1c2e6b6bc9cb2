"""scripts/new_pack.py: scaffolding a reading pack from a raw text, run as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guided_reader import cli
from guided_reader.core.loader import load_pack

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "new_pack.py"
RAW = REPO / "tests" / "data" / "rossi-1957-raw.txt"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def essay(folder: Path) -> str:
    return (folder / "essay.txt").read_text(encoding="utf-8")


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def rossi(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("scaffold") / "rossi"
    return out, run(RAW, out)


def test_rossi_scaffold_passes_check(rossi, capsys):
    out, result = rossi
    assert result.returncode == 0, result.stderr
    pack = load_pack(out)
    assert pack.id == "rossi-1957-raw" and pack.author == "Unknown"
    assert pack.published and pack.source and pack.about.startswith("TODO")
    assert cli.main(["check", str(out)]) == 0
    assert "OK" in capsys.readouterr().out
    assert "31 paragraphs" in result.stdout and f"guided-reader check {out}" in result.stdout
    assert not leftovers(out.parent)


def test_rossi_scaffold_has_an_empty_commented_timeline(rossi):
    out, _ = rossi
    text = (out / "timeline.yaml").read_text(encoding="utf-8")
    assert "date:" in text and "essay_says:" in text  # the format, shown in comments
    assert all(line.startswith("#") for line in text.splitlines() if line.strip())
    assert load_pack(out).timeline == ()


def test_rossi_banner_is_gone_and_paragraphs_are_numbered(rossi):
    out, _ = rossi
    text = essay(out)
    pack = load_pack(out)
    assert len(pack.paragraphs) == 31
    assert pack.paragraphs[-1].endswith("they will not resolve themselves.")
    assert pack.paragraphs[0].startswith("THE process which has become known")
    for gone in ("You are reading a free article", "Subscribe", "•", "More By A. Rossi"):
        assert gone not in text
    assert "\n\n\n" not in text and text.endswith("themselves.\n")
    assert text.split("\n\n")[3].startswith("Prior to the publication")


def test_rossi_sections_cover_everything_and_follow_part_breaks(rossi):
    pack = load_pack(rossi[0])
    spans = [(s.first, s.last) for s in pack.sections]
    assert spans[0][0] == 1 and spans[-1][1] == 31
    assert all(a == b + 1 for (_, b), (a, _) in zip(spans, spans[1:]))
    starts = {first for first, _ in spans}
    assert {4, 16} <= starts  # the two double blank lines in the raw text
    for s in pack.sections:
        words = sum(len(pack.paragraphs[n - 1].split()) for n in s.paragraph_numbers)
        assert words <= 900 or s.first == s.last
        assert s.intro.startswith("TODO") and s.recap.startswith("TODO") and s.prompts


def test_rossi_glossary_candidates(rossi):
    pack = load_pack(rossi[0])
    names = {e.term: e for e in pack.glossary}
    spellings = {t for e in pack.glossary for t in (e.term, *e.aliases)}
    assert {"Khrushchev", "Twentieth Party Congress", "Communist Parties", "Togliatti"} <= spellings
    assert "Zhdanovism" in names and "cult of personality" in names  # quoted terms
    assert names["Palmiro Togliatti"].kind == "person" and "Togliatti" in names["Palmiro Togliatti"].aliases
    assert "M. Joliot-Curie" in names["Joliot-Curie"].aliases and names["Joliot-Curie"].kind == "person"
    assert names["Twentieth Party Congress"].kind == "concept"
    assert "U.S.S.R." in names and "USSR" in names["U.S.S.R."].aliases
    for common in ("The", "It", "But", "Prior", "During", "Subscribe", "June", "French"):
        assert common not in spellings
    assert all(e.short.startswith("TODO") and e.note.startswith("TODO") for e in pack.glossary)


def test_end_marker_cuts_at_the_given_line(tmp_path):
    out = tmp_path / "pack"
    result = run(RAW, out, "--end-marker", "Subscribe to Foreign Affairs")
    assert result.returncode == 0, result.stderr
    pack = load_pack(out)
    assert len(pack.paragraphs) == 32 and pack.paragraphs[-1] == "You are reading a free article."
    missing = run(RAW, tmp_path / "other", "--end-marker", "no such line anywhere")
    assert missing.returncode == 2 and "end marker" in missing.stderr and str(RAW) in missing.stderr
    assert not (tmp_path / "other").exists()


def test_part_breaks_title_and_wrapped_lines(tmp_path):
    raw = tmp_path / "my_essay.txt"
    raw.write_text("On Walking\n\nThe first part has\na hard-wrapped line.\n\nStill part one.\n\n\n"
                   "Part two begins here.\n\n* * *\n\nPart three, after a scene break.\n", encoding="utf-8")
    out = tmp_path / "pack"
    result = run(raw, out, "--author", "Jane Doe")
    assert result.returncode == 0, result.stderr
    pack = load_pack(out)
    assert (pack.id, pack.title, pack.author) == ("my-essay", "On Walking", "Jane Doe")
    assert pack.paragraphs[0] == "The first part has a hard-wrapped line."
    assert [(s.first, s.last) for s in pack.sections] == [(1, 2), (3, 3), (4, 4)]
    assert [s.title for s in pack.sections] == ["Paragraphs 1-2", "Paragraph 3", "Paragraph 4"]
    assert essay(out) == ("The first part has a hard-wrapped line.\n\nStill part one.\n\n"
                          "Part two begins here.\n\nPart three, after a scene break.\n")


def test_long_text_without_breaks_is_split_by_length(tmp_path):
    raw = tmp_path / "long.txt"
    paragraphs = [" ".join(f"word{p}x{i}" for i in range(130 + 40 * (p % 3))) + "." for p in range(20)]
    raw.write_text("\n\n".join(paragraphs), encoding="utf-8")
    out = tmp_path / "pack"
    assert run(raw, out).returncode == 0
    pack = load_pack(out)
    assert len(pack.paragraphs) == 20 and pack.title == "Long"
    sizes = [sum(len(pack.paragraphs[n - 1].split()) for n in s.paragraph_numbers) for s in pack.sections]
    assert len(sizes) >= 4 and all(300 <= n <= 800 for n in sizes), sizes


def test_values_yaml_would_misread_are_quoted_and_input_is_normalised(tmp_path):
    raw = tmp_path / "2024-01-01.txt"
    raw.write_bytes("\ufeffFirst line, with a \x1b[31mcolour\x1b[0m.\r\n\r\nSecond: yes \"no\".\r\n".encode())
    out = tmp_path / "pack"
    result = run(raw, out, "--title", "no", "--author", "1.10: yes #x")
    assert result.returncode == 0, result.stderr
    pack = load_pack(out)
    assert (pack.id, pack.title, pack.author) == ("2024-01-01", "no", "1.10: yes #x")
    assert pack.paragraphs == ("First line, with a colour.", 'Second: yes "no".')


def test_refuses_to_overwrite_unless_forced(tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.md").write_text("mine", encoding="utf-8")
    refused = run(RAW, out)
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    forced_foreign = run(RAW, out, "--force")
    assert forced_foreign.returncode == 2 and "pack.yaml" in forced_foreign.stderr
    assert [p.name for p in out.iterdir()] == ["notes.md"]

    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(RAW, empty).returncode == 0
    assert run(RAW, empty).returncode == 2
    (empty / "essay.txt").write_text("edited\n", encoding="utf-8")
    forced = run(RAW, empty, "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(load_pack(empty).paragraphs) == 31
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("name, content", [
    ("missing.txt", None),
    ("folder.txt", "DIR"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("latin1.txt", "Caf\xe9 au lait.\n".encode("latin-1")),
    ("empty.txt", b""),
    ("blank.txt", b"  \n\n\t\n"),
    ("banner-only.txt", "Subscribe now\n\n  \u2022 Sign up for the newsletter\n".encode()),
])
def test_bad_input_exits_2_naming_the_file_and_writes_nothing(tmp_path, name, content):
    raw = tmp_path / name
    if content == "DIR":
        raw.mkdir()
    elif content is not None:
        raw.write_bytes(content)
    out = tmp_path / "out" / "pack"
    result = run(raw, out)
    assert result.returncode == 2
    assert str(raw) in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and not (tmp_path / "out").exists()


def test_an_essay_ending_in_a_list_keeps_it(tmp_path):
    raw = tmp_path / "list.txt"
    raw.write_text("A real paragraph that ends properly.\n\nWhat we need:\n\n  - more light\n  - less noise\n",
                   encoding="utf-8")
    out = tmp_path / "pack"
    result = run(raw, out)
    assert result.returncode == 0 and "no trailing banner found" in result.stdout
    assert load_pack(out).paragraphs[-1] == "- more light - less noise"
