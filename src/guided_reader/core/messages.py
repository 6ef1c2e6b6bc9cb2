"""What the guide says and what it asks the front end to do: small immutable records.

Front ends render `Message`s (chat bubbles in the TUI, lines in plain mode) and carry out
`Event`s (save an answer, open a screen). Nothing here knows about terminals.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """One turn of the conversation.

    kind: heading | guide | note | terms | prompt | recall | reader | entry | info | recap | listing
    (a recall is the open prompt again in one line, after a lookup or a listing)
    (a listing is the text form of a screen: contents, glossary, help)
    `entry` is a glossary id (note/entry kinds), `prompt` a prompt id, `items` the choice labels
    of a prompt or the entry ids of a terms list.
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
class Completed:
    section: str


@dataclass(frozen=True)
class Request:
    """Ask the front end for something only it can do: quit, contents, glossary, help, journal.

    The reply's messages are the text rendering of the same thing, so a line-mode front end can
    simply print them while a graphical one opens its own screen instead.
    """

    what: str
