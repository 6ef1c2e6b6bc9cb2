"""What the guide says and what it asks the front end to do: small immutable records.

Front ends render `Message`s (chat bubbles in the TUI, lines in plain mode) and carry out
`Event`s (save an answer, open a screen). Nothing here knows about terminals.
"""

from __future__ import annotations

from dataclasses import dataclass

from guided_reader.core.search import Offer


@dataclass(frozen=True)
class Message:
    """One turn of the conversation.

    kind: heading | guide | note | terms | prompt | recall | reader | entry | info | recap | listing | passages
    (a recall is the open prompt again in one line, after a lookup or a listing; a listing is
    the text form of a screen: contents, glossary, help; passages are places in the essay that
    answer a question, offered as quick replies)
    `entry` is a glossary id (note/entry kinds), `prompt` a prompt id, `items` the choice labels
    of a prompt or of a passages offer, or the entry ids of a terms list.
    """

    kind: str
    text: str
    title: str = ""
    entry: str | None = None
    prompt: str | None = None
    items: tuple[str, ...] = ()


# Events: what the front end should persist or do.
@dataclass(frozen=True)
class Answered:
    section: str
    prompt: str
    text: str
    choice: str | None = None


@dataclass(frozen=True)
class LookedUp:
    entry: str
    query: str
    section: str


@dataclass(frozen=True)
class Bookmarked:
    section: str
    paragraph: int
    label: str


@dataclass(frozen=True)
class Jump:
    """Show paragraph `paragraph` and mark the words (query stems) that brought the reader there."""

    paragraph: int
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Completed:
    section: str


@dataclass(frozen=True)
class Request:
    """Ask the front end for something only it can do: quit, contents, glossary, help, journal.

    The reply's messages are the text rendering of the same thing, so a line-mode front end can
    simply print them while a graphical one opens its own screen instead.
    """

    what: str


# The guide's state and its answer to one input (see core/guide.py).
@dataclass(frozen=True)
class GuideState:
    section: int = 0  # index into pack.sections
    prompt: str | None = None  # the open prompt, if any
    done: tuple[str, ...] = ()  # prompts finished (answered or skipped) in this visit
    answered: frozenset[str] = frozenset()  # prompts ever answered, for `once`
    completed: tuple[str, ...] = ()  # section ids completed, in order
    paragraph: int = 1  # first paragraph in view
    finished: bool = False  # the reader has gone past the last section
    read: bool = True  # the current section was really read, not stepped past (the session judges)
    offers: tuple[Offer, ...] = ()  # passages just offered: the next line may pick one by number


@dataclass(frozen=True)
class Reply:
    messages: tuple[Message, ...]
    state: GuideState
    events: tuple[object, ...] = ()
