"""Command palette providers: glossary terms and sections, beside Textual's own system commands.

Textual's `Matcher.highlight` parses its candidate as markup, so hits are highlighted here
from plain `Content` instead.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content


def _highlight(matcher, text: str) -> Content:
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    content = Content(text)
    for offset in offsets if score else ():
        content = content.stylize("bold underline", offset, offset + 1)
    return content


def ranked_terms(index, entries, query: str, score) -> list[tuple[float, object, str]]:
    """(score, entry, name shown) for the palette, best first: the entries the question engine
    ranks for `query` (core/ask.py `rank`, so "who was Thorez?" gives Maurice Thorez first, as
    in the chat), then the rest by `score(name)`, Textual's fuzzy match of a term or alias."""
    from guided_reader.core.ask import rank

    def shown(entry) -> tuple[float, str]:  # the name the reader's letters fit best
        return max(((score(name), name) for name in (entry.term,) + entry.aliases), key=lambda s: s[0])

    hits: dict[str, tuple[float, object, str]] = {}
    for i, entry in enumerate(rank(index, entries, query)[:20]):
        best, name = shown(entry)
        hits[entry.id] = (1.0 - i / 100, entry, name if best > 0 else entry.term)
    for entry in entries:
        if entry.id not in hits:
            best, name = shown(entry)
            if best > 0:
                hits[entry.id] = (0.5 * best / (1 + best), entry, name)  # below every ranked hit
    return sorted(hits.values(), key=lambda h: -h[0])


class TermsProvider(Provider):
    """Glossary terms (and their aliases); choosing one asks the guide about it."""

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        entries = app.visible_entries()
        for score, entry, shown in ranked_terms(app.session.guide.index, entries, query, matcher.match):
            display = Content.assemble(_highlight(matcher, shown), ("  " + entry.short, "dim"))
            yield Hit(score, display, partial(app.explain_entry, entry.id), text=entry.term)

    async def discover(self) -> Hits:
        for entry in self.app.visible_entries()[:40]:
            yield DiscoveryHit(Content.assemble("Term: ", entry.term), partial(self.app.explain_entry, entry.id),
                               text=entry.term)


class SectionsProvider(Provider):
    """Sections by number and title; choosing one goes there."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for i, section in enumerate(self.app.pack.sections):
            label = f"Section {i + 1}: {section.title}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, _highlight(matcher, label), partial(self.app.go_section, i), text=label)

    async def discover(self) -> Hits:
        for i, section in enumerate(self.app.pack.sections):
            label = f"Section {i + 1}: {section.title}"
            yield DiscoveryHit(Content(label), partial(self.app.go_section, i), text=label)
