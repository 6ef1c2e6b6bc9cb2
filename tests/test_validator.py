"""The pack validator: one broken pack per rule, each reported as file:line with a clear message."""

from __future__ import annotations

import pytest

from guided_reader.cli import main
from guided_reader.core.loader import load_pack, load_pack_checked
from guided_reader.core.problems import PackError
from minipack import ESSAY, GLOSSARY, PACK, SECTIONS, write_pack


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (case id, file name, new text, expected "file:line" prefix, expected words in the message)
CASES = [
    ("yaml-tab", "sections_yaml", SECTIONS.replace("  title: The opening", "\ttitle: The opening"),
     "sections.yaml:2", "invalid YAML"),
    ("yaml-unclosed-quote", "glossary_yaml", sub(GLOSSARY, "term: Cominform", 'term: "Cominform'),
     "glossary.yaml:", "invalid YAML"),
    ("unknown-key", "glossary_yaml", sub(GLOSSARY, "  dates:", "  date:"),
     "glossary.yaml:7:3", "did you mean 'dates'"),
    ("unknown-pack-key", "pack_yaml", sub(PACK, "author:", "autor:"), "pack.yaml:4:1", "did you mean 'author'"),
    ("duplicate-key", "glossary_yaml", sub(GLOSSARY, "  kind: organisation\n", "  kind: organisation\n  kind: event\n"),
     "glossary.yaml:5:3", "duplicate key 'kind'"),
    ("duplicate-entry-id", "glossary_yaml", sub(GLOSSARY, "id: thorez", "id: cominform"),
     "glossary.yaml:9", "duplicate glossary id 'cominform'"),
    ("duplicate-section-id", "sections_yaml", sub(SECTIONS, "id: ending", "id: opening"),
     "sections.yaml:23:3", "duplicate section id 'opening'"),
    ("duplicate-prompt-id", "sections_yaml", sub(SECTIONS, "id: crisis", "id: why-silent"),
     "sections.yaml:29:7", "duplicate prompt id 'why-silent'"),
    ("missing-key", "glossary_yaml", sub(GLOSSARY, "  short: Leader of the French Communist Party.\n", ""),
     "glossary.yaml:9", "missing required key 'short'"),
    ("wrong-type-list", "glossary_yaml", sub(GLOSSARY, "term: Thorez", "term: [Thorez]"),
     "glossary.yaml:10:9", "expected text, found a list"),
    ("wrong-type-bool", "sections_yaml", sub(SECTIONS, "once: true", "once: yes"),
     "sections.yaml:22:13", "expected true or false"),
    ("empty-string", "glossary_yaml", sub(GLOSSARY, "note: He denounced Stalin in 1956.", 'note: ""'),
     "glossary.yaml:20:9", "must not be empty"),
    ("null-value", "sections_yaml", sub(SECTIONS, "recap: Silence was a policy.", "recap:"),
     "sections.yaml:5:9", "expected text, found nothing"),
    ("bad-kind", "glossary_yaml", sub(GLOSSARY, "kind: event", "kind: riot"), "glossary.yaml:24:9", "not a kind"),
    ("short-too-long", "glossary_yaml", sub(GLOSSARY, "short: The Italian Communist daily.", "short: " + "x" * 141),
     "glossary.yaml:", "141 characters"),
    ("broken-see-also", "glossary_yaml", sub(GLOSSARY, "see_also: [thorez]", "see_also: [thorz]"),
     "glossary.yaml:8:14", "did you mean 'thorez'"),
    ("broken-note-term", "sections_yaml", sub(SECTIONS, "- term: cominform", "- term: cominforn"),
     "sections.yaml:7:13", "no glossary entry has the id 'cominforn'"),
    ("broken-spoiler-section", "glossary_yaml", sub(GLOSSARY, "spoiler_free_from: ending", "spoiler_free_from: end"),
     "glossary.yaml:", "no section has the id 'end'"),
    ("overlapping-paragraphs", "sections_yaml", sub(SECTIONS, "paragraphs: 3-4", "paragraphs: 2-4"),
     "sections.yaml:25:15", "overlaps paragraph 2"),
    ("missing-paragraphs", "sections_yaml", sub(SECTIONS, "paragraphs: 3-4", "paragraphs: 4"),
     "sections.yaml:25:15", "skips paragraph 3"),
    ("paragraphs-past-end", "sections_yaml", sub(SECTIONS, "paragraphs: 3-4", "paragraphs: 3-5"),
     "sections.yaml:25:15", "the essay has 4 paragraphs"),
    ("paragraphs-short", "sections_yaml", sub(SECTIONS, "paragraphs: 3-4", "paragraphs: 3"),
     "sections.yaml:25:15", "the essay has 4 paragraphs"),
    ("backwards-range", "sections_yaml", sub(SECTIONS, "paragraphs: 3-4", "paragraphs: 4-3"),
     "sections.yaml:25:15", "from a lower to a higher"),
    ("bad-id", "sections_yaml", sub(SECTIONS, "id: ending", "id: The Ending"), "sections.yaml:23:7", "not a valid id"),
    ("anchor-alias", "glossary_yaml", sub(sub(GLOSSARY, "short: Leader", "short: &s Leader"), "short: First", "short: *s"),
     "glossary.yaml:", "anchors"),
    ("python-tag", "glossary_yaml", sub(GLOSSARY, "note: Founded in 1947", "note: !!python/object:os.system Founded"),
     "glossary.yaml:6:9", "tags"),
    ("control-char", "glossary_yaml", sub(GLOSSARY, "note: Founded in", "note: Found\x1b[31med in"),
     "glossary.yaml:6:14", "escape character"),
    ("nul-byte", "essay_txt", sub(ESSAY, "Bucharest", "Buch\x00arest"), "essay.txt:1:", "NUL"),
    ("bidi-override", "glossary_yaml", sub(GLOSSARY, "term: Thorez", "term: Tho\u202erez"), "glossary.yaml:10:", "U+202E"),
    ("bom", "pack_yaml", "\ufeff" + PACK, "pack.yaml:1:1", "byte-order mark"),
    ("crlf", "sections_yaml", SECTIONS.replace("\n", "\r\n"), "sections.yaml:1:", "CRLF"),
    ("empty-essay", "essay_txt", "\n\n", "essay.txt:1:1", "empty"),
    ("wrong-format", "pack_yaml", sub(PACK, "format: 1", "format: 2"), "pack.yaml:1:9", "format 1"),
    ("text-outside-pack", "pack_yaml", sub(PACK, "text: essay.txt", "text: ../essay.txt"), "pack.yaml:8", "inside the pack"),
    ("two-documents", "glossary_yaml", GLOSSARY + "---\n- id: x\n", "glossary.yaml:", "second '---'"),
    ("top-level-not-list", "glossary_yaml", "cominform: 1\n", "glossary.yaml:1:1", "expected a list"),
]


