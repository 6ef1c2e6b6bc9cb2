"""The guide's answers to questions: a glossary note, the essay's passages, or a jump there.

A mixin of `Guide` (core/guide.py), kept apart so each reads in one sitting. Every door asks
through `core.ask.resolve`; a question no note answers gets up to three passages from the
full-text index (core/search.py), offered as quick replies that the next line may pick.
"""

from __future__ import annotations

from dataclasses import replace

from guided_reader.core.ask import is_question, near, parse_question, resolve, short_term
from guided_reader.core.glossary import LookupResult
from guided_reader.core.messages import GuideState, Jump, Message, Reply
from guided_reader.core.search import Offer, offers


def quoted(text: str, size: int = 80) -> str:
    """The reader's words on one line, cut to `size` characters, in quotes: a pasted page is not echoed."""
    line = " ".join(text.split())
    return f"\"{line[:size]}…\"" if len(line) > size else f"\"{line}\""


class Asking:
    """Needs from the guide: pack, index, search, prompt(), recall(), explain(), answer(), enter(), visible()."""

    def lookup(self, state: GuideState, query: str, result: LookupResult | None = None) -> Reply:
        """The note the question names; else its candidates, or the essay's passages, or nothing."""
        result = result or resolve(self.index, query)
        term = parse_question(query) or query.strip()
        if result.match is not None:
            return self.explain(state, result.match, term)
        if not result.candidates:
            found = self.passages(state, query)
            if found is not None:
                return found
        if result.candidates:
            names = "; ".join(f"{e.term} ({e.short})" for e in result.candidates)
            text = f"{quoted(term)} could mean more than one thing: {names}. Ask again with the full name."
            message = Message("info", text, items=tuple(e.id for e in result.candidates))
        else:
            text = f"There is no note for {quoted(term)}, and no passage of the essay matches it."
            if result.suggestions:
                text += " Did you mean: " + ", ".join(result.suggestions) + "?"
            message = Message("info", text)
        return Reply((message,) + self._recall(state), state)

    def passages(self, state: GuideState, query: str) -> Reply | None:
        """Up to three passages of the essay that answer `query`, offered as numbered quick replies."""
        hits = self.search.search(query, limit=3, kinds=("essay",))
        if not hits:
            return None
        offered = offers(self.pack, hits, query)
        text = (f"No glossary note answers {quoted(query)}, but the essay speaks to it here. "
                "Choose a passage to go to it (or type its number):")
        named = dict.fromkeys(self.pack.entry(s.entry_id).term for s in self.index.spot(query)
                              if self.visible(self.pack.entry(s.entry_id), state))
        if named:
            text += f" (There is also a note on {', '.join(named)}: ask ?{next(iter(named))}.)"
        message = Message("passages", text, title="From the essay", items=tuple(o.label for o in offered))
        return Reply((message,) + self._recall(state, choices=False), replace(state, offers=offered))

    def jump(self, state: GuideState, paragraph: int, words: tuple[str, ...] = ()) -> Reply:
        """Go to paragraph `paragraph` (entering its section if need be) and mark `words` there."""
        index = next((i for i, s in enumerate(self.pack.sections) if s.first <= paragraph <= s.last), None)
        if index is None:
            return Reply((Message("info", f"There is no paragraph {paragraph}."),), state)
        if index != state.section:
            entered = self.enter(state, index)
            messages, state = entered.messages, entered.state
        else:
            messages = (Message("info", f"Paragraph {paragraph} is shown in the passage."),) + self._recall(state)
        return Reply(messages, replace(state, paragraph=paragraph), (Jump(paragraph, tuple(words)),))

    def _recall(self, state: GuideState, choices: bool = True) -> tuple[Message, ...]:
        """The open question again, in one line. Without its `choices` when passages were just
        offered: then a number typed next picks a passage, not a choice."""
        p = self.prompt(state.prompt)
        if p is None:
            return ()
        message = self.recall(p)
        return (message if choices else replace(message, items=()),)

    @staticmethod
    def _offer(offered: tuple[Offer, ...], line: str) -> Offer | None:
        key = line.rstrip(".)")
        if key.isascii() and key.isdigit() and 1 <= int(key) <= len(offered):
            return offered[int(key) - 1]
        return next((o for o in offered if o.label == line), None)

    def _text(self, state: GuideState, line: str, chose: bool = False) -> Reply:
        """A question is looked up (a note, else the essay's passages); a term typed on its own
        is a lookup even with a question open, never silently an answer; the rest answers."""
        if state.prompt and (chose or (parse_question(line) is None and not is_question(line))):
            if chose or not short_term(line):
                return self.answer(state, line)
            result = resolve(self.index, line)
            if result.match is not None or result.candidates:
                reply = self.lookup(state, line, result)
                tip = Message("info", "Taken as a question about a term. To give it as your answer, "
                                      "end it with a full stop.")
                return Reply((reply.messages[0], tip) + reply.messages[1:], reply.state, reply.events)
            close = near(self.index, result)
            if not close:
                return self.answer(state, line)
            names = " or ".join(e.term for e in close)
            text = (f"Did you mean {names}? Ask ?{close[0].term} to read its note. To give {quoted(line)} as "
                    "your answer, end it with a full stop.")
            return Reply((Message("info", text, items=tuple(e.id for e in close)),) + self._recall(state), state)
        result = resolve(self.index, line)
        if (result.match is None and not result.candidates and not state.prompt
                and parse_question(line) is None and not is_question(line)):
            found = self.passages(state, line)
            if found is not None:
                return found
            return Reply((Message("info", "No question is open just now. Press Enter to go on, ask about a term "
                                          "(for example \"who was Thorez?\"), or type /help."),), state)
        return self.lookup(state, line, result)

