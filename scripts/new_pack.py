"""Scaffold a reading pack from a raw text file.

    python scripts/new_pack.py RAW.txt OUT_DIR [--end-marker TEXT] [--title T] [--author A] [--force]

What it does, in order:
- reads RAW.txt as UTF-8 (a BOM, CRLF line ends and control characters are cleaned up);
- cuts a trailing web banner: at the first line containing --end-marker if given, otherwise the
  tail of bullets, short lines and "Subscribe" / "Sign up" / "free article" / "cookie" lines
  after the last real paragraph (only when that tail has at least one such banner line);
- takes a short first line (no final full stop) as the title and drops it from the text;
- numbers the paragraphs (blank-line separated; hard-wrapped lines are joined);
- proposes sections: two or more blank lines (or a line like `* * *`) start a new part, and a
  part longer than ~700 words is split by length (~550 words a section, never inside a paragraph);
- proposes glossary candidates: runs of capitalised words ("Twentieth Party Congress", joined
  across "of"/"de"/...), single capitalised words seen at least twice mid-sentence and never in
  lower case, names after a title (M., Mr., Mme. ...) and "quoted terms" of up to four words;
  a sentence-initial common word ("The", "During") is never a candidate. Names of two or three
  capitalised words are guessed to be people; a surname seen alone becomes an alias;
- writes pack.yaml, essay.txt, sections.yaml and glossary.yaml that `guided-reader check`
  accepts, with every intro, recap, prompt and note left as a TODO for the author, and a
  timeline.yaml holding only comments (no events yet) that shows the format.
The files are written into a temporary folder next to OUT_DIR and renamed into place, so a
failure leaves nothing half-written. A non-empty OUT_DIR is only replaced with --force.
Exit codes: 0 written, 2 bad input (nothing written).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path

import yaml

from guided_reader.core.loader import split_paragraphs
from guided_reader.core.safe import clean

BANNER = re.compile(r"subscri|sign ?(up|in)|log ?in|free article|cookie|newsletter|paywall|"
                    r"advertis|all rights reserved|©|more by|read more|share this", re.I)
BULLET = re.compile(r"\s*[•·▪●◦*+–-]\s")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
BREAK_LINE = re.compile(r"\W+")  # `* * *`, `---`, `§`: a part break, not a paragraph
TITLES = {"M", "Mme", "Mlle", "Mr", "Mrs", "Ms", "Dr", "Sir", "Prof", "Herr", "Frau", "Signor"}
CONNECTORS = {"of", "of the", "de", "du", "des", "di", "da", "del", "della", "von", "van", "der", "den", "la", "le"}
JOINERS = CONNECTORS | {"the"}
COMMON = set("""a an the and but or nor for so yet if in on at by to from with without into of off
over under after before since until while when where why how what who whom which whose this that these
those there here it its he she his her they them their we our you your i my me no not none all any
each every some such many much more most other another one two three four five six seven eight nine
ten also even only then thus hence yet still however indeed nevertheless furthermore moreover though
although because as than whether between among during within against throughout upon january
february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday""".split())
DEMONYMS = set("""american british english french german italian russian spanish polish hungarian
swiss swedish norwegian danish dutch belgian austrian greek turkish chinese japanese indian arab
jewish christian catholic protestant muslim european african asian western eastern northern
southern scandinavian soviet""".split())
NOT_PERSON = set("""party parties congress committee union institute army state states canal pact war
democrats socialists communists revolution republic church council ministry department office
company university college school street river sea ocean city affairs times press agency bank
court house assembly parliament government europe africa america asia kingdom empire movement
international front association league society federation group museum treaty conference plan
law act north south east west central social labor labour national new united great holy first
second third fourth fifth world communist socialist""".split()) | DEMONYMS
WORDS_PER_SECTION, MAX_SECTION = 550, 700


class BadInput(Exception):
    """A problem with the input or OUT_DIR: reported as one line, exit code 2."""


def read_raw(path: Path) -> str:
    if not path.is_file():
        raise BadInput(f"{path}: {'is a directory, not a file' if path.is_dir() else 'no such file'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise BadInput(f"{path}: looks like a binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(f"{path}: is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return clean(text)


def cut_banner(lines: list[str], marker: str | None, path: Path) -> tuple[list[str], list[str]]:
    """(body lines, removed tail lines). Without a marker: walk back from the end over blank lines,
    bullets, banner lines and short unpunctuated lines, and cut there only if a banner line
    ("Subscribe", "free article", ...) was among them, so an essay ending in a list is kept."""
    if marker is not None:
        for i, line in enumerate(lines):
            if marker in line:
                return lines[:i], lines[i:]
        raise BadInput(f"{path}: the end marker {marker!r} is not in the file")
    end, signal = len(lines), False
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        banner = bool(BANNER.search(line)) and len(line.split()) <= 25
        if line and not (banner or BULLET.match(lines[i])) and (len(line.split()) > 6 or SENTENCE_END.search(line)):
            break
        end, signal = i, signal or banner
    return (lines[:end], lines[end:]) if signal else (lines, [])


def parts(lines: list[str]) -> list[list[str]]:
    """Paragraphs grouped into parts, split where two or more blank lines (or a `* * *`) fall."""
    groups, chunk, blanks = [[]], [], 0
    for line in lines + [""]:
        if line.strip() and not BREAK_LINE.fullmatch(line.strip()):
            if blanks >= 2 and groups[-1]:
                groups.append([])
            chunk.append(line)
            blanks = 0
            continue
        if chunk:
            groups[-1].extend(" ".join(p.split()) for p in split_paragraphs("\n".join(chunk)))
            chunk = []
        blanks = 2 if line.strip() else blanks + 1
    return [g for g in groups if g]


def split_by_length(sizes: list[int]) -> list[int]:
    """Start indexes of balanced runs of paragraphs (~WORDS_PER_SECTION words each)."""
    total = sum(sizes)
    if total <= MAX_SECTION or len(sizes) < 2:
        return [0]
    n, cumulative, starts = max(2, round(total / WORDS_PER_SECTION)), list(accumulate(sizes)), [0]
    for k in range(1, n):
        target = k * total / n
        i = bisect_left(cumulative, target)  # the section ends after paragraph i or i - 1: the closer
        if i > 0 and target - cumulative[i - 1] <= cumulative[i] - target:
            i -= 1
        if min(i, len(sizes) - 2) + 1 > starts[-1]:
            starts.append(min(i, len(sizes) - 2) + 1)
    return starts


def sections(groups: list[list[str]]) -> list[dict]:
    spans, first = [], 1
    for group in groups:
        starts = split_by_length([len(p.split()) for p in group]) + [len(group)]
        spans += [(first + a, first + b - 1, group[a]) for a, b in zip(starts, starts[1:])]
        first += len(group)
    out = []
    for n, (a, b, opening) in enumerate(spans, 1):
        where = f"paragraphs {a}-{b}" if b > a else f"paragraph {a}"
        words = " ".join(opening.split()[:6])
        out.append({"id": f"section-{n}", "title": where.capitalize(), "paragraphs": f"{a}-{b}" if b > a else str(a),
                    "intro": f"TODO: what should the reader watch for in {where} (from \"{words} ...\")?",
                    "recap": f"TODO: what should the reader take away from {where}?",
                    "prompts": [{"id": f"section-{n}-q1", "ask": f"TODO: a question for the reader about {where}.",
                                 "reflection": "TODO: the guide's reply once the reader has answered."}]})
    return out


def token(chunk: str) -> tuple[str, str, str]:
    """(leading punctuation, word, trailing punctuation); a possessive 's counts as trailing."""
    lead, core, trail = re.fullmatch(r"([\W_]*)(.*?)((?:['’]s)?[\W_]*)", chunk).groups()
    if trail[:1] == "." and re.fullmatch(r"[A-Z]|(?:[A-Z]\.)+[A-Z]", core):  # A. Rossi; U.S.S.R.
        core, trail = core + ".", trail[1:] if len(core) == 1 else trail
    return lead, core, trail


