"""The reader's journal: what they read, wrote, marked and looked up, as one Markdown file.

Every piece of text in it, the reader's and the pack's alike, is data. It is stripped of
terminal controls and escaped so that it can never open a heading, list, link, HTML block,
code block or table of its own: the only structure in the file is the structure written here.
A reader's answer keeps its line breaks inside a blockquote.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from . import safe
from .model import Pack
from .safe import ESCAPES
from .store import Answer, Saved

# Whole ANSI/OSC sequences first (so "\x1b[31m" leaves no "[31m"), then any lone control.
_SPECIALS = re.compile(r"([\\`*_\[\]<>&|~#])")  # never meaningful in a journal as text
_BULLET = re.compile(r"^([+\-=])")  # list items and setext underlines (`*` is escaped anyway)
_NUMBERED = re.compile(r"^(\d+)([.)])")


def clean(text: str) -> str:
    """`text` with terminal controls removed and every line ending made a plain newline."""
    text = ESCAPES.sub("", text)
    text = re.sub("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", "\n", text).replace("\t", "    ")
    return safe.clean(text)


def _escape_line(line: str) -> str:
    """One line of text, inert as Markdown. Leading spaces become no-break spaces so that
    indentation survives without turning into a code block."""
    line = _SPECIALS.sub(r"\\\1", line)
    body = line.lstrip(" ")
    body = _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\\\1", body))
    return "\u00a0" * (len(line) - len(line.lstrip(" "))) + body


def inline(text: str) -> str:
    """Any text as a single inert line (for titles, labels, questions)."""
    return _escape_line(" ".join(clean(text).split()))


def quote(text: str) -> list[str]:
    """Any text as an inert blockquote, one `>` line per line, blank lines kept."""
    lines = clean(text).strip("\n").split("\n")
    return [f"> {_escape_line(line.rstrip())}" if line.strip() else ">" for line in lines]


def _date(at: str) -> str:
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return inline(at)


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _section_title(pack: Pack, section_id: str) -> str:
    index = pack.section_index(section_id)
    return inline(pack.sections[index].title if index is not None else section_id)


def _answer_block(answer: Answer) -> list[str]:
    meta = _date(answer.at)
    if answer.choice is not None:
        meta += f", chose “{inline(answer.choice)}”"
    lines = [f"*{meta}*", ""]
    if answer.text.strip() and answer.text != answer.choice:
        lines += [*quote(answer.text), ""]
    return lines


def _answers(pack: Pack, saved: Saved) -> list[str]:
    """Answers grouped by section (pack order, then unknown sections) and by prompt."""
    by_section: dict[str, dict[str, list[Answer]]] = {}
    for answer in saved.answers:
        by_section.setdefault(answer.section, {}).setdefault(answer.prompt, []).append(answer)
    known = [s.id for s in pack.sections if s.id in by_section]
    out: list[str] = []
    for section_id in known + [s for s in by_section if s not in known]:
        index = pack.section_index(section_id)
        asks = {p.id: p.ask for p in pack.sections[index].prompts} if index is not None else {}
        prompts = by_section[section_id]
        out += [f"### {_section_title(pack, section_id)}", ""]
        for prompt_id in [p for p in asks if p in prompts] + [p for p in prompts if p not in asks]:
            ask = inline(asks.get(prompt_id, prompt_id)) or "(question)"
            out += [f"**{ask}**", ""]
            for answer in prompts[prompt_id]:
                out += _answer_block(answer)
    return out


def _timeline(pack: Pack, read: list[str]) -> list[str]:
    """The timeline events the sections read mention, in date order (`journal --timeline`)."""
    from .timeline import events_of_sections, paragraphs_label, when

    events = events_of_sections(pack, read)
    if not events:
        return []
    out = ["## Timeline of the sections read", ""]
    for e in events:
        says = f"; the essay says: {inline(e.essay_says)}" if e.essay_says else ""
        out.append(f"- {inline(when(e))}: {inline(e.title)} ({paragraphs_label(e)}{says})")
    return out + [""]


def render_journal(pack: Pack, saved: Saved, timeline: bool = False) -> str:
    """The whole journal as Markdown; `timeline` adds the events of the sections read."""
    title = inline(pack.title)
    if pack.author.strip():
        title += f", by {inline(pack.author)}"
    out = [f"# Reading journal: {title}", ""]
    completed = set(saved.completed)
    read = [s.id for s in pack.sections if s.id in completed]
    read += [s for s in saved.completed if s not in read]
    if read:
        out += ["## Sections read", ""]
        out += [f"- {_section_title(pack, s)}: {_minutes(saved.seconds.get(s, 0.0))}" for s in read]
        out.append("")
    here = saved.position.section if saved.position else None
    skipped = [s.id for s in pack.sections if s.id in saved.seconds and s.id not in completed and s.id != here]
    if skipped:
        out += ["## Sections skipped", "", "Opened, then stepped past before they were read through:", ""]
        out += [f"- {_section_title(pack, s)}" for s in skipped]
        out.append("")
    if timeline:
        out += _timeline(pack, read)
    if saved.answers:
        out += ["## Answers", "", *_answers(pack, saved)]
    if saved.bookmarks:
        out += ["## Bookmarks", ""]
        for mark in saved.bookmarks:
            label = f": {inline(mark.label)}" if mark.label.strip() else ""
            out.append(f"- {_section_title(pack, mark.section)}, paragraph {mark.paragraph}{label}")
        out.append("")
    if saved.lookups:
        counts = Counter(lookup.entry or lookup.query for lookup in saved.lookups)
        out += ["## Terms looked up", ""]
        for key, n in counts.items():  # in the order first looked up
            entry = pack.entry(key)
            times = "once" if n == 1 else f"{n} times"
            out.append(f"- {inline(entry.term if entry else key)} ({times})")
        out.append("")
    if len(out) == 2:
        out += ["Nothing recorded yet.", ""]
    return "\n".join(out)
