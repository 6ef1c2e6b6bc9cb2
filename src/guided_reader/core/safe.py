"""Making any text safe to print to a terminal: control bytes and bidi controls are dropped.

Pack text is validated on load, but reader input, queries and the journal pass through here
before they reach stdout, so no escape sequence from data ever drives the terminal.
"""

from __future__ import annotations

import re

# Every bidi control: the marks (ALM, LRM, RLM), embeddings and overrides, and isolates.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
# Whole escape sequences, so that "\x1b[31mred" becomes "red" rather than "[31mred".
ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, with its terminator
    r"|\x1b[ -/]*[0-~]?"  # any other escape (nF, Fp, Fe, Fs)
)


def clean(text: str) -> str:
    """`text` without escape sequences, control characters (newline and tab kept) or bidi controls."""
    return UNSAFE.sub("", ESCAPES.sub("", text))


def one_line(text: str) -> str:
    """`text` cleaned and folded onto one line."""
    return " ".join(clean(text).split())
