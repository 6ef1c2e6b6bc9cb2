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


class TermsProvider(Provider):
    """Glossary terms (and their aliases); choosing one asks the guide about it."""

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        for entry in app.visible_entries():
            best, shown = 0.0, entry.term
            for name in (entry.term,) + entry.aliases:
                score = matcher.match(name)
                if score > best:
                    best, shown = score, name
            if best > 0:
                display = Content.assemble(_highlight(matcher, shown), ("  " + entry.short, "dim"))
                yield Hit(best, display, partial(app.explain_entry, entry.id), text=entry.term)

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
