"""Bad and hostile packs, run through the real command as a user would.

For every pack in the corpus, `check`, the reader and the plain reader are started as
subprocesses with stdin closed. Each must exit 2 within 2 s, print where the problem is
(`file:line` when the problem has a line), show no traceback, and write nothing to the
reader's data folder. The corpus is test_validator's one-pack-per-rule table plus the
attacks below; the large ones (50 MB file, 100,000 nested brackets) are generated here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minipack import ESSAY, GLOSSARY, PACK, SECTIONS, write_pack
from test_validator import CASES as RULE_CASES

LIMIT = 2.0  # seconds, per command
FILES = ("pack.yaml", "essay.txt", "sections.yaml", "glossary.yaml")


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def raw(name: str, data: bytes):
    """A builder that writes `data` as the bytes of file `name`."""
    def build(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return build


def fifty_megabytes(folder: Path) -> None:
    with (folder / "essay.txt").open("wb") as f:
        line = b"A word that repeats until the file is fifty megabytes long.\n\n"
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))


def directory(name: str):
    def build(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()
        (folder / name / "inside.yaml").write_text("- x\n")
    return build


def missing(name: str):
    return lambda folder: (folder / name).unlink()


TITLE = "title: A Small Essay"
# (case id, how to break the mini pack, the file the message must name, whether it has a line)
EXTRA = [
    ("tabs", {"pack_yaml": "format: 1\n\tid: mini\n"}, "pack.yaml", True),
    ("unclosed-double-quote", {"pack_yaml": sub(PACK, TITLE, 'title: "A Small Essay')}, "pack.yaml", True),
    ("unclosed-single-quote", {"sections_yaml": sub(SECTIONS, "title: The ending", "title: 'The ending")},
     "sections.yaml", True),
    ("unclosed-flow", {"glossary_yaml": sub(GLOSSARY, "see_also: [thorez]", "see_also: [thorez")},
     "glossary.yaml", True),
    ("wrong-type-format", {"pack_yaml": sub(PACK, "format: 1", "format: one")}, "pack.yaml", True),
    ("wrong-type-mapping-for-text", {"pack_yaml": sub(PACK, TITLE, "title: {a: b}")}, "pack.yaml", True),
    ("wrong-type-paragraphs", {"sections_yaml": sub(SECTIONS, "paragraphs: 1-2", "paragraphs: [1, 2]")},
     "sections.yaml", True),
    ("huge-format-number", {"pack_yaml": sub(PACK, "format: 1", "format: " + "9" * 5000)}, "pack.yaml", True),
    ("huge-paragraph-number", {"sections_yaml": sub(SECTIONS, "paragraphs: 3-4", "paragraphs: 3-" + "9" * 5000)},
     "sections.yaml", True),
    ("superscript-digit", {"pack_yaml": sub(PACK, "format: 1", "format: \u00b9")}, "pack.yaml", True),
    ("unknown-section-key", {"sections_yaml": sub(SECTIONS, "  intro: Now", "  intra: Now")}, "sections.yaml", True),
    ("duplicate-top-key", {"pack_yaml": PACK + "id: other\n"}, "pack.yaml", True),
    ("complex-key", {"pack_yaml": "? [a, b]\n: 1\n" + PACK}, "pack.yaml", True),
    ("billion-laughs", {"glossary_yaml": billion_laughs()}, "glossary.yaml", True),
    ("python-object-tag", {"pack_yaml": "!!python/object/apply:os.system ['touch /tmp/pwned']\n"}, "pack.yaml", True),
    ("python-name-tag-in-value", {"pack_yaml": sub(PACK, TITLE, "title: !!python/name:os.system ''")},
     "pack.yaml", True),
    ("deep-flow-nesting", {"glossary_yaml": "[" * 100_000}, "glossary.yaml", True),
    ("deep-map-nesting", {"sections_yaml": "{a: " * 100_000}, "sections.yaml", True),
    ("deep-block-nesting", {"glossary_yaml": "".join(" " * i + "-\n" for i in range(5000))}, "glossary.yaml", True),
    ("nul-in-yaml", {"pack_yaml": sub(PACK, TITLE, "title: A\x00Small")}, "pack.yaml", True),
    ("invalid-utf8", raw("glossary.yaml", GLOSSARY.encode() + b"- id: x\n  term: \xff\xfe\n"), "glossary.yaml", True),
    ("invalid-utf8-essay", raw("essay.txt", b"Fine line.\n\nBad \xc3\x28 byte.\n"), "essay.txt", True),
    ("bom-essay", raw("essay.txt", b"\xef\xbb\xbf" + ESSAY.encode()), "essay.txt", True),
    ("crlf-pack", {"pack_yaml": PACK.replace("\n", "\r\n")}, "pack.yaml", True),
    ("crlf-essay", {"essay_txt": ESSAY.replace("\n", "\r\n")}, "essay.txt", True),
    ("empty-essay-file", {"essay_txt": ""}, "essay.txt", True),
    ("raw-ansi-in-title", {"pack_yaml": sub(PACK, TITLE, "title: A \x1b[2J\x1b[31mSmall")}, "pack.yaml", True),
    ("raw-osc-in-essay", {"essay_txt": sub(ESSAY, "Bucharest", "\x1b]0;pwned\x07Bucharest")}, "essay.txt", True),
    ("escaped-ansi-in-title", {"pack_yaml": sub(PACK, TITLE, 'title: "A \\e[31mSmall"')}, "pack.yaml", True),
    ("escaped-osc-in-note", {"glossary_yaml": sub(GLOSSARY, "note: He denounced", 'note: "\\e]8;;http://x\\aHe denounced"')},
     "glossary.yaml", True),
    ("escaped-csi-c1-in-term", {"glossary_yaml": sub(GLOSSARY, "term: Thorez", 'term: "Thorez\\x9b2J"')},
     "glossary.yaml", True),
    ("escaped-bidi-in-prompt", {"sections_yaml": sub(SECTIONS, "ask: What changed?", 'ask: "What \\u202echanged?"')},
     "sections.yaml", True),
    ("raw-bidi-isolate", {"sections_yaml": sub(SECTIONS, "intro: Now", "intro: \u2067Now")}, "sections.yaml", True),
    ("empty-yaml", {"sections_yaml": ""}, "sections.yaml", False),
    ("comment-only-yaml", {"glossary_yaml": "# nothing here\n"}, "glossary.yaml", False),
    ("fifty-megabytes", fifty_megabytes, "essay.txt", False),
    ("directory-for-pack-yaml", directory("pack.yaml"), "pack.yaml", False),
    ("directory-for-essay", directory("essay.txt"), "essay.txt", False),
    ("directory-for-glossary", directory("glossary.yaml"), "glossary.yaml", False),
    ("missing-sections", missing("sections.yaml"), "sections.yaml", False),
]

CORPUS = [(case, {file: text}, where.split(":")[0], True) for case, file, text, where, _ in RULE_CASES] + EXTRA


def build(folder: Path, how) -> Path:
    if callable(how):
        write_pack(folder)
        how(folder)
    else:
        write_pack(folder, **how)
    return folder


def run_all(commands: list[list[str]], env: dict[str, str]) -> list[tuple[int, str, str, float]]:
    """Start every command at once (stdin closed) and wait for all, timing each."""
    started = []
    for args in commands:
        proc = subprocess.Popen([sys.executable, "-m", "guided_reader", *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                                encoding="utf-8", errors="replace")
        started.append((proc, time.monotonic()))
    results = []
    for proc, start in started:
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        results.append((proc.returncode, out, err, time.monotonic() - start))
    return results


def data_written(home: Path) -> list[str]:
    return [str(p) for p in home.rglob("*")] if home.exists() else []


@pytest.mark.parametrize("case,how,file,has_line", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_pack_exits_2_quickly_with_a_location_and_writes_nothing(tmp_path, isolated_home, case, how, file,
                                                                     has_line):
    folder = build(tmp_path / "pack", how)
    env = {**os.environ, "GUIDED_READER_HOME": str(isolated_home), "PYTHONDONTWRITEBYTECODE": "1",
           "TERM": "dumb", "COLUMNS": "80", "LINES": "24"}
    commands = [["check", str(folder)], [str(folder)], ["--plain", str(folder)]]
    location = re.compile(rf"^  {re.escape(file)}:\d+:\d+: " if has_line else rf"^  {re.escape(file)}: ", re.M)
    for args, (code, out, err, seconds) in zip(commands, run_all(commands, env)):
        shown = f"{args[:-1]}: exit {code} in {seconds:.2f}s\nstdout: {out[:500]}\nstderr: {err[:2000]}"
        assert code == 2, shown
        assert seconds < LIMIT, shown
        assert "Traceback" not in out + err, shown
        assert location.search(err), shown
        assert "\x1b" not in out + err and "\u202e" not in err, shown
    assert data_written(isolated_home) == []


def test_the_corpus_covers_every_pack_file():
    named = {file for *_, file, _ in CORPUS}
    assert named == set(FILES)


def test_the_check_of_a_good_pack_still_passes_in_a_subprocess(tmp_path, isolated_home):
    folder = write_pack(tmp_path / "pack")
    env = {**os.environ, "GUIDED_READER_HOME": str(isolated_home)}
    [(code, out, err, seconds)] = run_all([["check", str(folder)]], env)
    assert code == 0 and "OK" in out, err
    assert data_written(isolated_home) == []
