"""Making any text safe to print to a terminal: control bytes and bidi overrides are dropped.

Pack text is validated on load, but reader input, queries and the journal pass through here
before they reach stdout, so no escape sequence from data ever drives the terminal.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without control characters (newline and tab kept) or bidi overrides."""
    return UNSAFE.sub("", text)


def one_line(text: str) -> str:
    """`text` cleaned and folded onto one line."""
    return " ".join(clean(text).split())
