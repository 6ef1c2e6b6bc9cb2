"""Reading packs written for the benchmark and the tests: one writer, one seeded generator.

`generate_pack(folder, scale, seed)` writes a synthetic pack of `scale` x LARGE (500
sections, 1,000,000 words, 10,000 glossary entries with 3 aliases each, 1,500 prompts), or of
explicit `sizes`. The same seed gives the same bytes; the pack passes `load_pack` like any
real one. Its first sections copy the paragraph lengths of the bundled essay, so a step
between them can be compared with the same step in the bundled pack. Glossary terms are
mentioned about once in 22 words, some by alias, some with an 's, a few with accents.

`pack_yaml` and `write_pack` are the one way packs are written to a folder here, so the tests'
hand-written mini pack (tests/minipack.py) goes through them as well.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from guided_reader.core import paths
from guided_reader.core.glossary import normalise
from guided_reader.core.loader import load_pack
from guided_reader.core.model import KINDS

LARGE = {"sections": 500, "words": 1_000_000, "entries": 10_000, "aliases": 3, "prompts": 1500}
YAML_FILES = ("pack.yaml", "sections.yaml", "glossary.yaml")


def pack_yaml(id: str, title: str, author: str, published: str, source: str, about: str) -> str:
    """The text of a pack.yaml naming essay.txt as its text."""
    return (f"format: 1\nid: {id}\ntitle: {title}\nauthor: {author}\npublished: {published}\n"
            f"source: {source}\nabout: {about}\ntext: essay.txt\n")


def write_pack(folder: Path, files: dict[str, str]) -> Path:
    """Write `files` (name -> UTF-8 text) into `folder`, creating it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


SYLLABLES = ("ka lo mi ra ven tor el sa dun bri gal mor pel ti vos an zer lu fen ock dra hil "
             "mas nor quen rid sul tam ur wex yal bo cre dia fo gu ith jo kel").split()
_FUNCTION = ("the of and to in a that was his it for as with by on not which had be this from "
             "but were at their they or its an he have been all would who more than one so "
             "them into after even only what when there also other could those party line").split()
_SUFFIXES = ("Party", "Congress", "Affair", "Doctrine", "Movement", "Bureau", "Front", "Line",
             "Review", "Letter", "Group", "Union", "Plan", "Theses", "Question", "Crisis")
