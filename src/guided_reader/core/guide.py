"""The guide: a pure conversation engine.

`(pack, state, reader input) -> Reply(messages, new state, events)`. No I/O, no clock, no
terminal: both front ends and the tests drive it the same way, and the same input in the same
state always gives the same reply.
"""

from __future__ import annotations

import bisect
import difflib
import threading
from dataclasses import replace

from guided_reader.core.asking import Asking
from guided_reader.core.glossary import GlossaryIndex, normalise, occurrences
from guided_reader.core.messages import Answered, Bookmarked, Completed, GuideState, LookedUp, Message, Reply, Request
from guided_reader.core.model import Entry, Pack, Prompt, Section
from guided_reader.core.search import SearchIndex
from guided_reader.core.timeline import listing as timeline_listing

COMMANDS = {
    "next": "go on to the next section",
    "back": "go back to the previous section",
    "go": "go to section N (a number, or the start of its title)",
    "contents": "list the sections",
    "glossary": "list the glossary terms",
    "timeline": "the essay's events in date order, with their paragraphs",
    "hint": "a hint for the open question",
    "skip": "skip the open question",
    "bookmark": "bookmark where you are (add a label if you like)",
    "journal": "write your answers and notes to a Markdown file",
    "help": "this list",
    "quit": "stop reading (your place is saved)",
}