@pytest.mark.parametrize("case,file,text,where,words", CASES, ids=[c[0] for c in CASES])
def test_each_rule_is_reported_with_file_and_line(tmp_path, case, file, text, words, where):
    folder = write_pack(tmp_path / "pack", **{file: text})
    with pytest.raises(PackError) as info:
        load_pack(folder)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith(where) and words in m for m in messages), messages


def test_invalid_utf8_names_the_line(tmp_path):
    folder = write_pack(tmp_path / "pack")
    (folder / "essay.txt").write_bytes(b"Fine line.\n\nBad \xff byte.\n")
    with pytest.raises(PackError) as info:
        load_pack(folder)
    assert str(info.value.problems[0]).startswith("essay.txt:3:5: is not valid UTF-8")


@pytest.mark.parametrize("name", ["glossary.yaml", "essay.txt", "pack.yaml"])
def test_directory_where_a_file_belongs(tmp_path, name):
    folder = write_pack(tmp_path / "pack")
    (folder / name).unlink()
    (folder / name).mkdir()
    with pytest.raises(PackError) as info:
        load_pack(folder)
    assert f"{name}: expected a file, found a directory" in str(info.value)


def test_all_problems_are_reported_together(tmp_path):
    glossary = sub(sub(GLOSSARY, "kind: event", "kind: riot"), "see_also: [thorez]", "see_also: [nobody]")
    sections = sub(SECTIONS, "once: true", "once: maybe")
    folder = write_pack(tmp_path / "pack", glossary_yaml=glossary, sections_yaml=sections)
    with pytest.raises(PackError) as info:
        load_pack(folder)
    text = str(info.value)
    assert "not a kind" in text and "once" in text


