"""The passage pane: the current section's paragraphs, glossary terms underlined and clickable.

Text is built as `Content` from plain strings and styled by span, so nothing in the essay is
ever parsed as markup. The pane is a `LineView`: a section is a list of blocks, kept per
section so that stepping back and forth re-wraps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.content import Content
from textual.message import Message
from textual.style import Style

from guided_reader.tui.lines import Block, LineView

MAX_WIDTH = 80  # a readable measure, number gutter included


def paragraph_content(text: str, spans) -> Content:
    """`text` with each spotted (start, end, entry id) span underlined and tagged with its entry id."""
    content = Content(text)
    for start, end, entry_id in spans:
        style = Style(underline=True) + Style.from_meta({"term": entry_id})
        content = content.stylize(style, start, end)
    return content


class PassagePane(LineView, can_focus=True):
    """Scrolls the section's paragraphs; reports the first visible paragraph as it changes.

    Clicking a term posts TermClicked; hovering one shows its short note.
    """

    COMPONENT_CLASSES = {"block--title", "block--paragraph", "block--label"}
    BINDINGS = [
        Binding("n", "app.next", "Next", show=False),
        Binding("p", "app.back", "Prev", show=False),
        Binding("c", "app.contents", "Contents", show=False),
        Binding("g", "app.glossary", "Glossary", show=False),
        Binding("t", "app.terms", "Terms", show=False),
        Binding("b", "app.bookmark", "Bookmark", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("slash", "app.search", "Search", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    @dataclass
    class TopParagraph(Message):
        number: int

    @dataclass
    class TermClicked(Message):
        entry_id: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shorts: dict[str, str] = {}
        self._sections: LRUCache[object, list[Block]] = LRUCache(64)
        self._top = 0
        self._pending: int | None = None

    def show(self, key: object, title: str, paragraphs: list[tuple[int, Content]], top: int) -> None:
        """Show a section. `key` identifies it (with what it hides), so its wrapped lines are reused."""
        blocks = self._sections.get(key)
        if blocks is None:
            blocks = [Block(Content(title), kind="title", gap=1, max_width=MAX_WIDTH - 2)]
            blocks += [Block(content, kind="paragraph", label=str(n), gutter=4, max_width=MAX_WIDTH, tag=n)
                       for n, content in paragraphs]
            self._sections[key] = blocks
        self.set_blocks(blocks, key)
        self._top = 0
        self.scroll_to_paragraph(top)

    def paragraph_block(self, number: int) -> int | None:
        return next((i for i, b in enumerate(self.blocks) if b.tag == number), None)

    def scroll_to_paragraph(self, number: int) -> None:
        index = self.paragraph_block(number)
        self._pending = None
        if index is None or index <= 1 or not self.row_count:
            self._pending = None if self.row_count else number
            self.scroll_to(y=0, animate=False, immediate=True, force=True)
        else:
            self.scroll_to(y=self.block_top(index) + 1, animate=False, immediate=True, force=True)
        self._report()

    def laid_out(self) -> None:
        if self._pending is not None:
            number, self._pending = self._pending, None
            self.scroll_to_paragraph(number)

    def first_paragraph(self) -> int:
        """The number of the first paragraph with a line at or below the top of the view."""
        top = int(self.scroll_y)
        for index in range(len(self.blocks)):
            tag = self.blocks[index].tag
            if tag is None:
                continue
            end = self._starts[index + 1] - self.blocks[index + 1].gap if index + 1 < len(self._starts) else self.row_count
            if end > top:
                return tag
        return next((b.tag for b in self.blocks if b.tag is not None), 1)

    def _report(self) -> None:
        number = self.first_paragraph()
        if number != self._top:
            self._top = number
            self.post_message(self.TopParagraph(number))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.row_count:
            self._report()

    # -- the mouse --------------------------------------------------------------------------
    @staticmethod
    def _term_at(event: events.MouseEvent) -> str | None:
        return (event.style.meta if event.style else {}).get("term")

    def on_mouse_move(self, event: events.MouseMove) -> None:
        term = self._term_at(event)
        self.tooltip = Content(self.shorts[term]) if term in self.shorts else None

    def on_click(self, event: events.Click) -> None:
        term = self._term_at(event)
        if term:
            event.stop()
            self.post_message(self.TermClicked(term))