class Guide(Asking):
    def __init__(self, pack: Pack, index: GlossaryIndex | None = None, search=None) -> None:
        """`search`: a function giving the pack's SearchIndex (a session passes the cached one)."""
        self.pack = pack
        self._index = index or pack._index
        self._search_factory = search or (lambda: SearchIndex(pack))
        self._search: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._prompts = {p.id: p for s in pack.sections for p in s.prompts}
        self._spotted: dict[int, tuple[str, ...]] = {}
        self._occurrences: dict[str, tuple[str, ...]] | None = None
        self._waiting: tuple[list[int], list[str]] | None = None  # spoiler entries by start (hidden_at)
        self._hidden: dict[int, frozenset[str]] = {}

    @property
    def index(self) -> GlossaryIndex:
        """The glossary index, built on first use (a front end may build it in a thread
        after its first screen: a compiled pack needs it only for lookups)."""
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    self._index = GlossaryIndex(self.pack.glossary)
        return self._index

    @property
    def search(self) -> SearchIndex:
        """The full-text index, built on the first question the glossary cannot answer."""
        if self._search is None:
            with self._index_lock:
                if self._search is None:
                    self._search = self._search_factory()
        return self._search

    def spans(self, number: int) -> list[tuple[int, int, str]]:
        """Paragraph `number`'s glossary mentions as (start, end, entry id): compiled, or spotted now."""
        if self.pack.spots is not None:
            return list(self.pack.spots[number - 1])
        return [(s.start, s.end, s.entry_id) for s in self.index.spot(self.pack.paragraph(number))]

    def occurrences(self) -> dict[str, tuple[str, ...]]:
        """Entry id -> ids of the sections that mention it, in reading order (computed once;
        a front end may compute it in a thread after its first screen)."""
        if self._occurrences is None:
            with self._index_lock:
                if self._occurrences is None:
                    self._occurrences = occurrences(self.pack.glossary, self.pack.sections,
                                                    lambda number: [entry_id for _, _, entry_id in self.spans(number)])
        return self._occurrences

    # -- what the reader may see -------------------------------------------------------
    def section(self, state: GuideState) -> Section:
        return self.pack.sections[state.section]

    def visible(self, entry: Entry, state: GuideState) -> bool:
        """Entries marked spoiler-free-from a later section stay hidden until it is reached."""
        if not entry.spoiler_free_from:
            return True
        start = self.pack.section_index(entry.spoiler_free_from)
        return start is None or state.section >= start

    def hidden_at(self, index: int) -> frozenset[str]:
        """The ids of the entries `visible` hides in section `index`: found by one bisection of
        the entries sorted by the section they wait for, not a pass over all of them."""
        if self._waiting is None:
            waits = sorted((start, e.id) for e in self.pack.glossary if e.spoiler_free_from
                           and (start := self.pack.section_index(e.spoiler_free_from)) is not None)
            self._waiting = ([start for start, _ in waits], [entry_id for _, entry_id in waits])
        hidden = self._hidden.get(index)
        if hidden is None:
            starts, ids = self._waiting
            hidden = self._hidden[index] = frozenset(ids[bisect.bisect_right(starts, index):])
        return hidden

    def terms_in(self, index: int) -> tuple[str, ...]:
        """Entry ids spotted in section `index`, in order of first appearance."""
        if index not in self._spotted:
            seen: dict[str, None] = {}
            for number in self.pack.sections[index].paragraph_numbers:
                for _, _, entry_id in self.spans(number):
                    seen.setdefault(entry_id, None)
            self._spotted[index] = tuple(seen)
        return self._spotted[index]

    def prompt(self, prompt_id: str | None) -> Prompt | None:
        return self._prompts.get(prompt_id) if prompt_id else None

    # -- entering and leaving sections ----------------------------------------------------
    def enter(self, state: GuideState, index: int) -> Reply:
        state, messages = self._opening(state, index)
        state, offer = self._offer_next(state)
        return Reply(tuple(messages + offer), state)

    def resume(self, state: GuideState, index: int, done: tuple[str, ...], prompt: str | None,
               answers: dict[str, tuple[str, str | None]], paragraph: int,
               lookups: tuple[tuple[str, str, str], ...] = (), times: dict[str, str] | None = None) -> Reply:
        """Rebuild a section's conversation as it stood: questions done, answers given, the terms
        looked up (in their place among the answers), the open question.

        `answers` maps a prompt id to its latest (text, choice label), `times` to when it was
        given; `lookups` are (when, entry id, what was typed) in this section. Ids the pack no
        longer has are dropped, so a pack edited since the last visit never breaks the resume.
        """
        state, messages = self._opening(state, index)
        section = self.section(state)
        known = {p.id for p in section.prompts}
        times = times or {}
        pending = sorted(lookup for lookup in lookups if self.pack.entry(lookup[1]))

        def looked_up(before: str | None) -> None:
            while pending and (before is None or pending[0][0] < before):
                _, entry_id, query = pending.pop(0)
                messages.append(Message("reader", query))
                messages.extend(self.explain(state, self.pack.entry(entry_id), query).messages)

        for prompt_id in (d for d in done if d in known):
            p = self._prompts[prompt_id]
            looked_up(times.get(prompt_id, ""))
            messages.append(self.ask(p))
            if prompt_id in answers:
                text, label = answers[prompt_id]
                choice = next((c for c in p.choices if c.label == label), None) if label else None
                messages += [Message("reader", text), Message("guide", choice.reply if choice else p.reflection)]
            else:
                messages.append(Message("info", "(skipped)"))
        looked_up(None)
        state = replace(state, done=tuple(d for d in done if d in known),
                        paragraph=min(max(paragraph, section.first), section.last))
        p = self.prompt(prompt)
        if p is not None and p.id in known and p.id not in state.done:
            return Reply(tuple(messages + [self.ask(p)]), replace(state, prompt=p.id))
        state, offer = self._offer_next(state)
        return Reply(tuple(messages + offer), state)

    def _opening(self, state: GuideState, index: int) -> tuple[GuideState, list[Message]]:
        index = max(0, min(index, len(self.pack.sections) - 1))
        section = self.pack.sections[index]
        state = replace(state, section=index, prompt=None, done=(), paragraph=section.first, finished=False)
        messages = [Message("heading", section.title, title=f"Section {index + 1} of {len(self.pack.sections)}"),
                    Message("guide", section.intro)]
        for note in section.notes:
            entry = self.pack.entry(note.term)
            messages.append(Message("note", note.text, title=entry.term if entry else note.term, entry=note.term))
        terms = tuple(t for t in self.terms_in(index) if self.visible(self.pack.entry(t), state))
        if terms:
            names = ", ".join(self.pack.entry(t).term for t in terms)
            messages.append(Message("terms", f"Terms in this passage: {names}.", items=terms))
        return state, messages

    def _offer_next(self, state: GuideState) -> tuple[GuideState, list[Message]]:
        for p in self.section(state).prompts:
            if p.id in state.done or (p.once and p.id in state.answered):
                continue
            return replace(state, prompt=p.id), [self.ask(p)]
        last = state.section == len(self.pack.sections) - 1
        where = "finish the essay" if last else "go on to the next section"
        return replace(state, prompt=None), [Message("info", f"Press Enter to {where}, or ask about any term.")]

    @staticmethod
    def ask(p: Prompt) -> Message:
        return Message("prompt", p.ask, prompt=p.id, items=tuple(c.label for c in p.choices))

    @staticmethod
    def recall(p: Prompt, limit: int = 90) -> Message:
        """The open question in one line, after a lookup or a listing: it stays open, and its
        choices (`items`) still count, without the whole question pushing the answer out of view."""
        first = p.ask.split("\n")[0]
        end = min((i + 1 for i in (first.find(". "), first.find("? ")) if i >= 0), default=len(first))
        text = first[:end].strip()
        if len(text) > limit:
            text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
        elif end < len(p.ask.strip()):
            text += " …"
        return Message("recall", f"Still open: {text}", prompt=p.id, items=tuple(c.label for c in p.choices))

    def advance(self, state: GuideState) -> Reply:
        """Continue: past the open prompt, else to the next section with a recap."""
        if state.prompt:
            return self.skip(state)
        if state.finished:  # already past the end: say where the reader is, not the recap again
            return Reply((self._end(state),), state)
        section = self.section(state)
        events: tuple[object, ...] = ()
        if state.read:  # a section stepped past unread is not counted as read
            events = (Completed(section.id),)
            state = replace(state, completed=state.completed + ((section.id,) if section.id not in state.completed else ()))
        recap = Message("recap", section.recap, title=f"Recap: {section.title}")
        if state.section + 1 < len(self.pack.sections):
            entered = self.enter(state, state.section + 1)
            return Reply((recap,) + entered.messages, entered.state, events)
        return Reply((recap, self._end(state)), replace(state, finished=True), events)

    def _end(self, state: GuideState) -> Message:
        done = len(state.completed)
        return Message("info", f"You have reached the end of the essay ({done} of {len(self.pack.sections)} sections "
                               "completed). Type /journal to save your answers, /contents to revisit a section, "
                               "or /quit.")

    def go(self, state: GuideState, index: int) -> Reply:
        if not 0 <= index < len(self.pack.sections):
            return Reply((Message("info", f"There is no section {index + 1}: sections run from 1 to "
                                          f"{len(self.pack.sections)}."),), state)
        return self.enter(state, index)

    # -- prompts ----------------------------------------------------------------------------
    def skip(self, state: GuideState) -> Reply:
        if not state.prompt:
            return Reply((Message("info", "No question is open. Press Enter to go on."),), state)
        state = replace(state, done=state.done + (state.prompt,))
        state, offer = self._offer_next(state)
        return Reply(tuple(offer), state)

    def hint(self, state: GuideState) -> Reply:
        p = self.prompt(state.prompt)
        if p is None:
            return Reply((Message("info", "No question is open, so there is no hint to give."),), state)
        text = p.hint or "No hint for this one: say what you think, even briefly, or type /skip."
        return Reply((Message("guide", text, title="Hint"),), state)

    def answer(self, state: GuideState, text: str) -> Reply:
        p = self.prompt(state.prompt)
        assert p is not None
        choice = self._choice(p, text)
        section = self.section(state)
        if choice is not None:
            event = Answered(section.id, p.id, choice.label, choice.label)
            reply = [Message("guide", choice.reply)]
        else:
            event = Answered(section.id, p.id, text)
            reply = [Message("guide", p.reflection)]
        state = replace(state, done=state.done + (p.id,), answered=state.answered | {p.id})
        state, offer = self._offer_next(state)
        return Reply(tuple(reply + offer), state, (event,))

    @staticmethod
    def _choice(p: Prompt, text: str):
        if not p.choices:
            return None
        key = text.strip().rstrip(".)")
        if key.isascii() and key.isdigit() and 1 <= int(key) <= len(p.choices):
            return p.choices[int(key) - 1]
        wanted = normalise(text)
        return next((c for c in p.choices if normalise(c.label) == wanted), None)

    # -- lookups ------------------------------------------------------------------------------
    def explain(self, state: GuideState, entry: Entry, query: str) -> Reply:
        """The glossary note for `entry`, then the open question again so it is not lost."""
        see = [self.pack.entry(i).term for i in entry.see_also if self.pack.entry(i)]
        title = f"{entry.term} ({entry.kind}{', ' + entry.dates if entry.dates else ''})"
        text = entry.note + (f"\n\nSee also: {', '.join(see)}." if see else "")
        messages = [Message("entry", text, title=title, entry=entry.id)]
        p = self.prompt(state.prompt)
        if p is not None:
            messages.append(self.recall(p))
        return Reply(tuple(messages), state, (LookedUp(entry.id, query, self.section(state).id),))

    # -- the input line -------------------------------------------------------------------------
    def handle(self, state: GuideState, text: str) -> Reply:
        """One line from the reader: empty continues, `/` commands, questions, or an answer."""
        line = text.strip()
        offered, state = state.offers, replace(state, offers=())
        picked = self._offer(offered, line)
        if picked is not None:  # a passage just offered, by its number or its label
            reply = self.jump(state, picked.paragraph, picked.words)
            return Reply((Message("reader", picked.label),) + reply.messages, reply.state, reply.events)
        if not line:
            return self.advance(state)
        p = self.prompt(state.prompt)
        choice = self._choice(p, line) if p else None
        echo = Message("reader", f"{line}. {choice.label}" if choice and line.isdigit() else line)
        if line.startswith("/"):
            reply = self.command(state, line[1:])
        else:
            reply = self._text(state, line, choice is not None)
        return Reply((echo,) + reply.messages, reply.state, reply.events)

    def command(self, state: GuideState, line: str) -> Reply:
        name, _, arg = line.strip().partition(" ")
        name, arg = name.lower(), arg.strip()
        if name not in COMMANDS:
            close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
            hint = f" Did you mean /{close[0]}?" if close else ""
            return Reply((Message("info", f"There is no command /{name}.{hint} Type /help to see them all."),), state)
        if name == "next":
            return self.advance(replace(state, prompt=None))
        if name == "back":
            if state.section == 0:
                return Reply((Message("info", "This is the first section."),), state)
            return self.enter(state, state.section - 1)
        if name == "go":
            return self._go(state, arg)
        if name == "hint":
            return self.hint(state)
        if name == "skip":
            return self.skip(state)
        if name == "bookmark":
            section = self.section(state)
            event = Bookmarked(section.id, state.paragraph, arg)
            label = f" as \"{arg}\"" if arg else ""
            text = f"Bookmarked paragraph {state.paragraph} in \"{section.title}\"{label}."
            return Reply((Message("info", text),), state, (event,))
        if name == "timeline" and not self.pack.timeline:
            return Reply((Message("info", "This reading pack has no timeline."),), state)
        listing = self.listing(state, name)
        p = self.prompt(state.prompt)
        if listing and p is not None:  # the open question is recalled after the listing
            listing += (self.recall(p),)
        return Reply(listing, state, (Request(name),))

    def _go(self, state: GuideState, arg: str) -> Reply:
        if arg.isascii() and arg.isdigit():
            return self.go(state, int(arg) - 1)
        wanted = normalise(arg)
        for i, s in enumerate(self.pack.sections):
            if wanted and (s.id == arg or normalise(s.title).startswith(wanted)):
                return self.enter(state, i)
        return Reply((Message("info", f"Say which section: /go 1 to /go {len(self.pack.sections)}, "
                                      "or /go followed by the start of a title."),), state)

    def listing(self, state: GuideState, name: str) -> tuple[Message, ...]:
        """The text form of contents, glossary and help; quit and journal need no text."""
        if name == "contents":
            lines = []
            for i, s in enumerate(self.pack.sections):
                mark = "*" if i == state.section else ("x" if s.id in state.completed else " ")
                lines.append(f"[{mark}] {i + 1:>2}. {s.title} (paragraphs {s.first}-{s.last})")
            return (Message("listing", "\n".join(lines), title="Contents (x = completed, * = you are here)"),)
        if name == "glossary":
            groups: dict[str, list[str]] = {}
            for e in self.pack.glossary:
                if self.visible(e, state):
                    groups.setdefault(e.kind, []).append(e.term)
            text = "\n".join(f"{kind}: {', '.join(sorted(terms, key=str.casefold))}" for kind, terms in sorted(groups.items()))
            return (Message("listing", text + "\n\nAsk about any of them, e.g. ?Cominform.", title="Glossary"),)
        if name == "timeline":
            text = timeline_listing(self.pack, self.section(state))
            return (Message("listing", text, title="Timeline (* = mentioned in this section)"),)
        if name == "help":
            lines = [f"/{c:<9} {d}" for c, d in COMMANDS.items()]
            tips = ("Enter on an empty line continues. Type an answer to the open question, or a number to "
                    "pick one of its choices. Ask about a term: \"what was the Cominform?\", \"who is Thorez\", "
                    "or \"?zhdanovism\".")
            return (Message("listing", tips + "\n\n" + "\n".join(lines), title="Help"),)
        return ()