def test_yaml_words_stay_text(tmp_path):
    """`no`, `1.10` and dates are kept as the author wrote them, never converted."""
    glossary = sub(sub(GLOSSARY, "short: Leader of the French Communist Party.", "short: no"),
                   'dates: "1947-1956"', "dates: 1.10")
    pack = load_pack(write_pack(tmp_path / "pack", glossary_yaml=glossary))
    assert pack.entry("thorez").short == "no"
    assert pack.entry("cominform").dates == "1.10"


def test_check_exits_2_with_messages_and_no_traceback(tmp_path, capsys):
    folder = write_pack(tmp_path / "pack", glossary_yaml=sub(GLOSSARY, "see_also: [thorez]", "see_also: [thorz]"))
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "glossary.yaml:8:14: glossary[0].see_also[0]: no glossary entry has the id 'thorz'" in err
    assert "Traceback" not in err


def test_check_summarises_a_good_pack(tmp_path, capsys):
    folder = write_pack(tmp_path / "pack")
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "4 paragraphs" in out and "sections   2" in out and "3 person" in out
    assert "warning" not in out


ONE_WAY = sub(GLOSSARY, "note: General Secretary of the PCF from 1930 to 1964.",
              "note: General Secretary of the PCF, which joined the Communist Information Bureau in 1947.")


def test_check_warns_on_a_one_way_link_but_passes(tmp_path, capsys):
    """Cominform links Thorez, and Thorez's note names the Cominform (by an alias) without linking back."""
    folder = write_pack(tmp_path / "pack", glossary_yaml=ONE_WAY)
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert ": OK, with 1 warning\n" in out
    assert ("  warning: glossary.yaml:8:14: glossary[0].see_also[0]: one-way link: the note of 'thorez' "
            "names Cominform but its see_also does not list 'cominform'") in out


def test_linking_back_clears_the_warning(tmp_path, capsys):
    both_ways = sub(ONE_WAY, "in 1947.\n", "in 1947.\n  see_also: [cominform]\n")
    assert load_pack_checked(write_pack(tmp_path / "pack", glossary_yaml=both_ways))[1] == []
    assert main(["check", str(write_pack(tmp_path / "pack2", glossary_yaml=both_ways))]) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_link_to_an_entry_whose_note_does_not_name_it_is_no_warning(tmp_path):
    assert load_pack_checked(write_pack(tmp_path / "pack"))[1] == []


@pytest.mark.parametrize("junk", [b"\x89PNG\r\n\x1a\n\x00\x00binary", b"", b"- - - [[[", b"\xff\xfe"])
def test_check_never_crashes_on_junk(tmp_path, capsys, junk):
    folder = write_pack(tmp_path / "pack")
    (folder / "sections.yaml").write_bytes(junk)
    assert main(["check", str(folder)]) == 2
    assert "sections.yaml" in capsys.readouterr().err


def test_check_on_missing_folder(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "is not a pack folder" in capsys.readouterr().err


def test_check_prints_at_most_fifty_problems(tmp_path, capsys):
    glossary = "".join(f"- id: e{i}\n  term: T{i}\n  kind: riot\n  short: s\n  note: n\n" for i in range(80))
    folder = write_pack(tmp_path / "pack", glossary_yaml=glossary)
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "has 80 problems" in err and "... and 30 more" in err
    assert len(err.splitlines()) == 52
