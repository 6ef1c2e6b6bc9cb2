"""The Markdown journal: its content, and that no text, however hostile, adds structure to it.

Structure is checked with a real CommonMark parser (markdown-it-py, which Textual ships), with
the GFM table and strikethrough rules on, rather than by eye.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from guided_reader.core.journal import clean, render_journal
from guided_reader.core.model import Choice, Entry, Pack, Prompt, Section
from guided_reader.core.store import Answer, Bookmark, Lookup, Saved

AT = "2026-11-27T11:00:00Z"
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
FORBIDDEN = {"link_open", "image", "html_block", "html_inline", "fence", "code_block",
             "code_inline", "table_open", "s_open", "hr"}
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def make_pack(title="The Western Communists on the Defensive", author="A. Rossi",
              s1="The Cominform years", ask="What changed after 1947?", label="Yes") -> Pack:
    prompts = (Prompt("q1", ask, "r", choices=(Choice(label, "ok"),)),
               Prompt("q2", "And now?", "r"))
    return Pack(
        id="rossi", title=title, author=author, published="1957", source="u", about="a",
        root=Path("."), paragraphs=("one", "two", "three"),
        sections=(
            Section("s1", s1, 1, 1, "i", "r", prompts=prompts),
            Section("s2", "Togliatti's line", 2, 3, "i", "r", prompts=(Prompt("q3", "Why?", "r"),)),
        ),
        glossary=(Entry("cominform", "Cominform", "organisation", "short", "note"),),
    )


def saved(answers=(), lookups=(), bookmarks=(), completed=(), seconds=None) -> Saved:
    return Saved(None, tuple(answers), tuple(lookups), tuple(bookmarks), tuple(completed),
                 seconds or {}, 1)


def one_answer(text: str, choice: str | None = None, pack: Pack | None = None) -> str:
    return render_journal(pack or make_pack(), saved([Answer("s1", "q1", text, choice, AT)]))


def tokens(markdown: str) -> list:
    """Block tokens plus their inline children, flattened."""
    out = []
    for token in MD.parse(markdown):
        out.append(token)
        out.extend(token.children or ())
    return out


def visible(inline) -> str:
    """What a reader sees of an inline token: its text, with escapes resolved."""
    return "".join(c.content if c.type == "text" else " " for c in inline.children)


def headings(markdown: str) -> list[str]:
    toks = MD.parse(markdown)
    return [visible(toks[i + 1]) for i, t in enumerate(toks) if t.type == "heading_open"]


def quoted_text(markdown: str) -> str:
    """The visible text inside blockquotes, whitespace-normalised."""
    depth, words = 0, []
    for token in MD.parse(markdown):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if depth and token.type == "inline":
            words.append(visible(token))
    return " ".join(" ".join(words).split())


def kinds(markdown: str) -> set[str]:
    return {t.type for t in tokens(markdown)}


# --- content -------------------------------------------------------------------------------


def test_full_journal_content():
    pack = make_pack()
    state = saved(
        answers=[
            Answer("s2", "q3", "Because of Hungary.", None, "2026-11-20T09:00:00Z"),
            Answer("s1", "q1", "Yes", "Yes", AT),
            Answer("s1", "q1", "Second thought,\nthe Zhdanov line.", None, "2026-11-28T10:00Z"),
            Answer("gone", "old", "An answer to a section the pack no longer has.", None, AT),
        ],
        lookups=[Lookup("cominform", "what was the Cominform?", "s1", AT),
                 Lookup("thorez", "?thorez", None, AT),
                 Lookup("cominform", "?cominform", "s2", AT)],
        bookmarks=[Bookmark("s2", 3, "the turn", AT), Bookmark("s1", 1, "", AT)],
        completed=["s2", "s1"],
        seconds={"s1": 185.0, "s2": 20.0},
    )
    md = render_journal(pack, state)
    assert headings(md) == [
        "Reading journal: The Western Communists on the Defensive, by A. Rossi",
        "Sections read", "Answers", "The Cominform years", "Togliatti's line", "gone",
        "Bookmarks", "Terms looked up",
    ]
    assert "- The Cominform years: 3 minutes\n- Togliatti's line: under a minute" in md
    s1 = md.index("### The Cominform years")
    assert md.index("**What changed after 1947?**") > s1
    assert md.index("*2026-11-27, chose “Yes”*") < md.index("*2026-11-28*")
    assert "> Second thought,\n> the Zhdanov line." in md
    assert md.index("### Togliatti's line") < md.index("> Because of Hungary.")
    assert "> An answer to a section the pack no longer has." in md
    assert "- Togliatti's line, paragraph 3: the turn\n- The Cominform years, paragraph 1\n" in md
    assert "- Cominform (2 times)\n- thorez (once)\n" in md
    assert not kinds(md) & FORBIDDEN


def test_a_choice_alone_is_not_repeated_as_a_quote():
    md = one_answer("Yes", "Yes")
    assert "chose “Yes”" in md and "> Yes" not in md


def test_empty_journal():
    md = render_journal(make_pack(), saved())
    assert md == ("# Reading journal: The Western Communists on the Defensive, by A. Rossi\n\n"
                  "Nothing recorded yet.\n")


def test_minutes_are_rounded():
    md = render_journal(make_pack(), saved(completed=["s1", "s2"], seconds={"s1": 60.0}))
    assert "- The Cominform years: 1 minute\n- Togliatti's line: under a minute" in md


# --- hostile text --------------------------------------------------------------------------

HOSTILE = [
    ("# heading", "# heading"),
    ("```", "```"),
    ("```python\nprint(1)\n```", "```python print(1) ```"),
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click"),
    ("line1\n\n# line2", "line1 # line2"),
    ("text\n===", "text ==="),
    ("text\n---", "text ---"),
    ("- item\n+ item\n* item\n1. one\n2) two", "- item + item * item 1. one 2) two"),
    ("> quoted", "> quoted"),
    ("    indented code", "indented code"),
    ("a | b\n--|--\n1 | 2", "a | b --|-- 1 | 2"),
    ("~~~\nfenced\n~~~", "~~~ fenced ~~~"),
    ("<https://x.example> &amp; &#x26;", "<https://x.example> &amp; &#x26;"),
    ("[ref]: https://x.example\n[ref]", "[ref]: https://x.example [ref]"),
    ("***\n___", "*** ___"),
    ("back\\slash \\# end\\", "back\\slash \\# end\\"),
    ("tab\there\r\nwindows\rmac\u2028sep\x85nel\x00nul", "tab here windows mac sep nelnul"),
]


@pytest.mark.parametrize("text,shown", HOSTILE, ids=[repr(h[0])[:30] for h in HOSTILE])
def test_hostile_answer_stays_inside_its_quote(text, shown):
    baseline = one_answer("plain")
    md = one_answer(text)
    assert headings(md) == headings(baseline)
    assert not kinds(md) & FORBIDDEN
    assert quoted_text(md) == shown
    assert not CONTROLS.search(md)
    assert [ln for ln in md.split("\n") if ln.startswith("#")] == [
        ln for ln in baseline.split("\n") if ln.startswith("#")
    ]


def test_hostile_pack_and_label_text_is_inert():
    evil = "# [a](http://x) <b>`c`</b>\n- d\x1b[1m"
    pack = make_pack(title=evil, author=evil, s1=evil, ask=evil, label=evil)
    state = saved(
        answers=[Answer("s1", "q1", "fine", evil, AT)],
        bookmarks=[Bookmark("s1", 1, evil, AT)],
        lookups=[Lookup(evil, evil, None, AT)],
        completed=["s1"],
    )
    md = render_journal(pack, state)
    shown = "# [a](http://x) <b>`c`</b> - d"
    assert headings(md) == [f"Reading journal: {shown}, by {shown}", "Sections read",
                            "Answers", shown, "Bookmarks", "Terms looked up"]
    assert not kinds(md) & FORBIDDEN
    assert not CONTROLS.search(md)
    assert sum(ln.startswith("#") for ln in md.split("\n")) == 6


def test_clean_removes_escape_sequences_whole():
    assert clean("a\x1b[1;31mb\x9b2Jc\x1b]0;title\x1b\\d\x1bce\x7f\x9ff") == "abcdef"


# --- property -------------------------------------------------------------------------------

BASELINE = one_answer("x", "Yes")
BASELINE_HEADINGS = sum(ln.startswith("#") for ln in BASELINE.split("\n"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(), choice=st.one_of(st.none(), st.text()))
def test_any_answer_is_inert(text, choice):
    md = one_answer(text, choice)
    assert not CONTROLS.search(md)
    assert sum(ln.startswith("#") for ln in md.split("\n")) == BASELINE_HEADINGS
    assert sum(ln.startswith("#") for ln in md.splitlines()) == BASELINE_HEADINGS
    assert len(headings(md)) == BASELINE_HEADINGS
    assert not kinds(md) & FORBIDDEN
    if text.strip() and text != choice and clean(text).strip():
        assert quoted_text(md) == " ".join(clean(text).split())
