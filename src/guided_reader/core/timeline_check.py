"""Reading and checking `timeline.yaml`: the events with file:line errors and order warnings.

Kept apart from core/timeline.py so that reading a compiled pack never loads the YAML checker.
"""

from __future__ import annotations

from guided_reader.core.model import Event
from guided_reader.core.problems import Problem
from guided_reader.core.schema import Checker, did_you_mean
from guided_reader.core.timeline import DATE_RE, first_day, last_day, parse_date
from guided_reader.core.yamltree import Node

EVENT_KEYS = ("date", "title", "entries", "paragraphs")
EVENT_OPTIONAL = ("end", "note", "essay_says")


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
