"""The timeline: the optional `timeline.yaml` of dated events, read, checked and put in order.

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
from guided_reader.core.problems import Problem
from guided_reader.core.schema import Checker, did_you_mean
from guided_reader.core.yamltree import Node

FILE = "timeline.yaml"
EVENT_KEYS = ("date", "title", "entries", "paragraphs")
EVENT_OPTIONAL = ("end", "note", "essay_says")
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


# -- reading timeline.yaml ----------------------------------------------------------------
def _date(node: Node, path: str, c: Checker) -> str | None:
    text = c.text(node, path)
    if text is None:
        return None
    if not DATE_RE.match(text):
        c.add(node, path, f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        return None
    if parse_date(text) is None:
        c.add(node, path, f"'{text}' is not a date that exists")
        return None
    return text


def _event(node: Node, path: str, c: Checker, ids: set[str] | None, count: int | None) -> Event | None:
    keys = c.mapping(node, path, EVENT_KEYS, EVENT_OPTIONAL)
    if keys is None:
        return None
    v: dict[str, object] = {}
    for key in ("date", "end"):
        if key in keys:
            v[key] = _date(keys[key], f"{path}.{key}", c)
    for key in ("title", "note", "essay_says"):
        if key in keys:
            v[key] = c.text(keys[key], f"{path}.{key}")
    entries = c.items(keys, "entries", path)
    for j, item in enumerate(entries):
        ref = c.text(item, f"{path}.entries[{j}]")
        if ref is not None and ids is not None and ref not in ids:
            c.add(item, f"{path}.entries[{j}]", f"no glossary entry has the id '{ref}'{did_you_mean(ref, ids)}")
        v.setdefault("entries", []).append(ref)
    for j, item in enumerate(c.items(keys, "paragraphs", path)):
        n = c.integer(item, f"{path}.paragraphs[{j}]")
        if n is not None and count is not None and not 1 <= n <= count:
            c.add(item, f"{path}.paragraphs[{j}]", f"there is no paragraph {n}: the essay has {count}")
            n = None
        v.setdefault("paragraphs", []).append(n)
    if v.get("date") and v.get("end") and last_day(v["end"]) < first_day(v["date"]):
        c.add(keys["end"], f"{path}.end", f"ends on {v['end']}, before the event's date {v['date']}")
        return None
    lists = v.get("entries", []) + v.get("paragraphs", [])
    if not (v.get("date") and v.get("title")) or None in lists or None in v.values():
        return None
    return Event(v["date"], v["title"], v.get("end"), v.get("note"), tuple(v.get("entries", ())),
                 tuple(v.get("paragraphs", ())), v.get("essay_says"))


def read_timeline(node: Node | None, c: Checker, ids: set[str] | None,
                  count: int | None) -> tuple[tuple[Event, ...], list[Problem]]:
    """The events in date order, and warnings; errors go to `c.problems`."""
    if node is None:  # no file, or only comments: no timeline
        return (), []
    items = c.seq(node, "timeline", allow_empty=True) or []
    events = [_event(n, f"timeline[{i}]", c, ids, count) for i, n in enumerate(items)]
    seen: dict[tuple[str, str], int] = {}
    warnings = Checker(c.file)
    previous = None
    for i, e in enumerate(events):
        if e is None:
            continue
        key = (e.date, e.title.casefold())
        if key in seen:
            c.add(items[i], f"timeline[{i}]", f"duplicate event: '{e.title}' on {e.date} is also item {seen[key]}")
        seen.setdefault(key, i)
        if previous is not None and first_day(e.date) < first_day(previous.date):
            warnings.add(items[i].items["date"][1], f"timeline[{i}].date",
                         f"{e.date} comes before the previous event's {previous.date}: events are shown in date order")
        previous = e
    if None in events:
        return (), warnings.problems
    ordered = sorted(events, key=lambda e: first_day(e.date))  # stable: same first day keeps file order
    return tuple(ordered), warnings.problems
