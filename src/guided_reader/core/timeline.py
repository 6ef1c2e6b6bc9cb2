"""The timeline: the optional `timeline.yaml` of dated events, in date order (checked by
core/timeline_check.py).

A date is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept as the text the author wrote. Events are put
in order of the first day each date can mean (`1956` is 1 January 1956), ties in file order;
an event the file lists before an earlier one gets a warning, not an error. Everything here
is plain data and text, shared by the CLI, plain mode, the guide, the journal and the TUI.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from guided_reader.core.model import Event, Pack, Section

FILE = "timeline.yaml"
DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
MONTHS = tuple(calendar.month_name)[1:]


def parse_date(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) with None for the parts left out, or None for no such date."""
    match = DATE_RE.match(text)
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if year < 1 or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return year, month, day


def first_day(text: str) -> dt.date:
    year, month, day = parse_date(text)
    return dt.date(year, month or 1, day or 1)


def last_day(text: str) -> dt.date:
    year, month, day = parse_date(text)
    month = month or 12
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def _label(parts: tuple[int, int | None, int | None], year: bool = True, month: bool = True) -> str:
    y, m, d = parts
    words = [str(d)] if d else []
    if m and month:
        words.append(MONTHS[m - 1])
    if year:
        words.append(str(y))
    return " ".join(words)


def when(event: Event) -> str:
    """The event's date or span in words: "25 February 1956", "14-25 February 1956", "1919"."""
    start = parse_date(event.date)
    if not event.end:
        return _label(start)
    end = parse_date(event.end)
    same_year = start[0] == end[0] and start[1] and end[1]
    same_month = same_year and start[1] == end[1] and start[2] and end[2]
    head = _label(start, year=not same_year, month=not same_month)
    return f"{head}-{_label(end)}" if same_month else f"{head} - {_label(end)}"


BUSY_YEAR = 8  # a year with more events than this is listed month by month


def headings(events) -> list[str]:
    """The heading each event is listed under: its year, or month and year in a busy year."""
    per_year: dict[int, int] = {}
    for e in events:
        per_year[parse_date(e.date)[0]] = per_year.get(parse_date(e.date)[0], 0) + 1
    out = []
    for e in events:
        year, month, _ = parse_date(e.date)
        out.append(f"{MONTHS[month - 1]} {year}" if per_year[year] > BUSY_YEAR and month else str(year))
    return out


def paragraphs_label(event: Event) -> str:
    numbers = ", ".join(map(str, event.paragraphs))
    if not event.paragraphs:
        return "not in the essay"
    return f"paragraph{'s' if len(event.paragraphs) > 1 else ''} {numbers}"


def in_section(event: Event, section: Section) -> bool:
    return any(section.first <= n <= section.last for n in event.paragraphs)


def section_of(pack: Pack, number: int) -> int:
    """The index of the section holding paragraph `number`."""
    return next(i for i, s in enumerate(pack.sections) if s.first <= number <= s.last)


def events_of_entry(pack: Pack, entry_id: str) -> list[Event]:
    return [e for e in pack.timeline if entry_id in e.entries]


def events_of_sections(pack: Pack, section_ids) -> list[Event]:
    sections = [s for s in pack.sections if s.id in set(section_ids)]
    return [e for e in pack.timeline if any(in_section(e, s) for s in sections)]


def as_json(pack: Pack) -> dict:
    """`{"events": [...]}` in date order, every key present (null when not set)."""
    return {"events": [{"date": e.date, "end": e.end, "title": e.title, "note": e.note, "entries": list(e.entries),
                        "paragraphs": list(e.paragraphs), "essay_says": e.essay_says} for e in pack.timeline]}


def listing(pack: Pack, section: Section | None = None) -> str:
    """The timeline as text, grouped by year (a busy year by month); `*` marks the events of `section`."""
    lines: list[str] = []
    heading = None
    for e, group in zip(pack.timeline, headings(pack.timeline)):
        if group != heading:
            heading = group
            lines += ["", heading] if lines else [heading]
        mark = "*" if section is not None and in_section(e, section) else " "
        says = f" The essay says: {e.essay_says}." if e.essay_says else ""
        lines.append(f"{mark} {when(e)}: {e.title} ({paragraphs_label(e)}).{says}")
    return "\n".join(lines)