def capital(word: str) -> bool:
    return word[:1].isupper() and any(ch.isalpha() for ch in word)


def candidates(paragraphs: list[str]) -> list[dict]:
    """Glossary candidates in order of first appearance: {term, person, count, para, aliases}."""
    lower_words = {w for p in paragraphs for w in re.findall(r"\b[^\W\d_][\w'-]*", p) if w.islower()}
    found: dict[str, dict] = {}
    keys: dict[str, str] = {}  # casefolded term -> the spelling seen first

    def note(term: str, para: int) -> dict:
        key = keys.setdefault(term.casefold(), term)
        c = found.setdefault(key, {"term": term, "person": False, "count": 0, "para": para, "aliases": set()})
        c["count"] += 1
        return c

    def add(words: list[str], para: int, initial: bool, title: str | None) -> None:
        if initial and not title and len(words) > 1 and (words[0].lower() in COMMON or words[0].lower() in lower_words):
            words, initial = words[1:], False
            while words and not capital(words[0]):
                words = words[1:]
        if not words or (len(words) == 1 and not title and (
                initial or words[0].lower() in COMMON or words[0].lower() in DEMONYMS | lower_words)):
            return
        c = note(" ".join(words), para)
        if title:
            c["person"] = True
            c["aliases"].add(f"{title} {c['term']}")

    for para, text in enumerate(paragraphs, 1):
        toks = [token(chunk) for chunk in re.sub(r"--|[—–]", " -- ", text).split()]
        i, start = 0, True
        while i < len(toks):
            lead, core, trail = toks[i]
            title = None
            if core.rstrip(".") in TITLES and i + 1 < len(toks) and capital(toks[i + 1][1]) and not toks[i + 1][0]:
                title, i = core + ("." if trail == "." else ""), i + 1
                lead, core, trail = toks[i]
            j = i
            if capital(core):
                words = [core]
                while not toks[j][2]:
                    k, joins = j + 1, []
                    while k < len(toks) and toks[k][1] in JOINERS and not (toks[k][0] or toks[k][2]) and len(joins) < 2:
                        joins, k = joins + [toks[k][1]], k + 1
                    if k < len(toks) and capital(toks[k][1]) and not toks[k][0] and (not joins or " ".join(joins) in CONNECTORS):
                        words, j = words + joins + [toks[k][1]], k
                    else:
                        break
                add(words, para, start and not title, title)
            start, i = bool(re.search(r"[.!?:]", toks[j][2])), j + 1
    for para, text in enumerate(paragraphs, 1):
        for quoted in re.findall(r"[\"“]([^\"“”]{2,60})[\"”]", text):
            term = re.sub(r"^(the|a|an) ", "", quoted.strip(" .,;:!?'"), flags=re.I)
            if term and len(term.split()) <= 4 and (" " in term or not term.islower() or term.endswith(("ism", "ist", "ists"))):
                note(term, para)["quoted"] = True
    return merge_surnames(found)


