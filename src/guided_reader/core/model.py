"""The reading pack as plain, immutable data. Built by `core.loader`, read by everything else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guided_reader.core.problems import Problem

KINDS = ("person", "organisation", "event", "concept", "publication", "place")


@dataclass(frozen=True)
class Note:
    term: str  # glossary entry id
    text: str


@dataclass(frozen=True)
class Choice:
    label: str
    reply: str


@dataclass(frozen=True)
class Prompt:
    id: str
    ask: str
    reflection: str
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    once: bool = False


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    first: int  # first paragraph number, 1-based, inclusive
    last: int  # last paragraph number, inclusive
    intro: str
    recap: str
    notes: tuple[Note, ...] = ()
    prompts: tuple[Prompt, ...] = ()

    @property
    def paragraph_numbers(self) -> range:
        return range(self.first, self.last + 1)


@dataclass(frozen=True)
class Entry:
    id: str
    term: str
    kind: str
    short: str
    note: str
    aliases: tuple[str, ...] = ()
    dates: str | None = None
    see_also: tuple[str, ...] = ()
    spoiler_free_from: str | None = None  # section id


@dataclass(frozen=True)
class Event:
    """One dated event of the timeline (`timeline.yaml`); dates are YYYY, YYYY-MM or YYYY-MM-DD."""

    date: str
    title: str
    end: str | None = None
    note: str | None = None
    entries: tuple[str, ...] = ()  # glossary ids
    paragraphs: tuple[int, ...] = ()  # essay paragraph numbers
    essay_says: str | None = None  # how the essay dates or describes it, where that departs from the record


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    author: str
    published: str
    source: str
    about: str
    root: Path
    paragraphs: tuple[str, ...]  # paragraphs[0] is paragraph 1
    sections: tuple[Section, ...]
    glossary: tuple[Entry, ...]
    timeline: tuple[Event, ...] = ()  # in date order
    warnings: tuple[Problem, ...] = ()  # problems that do not stop the pack loading
    _entries: dict[str, Entry] = field(default_factory=dict, repr=False, compare=False)
    _sections: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    # Filled by core.compiled: each paragraph's glossary mentions as (start, end, entry id),
    # and the glossary index when it was built while compiling.
    spots: tuple[tuple[tuple[int, int, str], ...], ...] | None = field(default=None, repr=False, compare=False)
    _index: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._entries.update((e.id, e) for e in self.glossary)
        self._sections.update((s.id, i) for i, s in enumerate(self.sections))

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def section_index(self, section_id: str) -> int | None:
        return self._sections.get(section_id)

    def paragraph(self, number: int) -> str:
        return self.paragraphs[number - 1]

    def section_text(self, section: Section) -> list[str]:
        return [self.paragraphs[n - 1] for n in section.paragraph_numbers]
