"""The passage pane: the current section's paragraphs, glossary terms underlined and clickable.

Text is built as `Content` from plain strings and styled by span, so nothing in the essay is
ever parsed as markup. The pane is a `LineView`: a section is a list of blocks, kept per
section so that stepping back and forth re-wraps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from guided_reader.tui import keys
from guided_reader.tui.lines import Block, LineView

MAX_WIDTH = 80  # a readable measure, number gutter included


def paragraph_content(text: str, spans) -> Content:
    """`text` with each spotted (start, end, entry id) span underlined and tagged with its entry id."""
    content = Content(text)
    for start, end, entry_id in spans:
        style = Style(underline=True) + Style.from_meta({"term": entry_id})
        content = content.stylize(style, start, end)
    return content


class Divider(Widget):
    """The rule between the passage and the guide, lit while the passage has focus. It is a
    widget of its own, not the passage's border, so that the passage draws its own lines
    (`LineView.render_lines`) and lighting it restyles nothing else. One column wide, it is a
    vertical rule; one row high (the stacked panes of a narrow screen), a horizontal one."""

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        return Strip([Segment(("▕" if width == 1 else "▁") * width, self.rich_style)], width)


class PassagePane(LineView, can_focus=True):
    """Scrolls the section's paragraphs; reports the first visible paragraph as it changes.

    Clicking a term posts TermClicked (and leaves the focus where it was, so typing goes on in
    the chat input); hovering one shows its short note. With the passage focused, its letter keys
    (tui/keys.py) page, scroll and run the reader's actions; any other printable key is passed
    on to the chat input, so a question typed after a click is never taken for commands.
    """

    COMPONENT_CLASSES = {"block--title", "block--paragraph", "block--label"}
    BINDINGS = keys.passage_bindings()

    @dataclass
    class TopParagraph(Message):
        number: int

    @dataclass
    class TermClicked(Message):
        entry_id: str

    @dataclass
    class Seen(Message):
        """The last paragraph the reader has had on screen so far in this section."""

        number: int

    @dataclass
    class Typed(Message):
        """Printable text typed while the passage has focus: it is meant for the chat input."""

        text: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shorts: dict[str, str] = {}
        self._sections: LRUCache[object, list[Block]] = LRUCache(64)
        self._top = 0
        self._last = 0  # the last paragraph reported seen
        self._typing = False  # keys are being passed on to the chat input

    def show(self, key: object, title: str, paragraphs, top: int) -> None:
        """Show a section. `key` identifies it (with what it hides), so its wrapped lines are
        reused; `paragraphs()` makes its (number, Content) pairs when they are not cached."""
        self.set_blocks(self._blocks(key, title, paragraphs), key)
        self._top = self._last = 0
        self.scroll_to_paragraph(top)

    def prepare(self, key: object, title: str, paragraphs) -> None:
        """Lay out and draw a section's opening lines ahead of showing it."""
        self.draw_ahead(self._blocks(key, title, paragraphs), key)

    def _blocks(self, key: object, title: str, paragraphs) -> list[Block]:
        blocks = self._sections.get(key)
        if blocks is None:
            blocks = [Block(Content(title), kind="title", max_width=MAX_WIDTH - 2)]
            blocks += [Block(content, kind="paragraph", label=str(n), gutter=4, max_width=MAX_WIDTH, tag=n)
                       for n, content in paragraphs()]
            self._sections[key] = blocks
        return blocks

    def notify_style_update(self) -> None:
        self._sections.clear()  # their wrapped lines carry the old colours
        super().notify_style_update()

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

    def open_at(self, where: int) -> None:
        self.scroll_to_paragraph(where)

    def first_paragraph(self) -> int:
        """The number of the first paragraph with a line at or below the top of the view."""
        top = int(self.scroll_y)
        for index in range(len(self.blocks)):
            tag = self.blocks[index].tag
            if tag is None:
                continue
            end = self.block_top(index + 1) if index + 1 < len(self._starts) else self.row_count
            if end > top:
                return tag
        return next((b.tag for b in self.blocks if b.tag is not None), 1)

    def last_paragraph(self) -> int:
        """The number of the last paragraph with a line in view."""
        bottom = int(self.scroll_y) + self.scrollable_content_region.height
        last = self.first_paragraph()
        for index, block in enumerate(self.blocks):
            if block.tag is not None and index < len(self._starts) and self._starts[index] < bottom:
                last = block.tag
        return last

    def _report(self) -> None:
        number = self.first_paragraph()
        if number != self._top:
            self._top = number
            self.post_message(self.TopParagraph(number))
        last = self.last_paragraph()
        if last != self._last:
            self._last = last
            self.post_message(self.Seen(last))

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

    def focus_on_click(self) -> bool:
        """A click on a term asks about it without taking the focus from the chat input."""
        style = self.screen.get_style_at(*self.app.mouse_position)
        return "term" not in (style.meta or {})

    def on_key(self, event: events.Key) -> None:
        """Pass typing on to the chat input. Once a key has gone there, the keys already queued
        behind it follow it, letters included, until the focus has moved."""
        if event.is_printable and event.character and (self._typing or event.key not in keys.LETTERS):
            self._typing = True
            event.stop()
            event.prevent_default()
            self.post_message(self.Typed(event.character))

    def on_focus(self) -> None:
        self._light_divider(True)

    def on_blur(self) -> None:
        self._typing = False
        self._light_divider(False)

    def _light_divider(self, lit: bool) -> None:
        for divider in self.screen.query(Divider):
            divider.set_class(lit, "-lit")

    def on_click(self, event: events.Click) -> None:
        term = self._term_at(event)
        if term:
            event.stop()
            self.post_message(self.TermClicked(term))