def merge_surnames(found: dict[str, dict]) -> list[dict]:
    """A surname seen alone becomes an alias of the full name; guess which names are people."""
    for c in found.values():
        words = c["term"].split()
        if 2 <= len(words) <= 3 and all(capital(w) and w.lower() not in NOT_PERSON for w in words):
            c["person"] = True
    for c in list(found.values()):
        words = c["term"].split()
        if c["person"] and len(words) > 1 and words[-1] in found:
            alone = found.pop(words[-1])
            c["aliases"] |= {words[-1]} | alone["aliases"]
            c["count"] += alone["count"]
            c["para"] = min(c["para"], alone["para"])
    for c in found.values():
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", c["term"]) if not unicodedata.combining(ch))
        c["aliases"] = (c["aliases"] | {plain, c["term"].replace(".", "")}) - {c["term"]}
    kept = [c for c in found.values() if " " in c["term"] or c["count"] > 1 or c["person"] or "quoted" in c]
    return sorted(kept, key=lambda c: c["para"])


def slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or fallback


def glossary(cands: list[dict]) -> list[dict]:
    entries, ids = [], set()
    for n, c in enumerate(cands, 1):
        base = slug(c["term"], f"term-{n}")[:60].strip("-")
        ident, k = base, 1
        while ident in ids:
            ident, k = f"{base}-{k + 1}", k + 1
        ids.add(ident)
        name = c["term"] if len(c["term"]) <= 60 else c["term"][:57] + "..."
        who, what = ("who", "is") if c["person"] else ("what", "means here")
        entries.append({"id": ident, "term": c["term"], **({"aliases": sorted(c["aliases"])} if c["aliases"] else {}),
                        "kind": "person" if c["person"] else "concept", "short": f"TODO: one line on {who} {name} {what}.",
                        "note": f"TODO: a fuller note on {name} (seen {c['count']} time{'s' * (c['count'] != 1)}, first in paragraph {c['para']})."})
    return entries


TIMELINE = """\
# The essay's events in date order (optional: an empty file means no timeline).
# See docs/timeline.md. One event:
#
# - date: 1956-02-25              # YYYY, YYYY-MM or YYYY-MM-DD
#   end: 1956-02-26               # optional: the last day of a span
#   title: A short title
#   note: Optional: what happened, in a sentence or two.
#   entries: [some-glossary-id]   # glossary ids ([] for none)
#   paragraphs: [1, 3]            # the paragraphs that mention it ([] for none)
#   essay_says: February 24       # optional: the essay's own date, where it departs from the record
"""


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**6)


