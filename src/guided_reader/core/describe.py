"""The answer of `guided-reader lookup`, as lines of text or as the `--json` object.

The JSON shape is a contract other tools rely on:
`{"query", "match": {id, term, aliases, kind, short, note, see_also, sections} | null,
  "candidates": [...], "suggestions": [...], "passages": [...]}` where `see_also` and `sections`
hold ids and `passages` the essay's answer to a question no entry fits, as `search --json` hits.
"""

from __future__ import annotations

from guided_reader.core.glossary import GlossaryIndex, LookupResult
from guided_reader.core.model import Entry, Pack
from guided_reader.core.search import Hit


def entry_json(entry: Entry, occurrences: dict[str, tuple[str, ...]]) -> dict:
    return {"id": entry.id, "term": entry.term, "aliases": list(entry.aliases), "kind": entry.kind,
            "short": entry.short, "note": entry.note, "see_also": list(entry.see_also),
            "sections": list(occurrences.get(entry.id, ()))}


def lookup_json(pack: Pack, index: GlossaryIndex, result: LookupResult, passages: list[Hit] = ()) -> dict:
    occurrences = index.occurrences(pack.sections, pack.paragraphs)
    return {
        "query": result.query,
        "match": entry_json(result.match, occurrences) if result.match else None,
        "candidates": [entry_json(e, occurrences) for e in result.candidates],
        "suggestions": list(result.suggestions),
        "passages": [hit.as_json() for hit in passages],
    }


def hit_text(pack: Pack, hit: Hit) -> str:
    """One search hit as a line: where it is, then its snippet."""
    source = "" if hit.kind == "essay" else f" (the guide's {hit.kind})"
    return f"{pack.section_index(hit.section) + 1}. {hit.section_title}, paragraph {hit.paragraph}{source}: {hit.snippet}"


def lookup_text(pack: Pack, index: GlossaryIndex, result: LookupResult, passages: list[Hit] = ()) -> list[str]:
    if result.match is None:
        if passages:
            lines = [f"No note for \"{result.query}\"; the essay speaks to it here:"]
            return lines + [f"  {hit_text(pack, hit)}" for hit in passages]
        if result.candidates:
            lines = [f"\"{result.query}\" could mean:"]
            lines += [f"  {e.term} ({e.kind}): {e.short}" for e in result.candidates]
            return lines
        line = f"No note for \"{result.query}\"."
        if result.suggestions:
            line += " Did you mean: " + ", ".join(result.suggestions) + "?"
        return [line]
    e = result.match
    occurrences = index.occurrences(pack.sections, pack.paragraphs).get(e.id, ())
    lines = [f"{e.term} ({e.kind}{', ' + e.dates if e.dates else ''})", e.short, "", e.note, ""]
    if e.aliases:
        lines.append("Also: " + ", ".join(e.aliases))
    see = [pack.entry(i).term for i in e.see_also if pack.entry(i)]
    if see:
        lines.append("See also: " + ", ".join(see))
    if occurrences:
        where = [f"{pack.section_index(s) + 1}. {pack.sections[pack.section_index(s)].title}" for s in occurrences]
        lines.append("Appears in: " + "; ".join(where))
    return lines
