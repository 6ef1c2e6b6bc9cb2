"""A reading session: the guide plus the reader's saved state, shared by both front ends.

The guide is pure; this is where its replies meet the store. Every reply is saved as it
happens (answers, lookups, bookmarks, position), never only on exit, so a kill at any moment
loses at most what was being typed, and the draft is saved too (debounced by the front end).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from pathlib import Path

from guided_reader.core import paths
from guided_reader.core.guide import Guide, GuideState, Reply
from guided_reader.core.messages import Answered, Bookmarked, Completed, LookedUp, Message
from guided_reader.core.model import Pack
from guided_reader.core.search import SearchIndex
from guided_reader.core.store import Position, Saved, Store


SKIM_SECONDS = 60 / 1000  # per word: a section seen to its end in this time was read (1,000 words a minute)
READ_SECONDS = 60 / 250  # per word: time enough to read it at an ordinary pace, end seen or not


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Session:
    def __init__(self, pack: Pack, store: Store, restart: bool = False,
                 clock: Callable[[], float] = time.monotonic, judge_reading: bool = True) -> None:
        """`judge_reading` False counts every section stepped past as read (plain mode fed by a
        pipe, where no one is reading and time means nothing)."""
        self.pack = pack
        self.store = store
        self.guide = Guide(pack, search=lambda: SearchIndex.for_pack(pack))
        self.clock = clock
        self.draft = ""
        with store.batch():  # what opening writes goes to disk in one transaction
            saved = store.load(pack.id)
            store.note_opened(pack.id)
            if store.get_setting(f"pack-dir:{pack.id}") != str(pack.root):  # written only when it changed
                store.set_setting(f"pack-dir:{pack.id}", str(pack.root))
            base = GuideState(answered=frozenset(a.prompt for a in saved.answers), completed=saved.completed)
            self.opening_reply = self._open(saved, base, restart)
            self.state = self.opening_reply.state
            self._entered = clock()
            self._seconds = dict(saved.seconds)  # time spent per section id, this visit included when it ends
            self._answered_in = {a.section for a in saved.answers}
            self._seen = 0  # the last paragraph of this section the reader has had on screen
            self.judge_reading = judge_reading
            if self._position() != saved.position:
                self._save_position()

    # -- opening --------------------------------------------------------------------------
    def _open(self, saved: Saved, base: GuideState, restart: bool) -> Reply:
        pos = saved.position
        self.opening_focus: int | None = None  # on a resume: the opening message to show first
        if pos is None or restart:
            reply = self.guide.enter(base, 0)
            if restart and (saved.answers or saved.completed):
                note = Message("info", f"Starting again from the beginning. Your {_plural(len(saved.answers), 'earlier answer')} "
                                       "are kept and will be in your journal.")
                reply = Reply(reply.messages + (note,), reply.state)
            return reply
        self.draft = pos.draft
        index = self.pack.section_index(pos.section)
        if index is None:  # the pack changed: go to the section now holding that paragraph
            index = next((i for i, s in enumerate(self.pack.sections) if pos.paragraph <= s.last),
                         len(self.pack.sections) - 1)
        answers = {a.prompt: (a.text, a.choice) for a in saved.answers}
        times = {a.prompt: a.at for a in saved.answers}
        section_id = self.pack.sections[index].id
        lookups = tuple((x.at, x.entry, x.query) for x in saved.lookups if x.section == section_id and x.entry)
        reply = self.guide.resume(base, index, pos.done, pos.prompt, answers, pos.paragraph, lookups, times)
        self.opening_focus = len(reply.messages) - 1  # the open question (or the offer to go on)
        return Reply(reply.messages + (self._welcome(saved, reply.state),), reply.state)

    def _welcome(self, saved: Saved, state: GuideState) -> Message:
        section = self.guide.section(state)
        counts = [(len(saved.completed), "section", " completed"), (len(saved.answers), "answer", ""),
                  (len({x.entry for x in saved.lookups}), "term", " looked up"),
                  (len(saved.bookmarks), "bookmark", "")]
        done = [_plural(n, word) + tail for n, word, tail in counts if n]
        text = (f"Welcome back. You are in section {state.section + 1} of {len(self.pack.sections)}, "
                f"\"{section.title}\", at paragraph {state.paragraph}.")
        if done:
            text += f" So far: {', '.join(done)}."
        if self.draft:
            text += " Your unfinished answer is still in the box."
        return Message("info", text)

    def opening(self) -> list[Message]:
        notices = [Message("info", n, title="Note") for n in self.store.take_notices()]
        return list(self.opening_reply.messages) + notices

    # -- the reader acts ------------------------------------------------------------------
    def send(self, text: str) -> Reply:
        """A line from the input box; the draft is spent."""
        self.draft = ""
        return self.apply(self.guide.handle(self._judged(), text))

    def is_read(self) -> bool:
        """Whether the current section counts as read: a question of it answered, or its end seen
        after time enough to skim it, or time enough to read it."""
        section = self.guide.section(self.state)
        if not self.judge_reading or section.id in self._answered_in:
            return True
        words = sum(len(self.pack.paragraph(n).split()) for n in section.paragraph_numbers)
        spent = self._seconds.get(section.id, 0.0) + max(0.0, self.clock() - self._entered)
        seen_end = self._seen >= section.last
        return (seen_end and spent >= words * SKIM_SECONDS) or spent >= words * READ_SECONDS

    def _judged(self):
        return replace(self.state, read=self.is_read())

    def action(self, name: str, arg: object = None) -> Reply:
        """A key or click: next, back, go (arg: index), hint, skip, bookmark, explain (arg: entry id),
        jump (arg: (paragraph, words))."""
        return self.apply(self.preview(name, arg))

    def preview(self, name: str, arg: object = None) -> Reply:
        """The reply `action(name, arg)` would give now, with nothing changed or saved (the
        front end lays out the sections either side ahead of a step)."""
        g, s = self.guide, self._judged()
        if name == "next":
            reply = g.advance(replace(s, prompt=None))
        elif name == "back":
            reply = g.command(s, "back")
        elif name == "go":
            reply = g.go(s, int(arg))
        elif name == "hint":
            reply = g.hint(s)
        elif name == "skip":
            reply = g.skip(s)
        elif name == "bookmark":
            reply = g.command(s, "bookmark " + str(arg or ""))
        elif name == "jump":
            paragraph, words = arg
            reply = g.jump(s, int(paragraph), tuple(words))
        elif name == "explain":
            entry = self.pack.entry(str(arg))
            reply = g.explain(s, entry, entry.term) if entry else Reply((), s)
        else:
            raise ValueError(f"unknown action {name!r}")
        return reply

    def apply(self, reply: Reply) -> Reply:
        with self.store.batch():  # everything one reply changes is saved in one transaction
            self._record(reply)
        notices = tuple(Message("info", n, title="Note") for n in self.store.take_notices())
        return Reply(reply.messages + notices, reply.state, reply.events) if notices else reply

    def _record(self, reply: Reply) -> None:
        pid, old = self.pack.id, self.state
        for event in reply.events:
            if isinstance(event, Answered):
                self.store.add_answer(pid, event.section, event.prompt, event.text, event.choice)
                self._answered_in.add(event.section)
            elif isinstance(event, LookedUp):
                self.store.add_lookup(pid, event.entry, event.query, event.section)
            elif isinstance(event, Bookmarked):
                self.store.add_bookmark(pid, event.section, event.paragraph, event.label)
            elif isinstance(event, Completed):
                self.store.mark_completed(pid, event.section)
        if reply.state.section != old.section:
            self._account_time(old.section)
            self._seen = 0
        self.state = reply.state
        self._save_position()

    # -- things the front end reports -------------------------------------------------------
    def set_draft(self, text: str) -> None:
        if text != self.draft:
            self.draft = text
            self.store.save_draft(self.pack.id, text)

    def set_paragraph(self, number: int) -> None:
        section = self.guide.section(self.state)
        number = min(max(number, section.first), section.last)
        if number != self.state.paragraph:
            self.state = replace(self.state, paragraph=number)
            self._save_position()

    def set_seen(self, number: int) -> None:
        """The front end reports the last paragraph of this section it has shown so far."""
        self._seen = max(self._seen, number)

    def close(self) -> None:
        self._account_time(self.state.section)
        self.store.close()

    def _account_time(self, index: int) -> None:
        now, section = self.clock(), self.pack.sections[index].id
        spent = max(0.0, now - self._entered)
        self._seconds[section] = self._seconds.get(section, 0.0) + spent
        self.store.add_time(self.pack.id, section, spent)
        self._entered = now

    def _position(self) -> Position:
        s = self.state
        return Position(self.pack.sections[s.section].id, s.paragraph, s.prompt, s.done, self.draft)

    def _save_position(self) -> None:
        self.store.save_position(self.pack.id, self._position())

    def saved(self) -> Saved:
        return self.store.load(self.pack.id)

    def journal_text(self) -> str:
        """The Markdown journal of what is saved so far."""
        from guided_reader.core.journal import render_journal

        return render_journal(self.pack, self.saved())

    def write_journal(self, target: Path | None = None) -> Path:
        """Write the Markdown journal (raises OSError if the file cannot be written)."""
        target = target or paths.journal_path(self.pack.id)
        paths.write_text_atomic(target, self.journal_text())
        return target