def write_atomically(out: Path, files: dict[str, str]) -> None:
    """Write into a new folder next to OUT_DIR, then swap it in; on failure OUT_DIR is as it was."""
    tmp = old = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, old / "pack")
        os.rename(tmp, out)
    except OSError as exc:
        if old is not None and (old / "pack").exists() and not out.exists():
            os.rename(old / "pack", out)
        raise BadInput(f"{out}: cannot write the pack: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and out.exists():
            shutil.rmtree(old, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    raw, out = Path(args.raw), Path(args.out_dir)
    for option in ("title", "author"):
        value = getattr(args, option)
        if value is not None and not " ".join(clean(value).split()):
            raise BadInput(f"--{option} must not be empty")
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not args.force:
            raise BadInput(f"{out}: folder is not empty; pass --force to replace it")
        if not (out / "pack.yaml").is_file():
            raise BadInput(f"{out}: is not empty and holds no pack.yaml; not replacing it, even with --force")
    if out.is_dir() and raw.resolve().is_relative_to(out.resolve()):
        raise BadInput(f"{raw}: is inside {out}; choose another OUT_DIR")
    body, tail = cut_banner(read_raw(raw).split("\n"), args.end_marker, raw)
    title = " ".join(clean(args.title).split()) if args.title else None
    first, origin = next((i for i, line in enumerate(body) if line.strip()), None), "the file name"
    head = body[first].strip() if first is not None else ""
    if (0 < len(head.split()) <= 12 and not re.search(r"[.,;:!?]$", head) and first + 1 < len(body)
            and not body[first + 1].strip() and any(line.strip() for line in body[first + 1:])):
        title, body, origin = title or " ".join(head.split()), body[first + 1:], "the first line, dropped from the text"
    groups = parts(body)
    paragraphs = [p for g in groups for p in g]
    if not paragraphs:
        raise BadInput(f"{raw}: has no text left to make a pack from")
    title = title or " ".join(w.capitalize() for w in re.split(r"[-_\s]+", raw.stem) if w) or "Untitled"
    secs, cands = sections(groups), candidates(paragraphs)
    meta = {"format": 1, "id": slug(raw.stem, "pack"), "title": title, "author": " ".join(clean(args.author or "Unknown").split()),
            "published": "unknown", "source": "unknown", "text": "essay.txt",
            "about": "TODO: a note on the author and on when, where and why the essay was written."}
    write_atomically(out, {"pack.yaml": dump(meta), "essay.txt": "\n\n".join(paragraphs) + "\n",
                           "sections.yaml": dump(secs), "glossary.yaml": dump(glossary(cands)),
                           "timeline.yaml": TIMELINE})
    words = sum(len(p.split()) for p in paragraphs)
    tail = [line.strip() for line in tail if line.strip()]
    cut = f"removed {len(tail)} trailing lines from {tail[0][:50]!r}" if tail else "no trailing banner found"
    people = sum(c["person"] for c in cands)
    print(f"wrote {out}: pack id {meta['id']!r}, title {title!r} (from {'--title' if args.title else origin})")
    print(f"  text       {len(paragraphs)} paragraphs, {words:,} words; {cut}")
    print(f"  sections   {len(secs)} ({len(groups)} part{'s' * (len(groups) != 1)}; parts over {MAX_SECTION} words split by length)")
    print(f"  glossary   {len(cands)} candidates ({people} person, {len(cands) - people} concept)")
    print(f"next: replace the TODOs, delete unwanted candidates, then run `guided-reader check {out}`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scaffold a reading pack from a raw text file.")
    parser.add_argument("raw", metavar="RAW.txt", help="the raw text (UTF-8)")
    parser.add_argument("out_dir", metavar="OUT_DIR", help="the pack folder to create")
    parser.add_argument("--end-marker", metavar="TEXT", help="cut the text at the first line containing TEXT")
    parser.add_argument("--title", help="the essay's title (default: a short first line, or the file name)")
    parser.add_argument("--author", help="the author (default: Unknown)")
    parser.add_argument("--force", action="store_true", help="replace OUT_DIR even if it is not empty")
    try:
        run(parser.parse_args(argv))
    except BadInput as exc:
        print(f"new_pack: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