_ACCENTS = str.maketrans("eaou", "éàöú")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    """Builds the four files of a synthetic pack from one seeded random generator."""

    def __init__(self, seed: int, sizes: dict[str, int], mirror: list[list[int]]) -> None:
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.mirror = mirror  # word counts of the bundled sections' paragraphs, to copy at the start
        self.keys: set[str] = set()
        self.name_words: set[str] = set()

    def name_word(self) -> str:
        n = self.rng.choice((2, 2, 3))
        return "".join(self.rng.choice(SYLLABLES) for _ in range(n)).capitalize()

    def _claim(self, text: str) -> bool:
        key = normalise(text)
        if not key or key in self.keys:
            return False
        self.keys.add(key)
        self.name_words.update(text.split())
        return True

    def _name(self, make) -> str:
        while True:
            text = make()
            if self._claim(text):
                return text

    def glossary(self) -> list[dict]:
        rng, entries = self.rng, []
        count = self.sizes["entries"]
        for i in range(count):
            term = self._name(lambda: " ".join(self.name_word() for _ in range(rng.choice((1, 1, 2)))))
            forms = [
                lambda: f"{self.name_word()} {term}",
                lambda: f"{term} {rng.choice(_SUFFIXES)}",
                lambda: term[:-1] + rng.choice("aeiouy") + self.name_word().lower()[:2],
                lambda: f"{term.split()[0][0]}. {self.name_word()} {term.split()[-1]}",
                lambda: f"{self.name_word()} {term}".translate(_ACCENTS),
            ]
            aliases = [self._name(rng.choice(forms)) for _ in range(self.sizes["aliases"])]
            entries.append({"id": f"g{i:05d}", "term": term, "aliases": aliases,
                            "kind": KINDS[i % len(KINDS)]})
        self.entries = entries
        return entries

    def vocabulary(self, n: int = 4000) -> tuple[list[str], list[float]]:
        lowered = {w.lower() for w in self.name_words}
        words: set[str] = set()
        while len(words) < n:
            w = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.choice((1, 2, 2, 3))))
            if w not in lowered:
                words.add(w)
        vocab = _FUNCTION + sorted(words)
        weights = [1.0 / (rank + 8) for rank in range(len(vocab))]  # Zipf-like
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        return vocab, cum

    def sentence(self, n: int) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=n)
        return " ".join(words).capitalize() + "."

    def paragraph(self, n: int, mentions: list[str]) -> str:
        rng = self.rng
        words = rng.choices(self.vocab, cum_weights=self.cum, k=n)
        for k in range(0, n, 22):  # about one glossary mention in 22 words, like the essay
            entry = self.entries[min(int(rng.paretovariate(1.1)) - 1, len(self.entries) - 1)
                                 if rng.random() < 0.5 else rng.randrange(len(self.entries))]
            form = rng.random()
            name = entry["term"] if form < 0.7 else rng.choice(entry["aliases"])
            if form > 0.95:
                name += "'s"
            words[min(n - 1, k + rng.randrange(22))] = name
            mentions.append(entry["id"])
        out, i = [], 0
        while i < n:
            m = rng.randint(8, 26)
            chunk = words[i : i + m]
            chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
            out.append(" ".join(chunk) + ".")
            i += m
        return " ".join(out)

    def layout(self) -> list[list[int]]:
        """Word counts per paragraph per section: the bundled sections first (equal passages
        for the next/previous comparison), the rest sharing out the remaining words."""
        sections, words = self.sizes["sections"], self.sizes["words"]
        head = self.mirror[: min(len(self.mirror), sections // 2)]
        left = max(words - sum(map(sum, head)), 0)
        rest = sections - len(head)
        plan = list(head)
        for i in range(rest):
            share = left // rest + (1 if i < left % rest else 0)
            parts = self.rng.choice((3, 4, 4, 5))
            cuts = sorted(self.rng.sample(range(1, max(share, parts + 1)), parts - 1))
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, max(share, parts + 1)])]
            plan.append([max(s, 1) for s in sizes])
        return plan

    def write(self, folder: Path) -> dict[str, int]:
        rng = self.rng
        self.glossary()
        self.vocab, self.cum = self.vocabulary()
        plan = self.layout()
        section_ids = [f"s{i:04d}" for i in range(len(plan))]
        paragraphs, sections, prompt_no = [], [], 0
        total_prompts = self.sizes["prompts"]
        for i, counts in enumerate(plan):
            first = len(paragraphs) + 1
            mentions: list[str] = []
            for n in counts:
                paragraphs.append(self.paragraph(n, mentions))
            n_prompts = total_prompts // len(plan) + (1 if i < total_prompts % len(plan) else 0)
            prompts = []
            for _ in range(n_prompts):
                prompt_no += 1
                p = {"id": f"p{prompt_no:05d}", "ask": self.sentence(rng.randint(12, 30))[:-1] + "?",
                     "reflection": self.sentence(rng.randint(40, 90))}
                if rng.random() < 0.6:
                    p["hint"] = self.sentence(rng.randint(10, 25))
                if rng.random() < 0.4:
                    p["choices"] = [{"label": self.sentence(rng.randint(2, 4))[:-1],
                                     "reply": self.sentence(rng.randint(25, 60))} for _ in range(3)]
                if rng.random() < 0.1:
                    p["once"] = True
                prompts.append(p)
            notes = [{"term": t, "text": self.sentence(rng.randint(20, 60))}
                     for t in dict.fromkeys(mentions[:: max(1, len(mentions) // 3)])][:4]
            sections.append({"id": section_ids[i], "title": self.sentence(rng.randint(2, 5))[:-1],
                             "paragraphs": f"{first}-{len(paragraphs)}",
                             "intro": self.sentence(rng.randint(30, 60)),
                             "recap": self.sentence(rng.randint(30, 60)), "notes": notes, "prompts": prompts})
        for i, e in enumerate(self.entries):
            e["short"] = self.sentence(rng.randint(8, 18))[:140]
            e["note"] = " ".join(self.sentence(rng.randint(10, 25)) for _ in range(rng.randint(4, 9)))
            if rng.random() < 0.5:
                born = rng.randint(1850, 1930)
                e["dates"] = f"{born}-{born + rng.randint(30, 90)}"
            e["see_also"] = [f"g{rng.randrange(len(self.entries)):05d}" for _ in range(rng.randint(0, 4))]
            if rng.random() < 0.05 and len(section_ids) > 1:
                e["spoiler_free_from"] = rng.choice(section_ids[1:])
        write_pack(folder, {
            "pack.yaml": pack_yaml("bench-large", "A Generated Essay", "The Benchmark", "Nowhere, 2024",
                                   "https://example.org/bench", "A synthetic pack written by guided_reader.devtools."),
            "essay.txt": "\n\n".join(paragraphs) + "\n",
            "sections.yaml": _sections_yaml(sections),
            "glossary.yaml": _glossary_yaml(self.entries)})
        return {"sections": len(sections), "paragraphs": len(paragraphs),
                "words": sum(len(p.split()) for p in paragraphs), "entries": len(self.entries),
                "aliases": sum(len(e["aliases"]) for e in self.entries), "prompts": prompt_no,
                "bytes": sum(f.stat().st_size for f in folder.iterdir())}


def _block(text: str, indent: str) -> str:
    return f"|-\n{indent}{text}"


def _sections_yaml(sections: list[dict]) -> str:
    out = ["# Generated by guided_reader.devtools.packgen\n"]
    for s in sections:
        out.append(f"- id: {s['id']}\n  title: {_q(s['title'])}\n  paragraphs: '{s['paragraphs']}'\n"
                   f"  intro: {_block(s['intro'], '    ')}\n  recap: {_block(s['recap'], '    ')}\n")
        if s["notes"]:
            out.append("  notes:\n")
            out.extend(f"    - term: {n['term']}\n      text: {_q(n['text'])}\n" for n in s["notes"])
        if s["prompts"]:
            out.append("  prompts:\n")
        for p in s["prompts"]:
            out.append(f"    - id: {p['id']}\n      ask: {_q(p['ask'])}\n")
            if "hint" in p:
                out.append(f"      hint: {_q(p['hint'])}\n")
            out.append(f"      reflection: {_block(p['reflection'], '        ')}\n")
            if "choices" in p:
                out.append("      choices:\n")
                out.extend(f"        - label: {_q(c['label'])}\n          reply: {_q(c['reply'])}\n"
                           for c in p["choices"])
            if p.get("once"):
                out.append("      once: true\n")
    return "".join(out)


def _glossary_yaml(entries: list[dict]) -> str:
    out = ["# Generated by guided_reader.devtools.packgen\n"]
    for e in entries:
        out.append(f"\n- id: {e['id']}\n  term: {_q(e['term'])}\n"
                   f"  aliases: [{', '.join(map(_q, e['aliases']))}]\n  kind: {e['kind']}\n"
                   f"  short: {_q(e['short'])}\n  note: {_block(e['note'], '    ')}\n")
        if "dates" in e:
            out.append(f"  dates: \"{e['dates']}\"\n")
        if e["see_also"]:
            out.append(f"  see_also: [{', '.join(e['see_also'])}]\n")
        if "spoiler_free_from" in e:
            out.append(f"  spoiler_free_from: {e['spoiler_free_from']}\n")
    return "".join(out)


def scaled(scale: float) -> dict[str, int]:
    return {k: (v if k == "aliases" else max(2, round(v * scale))) for k, v in LARGE.items()}


def bundled_layout() -> list[list[int]]:
    """Word counts per paragraph per section of the bundled essay."""
    pack = load_pack(paths.default_pack_dir())
    return [[len(pack.paragraph(n).split()) for n in s.paragraph_numbers] for s in pack.sections]


def generate_pack(folder: Path, scale: float = 1.0, seed: int = 1957,
                  sizes: dict[str, int] | None = None) -> dict[str, int]:
    """Write a synthetic pack of `scale` x LARGE (or of `sizes`, the keys of LARGE) into
    `folder`; the same seed gives the same bytes. Returns what was written, counted."""
    return _Writer(seed, sizes or scaled(scale), bundled_layout()).write(Path(folder))
