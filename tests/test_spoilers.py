"""No note the reader can meet early gives away what the essay argues later.

tests/data/rossi-1957-claims.yaml lists, for each section of the bundled pack, the claims the
essay makes there, with the phrasings a note would use. A glossary entry is shown unasked (in
the passage, the glossary browser, the palette) from the section its `spoiler_free_from` names,
or from the start; a section's intro, notes, prompts and recap are shown in that section. None
of these may state a claim of a later section: that would answer its questions in advance.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from guided_reader.core.guide import Guide, GuideState
from guided_reader.core.loader import load_pack
from guided_reader.core.paths import default_pack_dir

CLAIMS_FILE = Path(__file__).parent / "data" / "rossi-1957-claims.yaml"


@pytest.fixture(scope="module")
def pack():
    return load_pack(default_pack_dir())


@pytest.fixture(scope="module")
def claims():
    return yaml.safe_load(CLAIMS_FILE.read_text(encoding="utf-8"))


def first_shown(pack, entry) -> int:
    """The first section in which the guide shows `entry` without being asked."""
    guide = Guide(pack)
    return next(i for i in range(len(pack.sections)) if guide.visible(entry, GuideState(section=i)))


def texts(pack):
    """(where, first section index at which the reader can meet it, text)."""
    yield "pack.yaml about", 0, pack.about
    for e in pack.glossary:
        yield f"glossary {e.id}", first_shown(pack, e), f"{e.short}\n{e.note}"
    for i, s in enumerate(pack.sections):
        yield f"{s.id} intro", i, s.intro
        yield f"{s.id} recap", i, s.recap
        for note in s.notes:
            yield f"{s.id} note on {note.term}", i, note.text
        for p in s.prompts:
            parts = [p.ask, p.hint or "", p.reflection] + [f"{c.label} {c.reply}" for c in p.choices]
            yield f"{s.id} prompt {p.id}", i, "\n".join(parts)


def spoilers(pack, claims) -> list[str]:
    order = {s.id: i for i, s in enumerate(pack.sections)}
    found = []
    for where, start, text in texts(pack):
        for section_id, listed in claims.items():
            if order[section_id] <= start:
                continue
            for claim in listed:
                for pattern in claim["patterns"]:
                    if re.search(pattern, text, re.IGNORECASE):
                        found.append(f"{where} (shown from section {start + 1}) states a claim of "
                                     f"section {order[section_id] + 1}, {section_id}: {claim['claim']} "
                                     f"[matched {pattern!r}]")
    return found


def test_every_later_section_has_its_claims_listed(pack, claims):
    ids = [s.id for s in pack.sections]
    assert set(claims) <= set(ids), set(claims) - set(ids)
    assert set(ids[1:]) <= set(claims), set(ids[1:]) - set(claims)
    for listed in claims.values():
        for claim in listed:
            assert claim["claim"] and claim["patterns"], claim
            for pattern in claim["patterns"]:
                re.compile(pattern)


def test_no_note_gives_away_a_later_argument(pack, claims):
    found = spoilers(pack, claims)
    assert not found, "\n".join(found)


def test_a_planted_spoiler_is_caught_and_spoiler_free_from_clears_it(pack, claims):
    """The check can fail: an early entry that tells the French-section verdict is reported,
    and the same note is fine once the entry stays hidden until that section."""
    pcf = pack.entry("pcf")
    verdict = pcf.note + " Rossi says the PCF has clung most tenaciously to Stalinism."
    planted = replace(pack, glossary=tuple(replace(e, note=verdict) if e is pcf else e for e in pack.glossary))
    before = set(spoilers(pack, claims))
    found = [f for f in spoilers(planted, claims) if f not in before]
    assert len(found) == 1 and found[0].startswith("glossary pcf (shown from section 1)"), found
    assert "the-french-leadership" in found[0]
    hidden = replace(pack, glossary=tuple(replace(e, note=verdict, spoiler_free_from="the-french-leadership")
                                          if e is pcf else e for e in pack.glossary))
    assert set(spoilers(hidden, claims)) == before
