"""The passage pane: the current section's paragraphs, glossary terms underlined and clickable.

Text is built as `Content` objects from plain strings and styled by span, so nothing in the
essay is ever parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import Static

TERM_STYLE = "underline"


class Paragraph(Static):
    """One paragraph's text. Clicking a term posts TermClicked; hovering shows its short note."""

    @dataclass
    class TermClicked(Message):
        entry_id: str

    def __init__(self, number: int, content: Content, shorts: dict[str, str]) -> None:
        super().__init__(content, classes="paragraph")
        self.number = number
        self._shorts = shorts

    def show(self, number: int, content: Content, shorts: dict[str, str]) -> None:
        self.number, self._shorts = number, shorts
        self.update(content)

    def _term_at(self, event: events.MouseEvent) -> str | None:
        meta = event.style.meta if event.style else {}
        return meta.get("term")

    def on_mouse_move(self, event: events.MouseMove) -> None:
        term = self._term_at(event)
        self.tooltip = Content(self._shorts[term]) if term in self._shorts else None

    def on_click(self, event: events.Click) -> None:
        term = self._term_at(event)
        if term:
            event.stop()
            self.post_message(self.TermClicked(term))


def paragraph_content(text: str, spans) -> Content:
    """`text` with each spotted span underlined and tagged with its entry id."""
    content = Content(text)
    for span in spans:
        style = Style(underline=True) + Style.from_meta({"term": span.entry_id})
        content = content.stylize(style, span.start, span.end)
    return content


def numbered(number: int, content: Content, shorts: dict[str, str]) -> Horizontal:
    """A paragraph with its number in a margin, so wrapped lines keep their indent."""
    return Horizontal(Static(Content(str(number)), classes="number"), Paragraph(number, content, shorts),
                      classes="numbered")


class PassagePane(VerticalScroll):
    """Scrolls the section's paragraphs; reports the first visible paragraph as it changes.

    Single-letter keys work here (the chat input takes letters as text).
    """

    BINDINGS = [
        Binding("n", "app.next", "Next", show=False),
        Binding("p", "app.back", "Prev", show=False),
        Binding("c", "app.contents", "Contents", show=False),
        Binding("g", "app.glossary", "Glossary", show=False),
        Binding("t", "app.terms", "Terms", show=False),
        Binding("b", "app.bookmark", "Bookmark", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("slash", "app.switch_focus", "Type", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    @dataclass
    class TopParagraph(Message):
        number: int

    def show(self, title: str, paragraphs: list[tuple[int, Content]], shorts: dict[str, str], top: int) -> None:
        """Show a section, reusing the widgets already mounted: a section change then costs
        text updates rather than tearing down and rebuilding the pane."""
        titles = self.query(".passage-title")
        if titles:
            titles.first(Static).update(Content(title))
        else:
            self.mount(Static(Content(title), classes="passage-title"))
        rows = list(self.query(".numbered"))
        new = []
        for i, (n, content) in enumerate(paragraphs):
            if i < len(rows):
                number, para = rows[i].children
                number.update(Content(str(n)))
                para.show(n, content, shorts)
            else:
                new.append(numbered(n, content, shorts))
        for row in rows[len(paragraphs):]:
            row.remove()
        if new:
            self.mount_all(new)
        if not paragraphs or top <= paragraphs[0][0]:
            self.scroll_home(animate=False)
        else:
            self.call_after_refresh(self.scroll_to_paragraph, top)

    def paragraph(self, number: int) -> Paragraph | None:
        return next((p for p in self.query(Paragraph) if p.number == number), None)

    def scroll_to_paragraph(self, number: int) -> None:
        paragraphs = list(self.query(Paragraph))
        if not paragraphs or number <= paragraphs[0].number:
            self.scroll_home(animate=False)
            return
        target = next((p for p in paragraphs if p.number == number), paragraphs[-1])
        self.scroll_to_widget(target.parent, top=True, animate=False)

    def first_paragraph(self) -> int:
        """The number of the first paragraph whose bottom is below the top of the view."""
        top = self.scroll_offset.y
        for widget in self.query(Paragraph):
            region = widget.parent.virtual_region
            if region.y + region.height > top:
                return widget.number
        return 1

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.post_message(self.TopParagraph(self.first_paragraph()))
