"""The search box over the essay (`/` in the passage, or the palette), and marking a hit's words.

The screen lists hits as you type; Enter (or a click) on one dismisses with
("jump", paragraph, words); the app turns that into `Session.action("jump", ...)` and
`mark_words` then highlights the words in the passage. Every text is `Content`, never markup.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from guided_reader.core.ask import resolve
from guided_reader.core.model import Pack
from guided_reader.core.search import SearchIndex, query_words, word_spans

MARK = "reverse"  # how a searched word shows in the passage


def hit_option(pack: Pack, hit, index: int, words=()) -> Option:
    """A hit as two or more lines: paragraph and section, then its snippet with the words in bold."""
    number = pack.section_index(hit.section) + 1
    snippet = Content(hit.snippet)
    for start, end in word_spans(hit.snippet, words):
        snippet = snippet.stylize("bold", start, end)
    source = "" if hit.kind == "essay" else f"  (the guide's {hit.kind})"
    where = Content.assemble((f"¶{hit.paragraph}", "bold"), (f"  §{number} {hit.section_title}{source}", "dim"))
    return Option(Content.assemble(where, "\n", snippet), id=str(index))


class SearchScreen(ModalScreen):
    """A query box and its hits; Down moves into the list, Escape closes."""

    DEFAULT_CSS = """
    SearchScreen { align: center middle; }
    SearchScreen #search-dialog { height: 90%; }
    SearchScreen #search-hits { height: 1fr; max-height: 100%; }
    SearchScreen #search-status { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("down", "to_list", "Hits", show=False, id="to-hits"),
    ]

    def __init__(self, pack: Pack, index: SearchIndex, query: str = "", glossary=None) -> None:
        """`glossary`: a GlossaryIndex, to search a misspelt term's right spelling instead."""
        super().__init__()
        self.pack, self.index, self.text, self.glossary = pack, index, query, glossary
        self.hits: list = []

    def compose(self):
        with Vertical(classes="dialog", id="search-dialog"):
            yield Static(Content("Search the essay, its notes and questions"), classes="dialog-title")
            yield Input(value=self.text, placeholder="words to find…", id="search-input")
            yield Static(Content(""), id="search-status")
            yield OptionList(id="search-hits")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.refill(self.text)
        self.query_one("#search-input", Input).focus()

    def refill(self, text: str) -> None:
        self.text = text
        self.hits = self.index.search(text, limit=20) if text.strip() else []
        instead = None
        if not self.hits and text.strip() and self.glossary is not None:
            entry = resolve(self.glossary, text).match  # "cominfrom": search for Cominform
            if entry is not None and (hits := self.index.search(entry.term, limit=20)):
                self.hits, instead, self.text = hits, entry.term, entry.term
        hits = self.query_one("#search-hits", OptionList)
        words = query_words(self.text)
        hits.set_options([hit_option(self.pack, hit, i, words) for i, hit in enumerate(self.hits)])
        if self.hits:
            hits.highlighted = 0
            status = f"{len(self.hits)} passage{'s' if len(self.hits) != 1 else ''}: Enter goes to the first, Down to choose"
            if instead:
                status = f"Nothing has those words; showing {instead}. " + status
        else:
            status = "Type words to find, e.g. Battersea or Italian party Hungary." if not text.strip() \
                else "Nothing matches these words."
        self.query_one("#search-status", Static).update(Content(status))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        hits = self.query_one("#search-hits", OptionList)
        if self.hits and hits.highlighted is not None:
            self.choose(hits.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(int(event.option.id))

    def choose(self, index: int) -> None:
        if self.is_current and 0 <= index < len(self.hits):
            self.dismiss(("jump", self.hits[index].paragraph, tuple(query_words(self.text))))

    def action_to_list(self) -> None:
        hits = self.query_one("#search-hits", OptionList)
        if self.hits and not hits.has_focus:
            hits.focus()

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)


def mark_words(pane, text: str, paragraph: int, words) -> None:
    """Scroll the passage to `paragraph` and show `words` there marked, and nothing else marked.
    The section's cached blocks are left alone: the marks last until it is shown afresh."""
    index = pane.paragraph_block(paragraph)
    if index is None:
        return
    blocks = []
    for i, block in enumerate(pane.blocks):
        content = block.content
        if any(span.style == MARK for span in content.spans):  # an earlier search's marks
            content = Content(content.plain, [span for span in content.spans if span.style != MARK])
        if i == index:
            for start, end in word_spans(text, words):
                content = content.stylize(MARK, start, end)
        blocks.append(block if content is block.content else dataclasses.replace(block, content=content, _wrapped={}))
    pane.set_blocks(blocks)
    pane.scroll_to_paragraph(paragraph)
