"""The guide pane: a chat transcript anchored to its newest turn, and the input line.

The transcript is one `LineView`: a turn is a block of lines, styled by the message kind,
not a widget. Every text is wrapped in `Content`, so pack and reader text show literally.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from textual.binding import Binding
from textual.cache import LRUCache
from textual import events
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message as TextualMessage
from textual.reactive import Reactive
from textual.style import Style
from textual.suggester import Suggester
from textual.strip import Strip
from textual.widgets import Input

from guided_reader.core.guide import COMMANDS
from guided_reader.core.messages import Message
from guided_reader.core.safe import one_line
from guided_reader.tui.lines import Block, LineView

LABELS = {"note": "Note", "entry": "", "recap": "", "prompt": "Question", "terms": "", "passages": "From the essay"}

# How each kind of message sits in the transcript: margins, padding, the bar down its left edge
# and the blank lines above it. Colours come from the `block--KIND` rules in reader.tcss.
LAYOUT = {
    "heading": dict(pad=1, gap=2),
    "guide": dict(pad=1, right=4),
    "recap": dict(pad=1, right=4),
    "passages": dict(pad=1, right=4),
    "note": dict(pad=1, right=2, bar="▌"),
    "entry": dict(pad=1, right=2, bar="▌"),
    "prompt": dict(pad=1, right=2, bar="▌"),
    "reader": dict(pad=1, left=6, align="right"),
    "choices": dict(pad=1, left=3, right=2, bar="▏", gap=0),
    "answered": dict(pad=1, left=3, right=2, bar="▏", gap=0),
    "recall": dict(pad=1, right=2, bar="▏"),
}
KINDS = set(LAYOUT) | {"terms", "info", "listing", "passages"}


def bubble_content(m: Message) -> Content:
    title = m.title or LABELS.get(m.kind, "")
    if m.kind == "note":
        title = f"Note: {m.title}"
    if m.kind == "heading":
        return Content.assemble((m.title, "dim"), "\n", (m.text, "bold"))
    if title:
        return Content.assemble((title, "bold"), "\n", m.text)
    return Content(m.text)


def choices_content(labels: tuple[str, ...]) -> Content:
    """A prompt's choices, one per line, each tagged so a click knows which was taken."""
    lines = []
    for i, label in enumerate(labels):
        meta = Style.from_meta({"choice": i})
        lines.append(Content.assemble((f"{i + 1}. ", "bold"), label).stylize(meta))
    return Content("\n").join(lines)


def message_block(m: Message) -> Block:
    kind = m.kind if m.kind in KINDS else "info"
    return Block(bubble_content(m), kind=kind, tag=m, **LAYOUT.get(kind, {}))


def choices_block(m: Message, answered: bool = False) -> Block:
    kind = "answered" if answered else "choices"
    return Block(choices_content(m.items), kind=kind, tag=m.items, **LAYOUT[kind])


class Transcript(LineView, can_focus=False):
    """The conversation of the current section, drawn as lines.

    A new reply is shown from its start when it is taller than the pane, otherwise the pane
    stays at its newest line. Scrolled up, the transcript stops following; scrolling back to
    the end resumes it. Whenever there is more below, the last line says so. A new section
    starts a fresh page.
    """

    COMPONENT_CLASSES = {f"block--{k}" for k in KINDS} | {f"bar--{k}" for k in LAYOUT} | {"transcript--marker"}

    @dataclass
    class Chosen(TextualMessage):
        label: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.messages: list[Message] = []
        self.following = True  # new replies are scrolled into view
        self._moving = False
        self._made: LRUCache[tuple[Message, bool], Block] = LRUCache(256)

    def open_at(self, where: int) -> None:
        self.show_from(where)

    def add(self, messages, show: int | None = None) -> None:
        """Add a reply's messages; a reply with a heading replaces the page. The view follows
        from the reply's first message that is not the reader's own, or from message `show`."""
        messages = list(messages)
        if not messages:
            return
        fresh = any(m.kind == "heading" for m in messages)
        following = fresh or self.following
        if not fresh and not any(m.kind == "recall" for m in messages):  # a recalled question keeps its choices
            self._answer_choices()
        blocks, at = self._blocks(messages, show)
        if fresh:
            self.messages = messages
            self.set_blocks(blocks, key=tuple(messages))
            first = 0
        else:
            self.messages.extend(messages)
            first = self.extend(blocks)
        if following:
            self.show_from(first + at)

    def _blocks(self, messages: list[Message], show: int | None) -> tuple[list[Block], int]:
        """The blocks of `messages`, and the one the view starts from: message `show`, or the
        first that is not the reader's own (their words need no room: the answer starts it)."""
        if show is None:
            show = next((i for i, m in enumerate(messages) if m.kind != "reader"), 0)
        blocks, at = [], 0
        for i, m in enumerate(messages):
            if i == show:
                at = len(blocks)
            blocks.append(self._block(m))
            if m.kind in ("prompt", "passages") and m.items:  # quick replies
                blocks.append(self._block(m, choices=True))
        return blocks, at

    def _block(self, m: Message, choices: bool = False) -> Block:
        """The block for a message (or its quick replies); the same message (a section's intro
        and notes, met again on the way back) keeps its block, and so its wrapped lines."""
        block = self._made.get((m, choices))
        if block is None:
            block = self._made[(m, choices)] = choices_block(m) if choices else message_block(m)
        return block

    def prepare(self, messages) -> None:
        """Lay out and draw a reply that opens a page, ahead of showing it (the opening of a
        neighbouring section): stepping there then costs no wrapping and no drawing."""
        messages = list(messages)
        blocks, at = self._blocks(messages, None)
        self.draw_ahead(blocks, tuple(messages), at)

    def notify_style_update(self) -> None:
        self._made.clear()  # their wrapped lines carry the old colours
        super().notify_style_update()

    def _answer_choices(self) -> None:
        for i, block in enumerate(self.blocks):
            if block.kind == "choices":
                self.replace_block(i, Block(block.content, kind="answered", tag=block.tag, **LAYOUT["answered"]))

    def show_from(self, index: int) -> None:
        """Scroll so block `index` starts at the top if what follows is taller than the pane."""
        if not self.row_count:
            self._pending = index
            return
        self._pending = None
        top = self.block_top(index)
        self._moving = True
        if self.row_count - top > self.scrollable_content_region.height:
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
        else:
            self.scroll_end(animate=False, immediate=True, force=True)
        self._moving = False
        self.following = True

    def watch_scroll_y(self, old: float, new: float) -> None:
        """The reader scrolling up stops the following; reaching the end resumes it."""
        super().watch_scroll_y(old, new)
        if not self._moving:
            if self.is_vertical_scroll_end:
                self.following = True
            elif new < old:
                self.following = False

    @property
    def more_below(self) -> bool:
        return self.row_count - int(self.scroll_y) > self.scrollable_content_region.height

    def overlays(self) -> dict[int, Strip]:
        """The last line says there is more below when the reader has scrolled up."""
        if self.more_below:
            width, height = self.scrollable_content_region.size
            key = ("marker", width)
            if key not in self._styles:  # kept with the styles: a new theme draws it again
                marker = Content.styled(" ▼ more below: alt+down or scroll ", "bold")
                style = self.get_visual_style("transcript--marker")
                self._styles[key] = Strip(marker.render_segments(style), marker.cell_length).crop_extend(
                    0, width, style.rich_style)
            return {height - 1: self._styles[key]}
        return {}

    def on_click(self, event: events.Click) -> None:
        index = (event.style.meta if event.style else {}).get("choice")
        if index is None:
            return
        row = int(self.scroll_y) + event.y - self.gutter.top
        block = self.block_at(row)
        if block is not None and self.blocks[block].kind == "choices":
            event.stop()
            labels = self.blocks[block].tag
            self.post_message(self.Chosen(labels[index]))


QUESTION = re.compile(r"^(\?|(?:what(?:'s| is| was| were)|who(?:'s| is| was| were)|tell me about|define|explain)"
                      r"\s+(?:the\s+)?)(.+)$", re.IGNORECASE)


class CommandSuggester(Suggester):
    """Completes `/commands`, and glossary terms after `?` or a question ("who was Tho…")."""

    def __init__(self, entries) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.entries = entries
        self._terms: list[tuple[str, str]] | None = None

    @property
    def terms(self) -> list[tuple[str, str]]:
        """Every term and alias, folded once on first use (not at start-up, not per keystroke)."""
        if self._terms is None:
            names = {name for e in self.entries for name in (e.term, *e.aliases)}
            self._terms = sorted((t.casefold(), t) for t in names)
        return self._terms

    async def get_suggestion(self, value: str) -> str | None:
        if value.startswith("/") and " " not in value:
            return next((f"/{c}" for c in COMMANDS if f"/{c}".startswith(value.lower())), None)
        match = QUESTION.match(value)
        if match and len(match.group(2)) >= 2:
            head, tail = match.group(1), match.group(2).casefold()
            terms = self.terms
            at = bisect.bisect_left(terms, (tail,))  # sorted: the first that could start with it
            if at < len(terms) and terms[at][0].startswith(tail):
                return head + terms[at][1]
        return None


MAX_INPUT = 10_000  # characters the input line holds: more is not an answer, it is an accident


class ChatInput(Input):
    """The input line; Tab accepts the suggested completion when there is one.

    Typed keys that arrive faster than the screen refreshes are inserted together, once per
    frame. Textual turns a bracketed paste that holds an ESC byte into thousands of single key
    events; inserted one by one, each with its Changed message, they froze the reader for
    seconds. Pasted text is cleaned of control characters and folded onto one line, and the
    line holds at most MAX_INPUT characters, with a notice when some were left out.
    """

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    # Input sets its virtual size (the text's width) on every keystroke, and Textual's own
    # reactive lays out the whole screen for it; nothing around the line depends on that width
    # (it scrolls itself, with no scrollbar), so a repaint of the line is enough.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._typed: list[str] = []
        self._flushing = False

    async def action_submit(self) -> None:
        """Send the line and empty the box at once: keys of the next line may already be queued
        behind the Enter (a fast paste, a browser), and they must start a line of their own."""
        self._flush()
        value, self.value = self.value, ""
        self.post_message(self.Submitted(self, value))

    def action_complete(self) -> None:
        if self._suggestion and self.cursor_at_end:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and self._flushing:
            event.stop()
            event.prevent_default()
            self._typed.append(event.character or "")
            return
        self._flush()
        if event.is_printable:
            event.stop()
            event.prevent_default()
            self.type_text(event.character or "")
            self._flushing = True
            self.call_after_refresh(self._flush)
        # other keys go on to Input's own handler (Textual calls each class's _on_key in turn)

    def _flush(self) -> None:
        self._flushing = False
        if self._typed:
            text, self._typed = "".join(self._typed), []
            self.type_text(text)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # not Input's handler too
        self._flush()
        self.type_text(one_line(event.text))

    def type_text(self, text: str) -> None:
        """Insert `text` at the cursor (over the selection), as much of it as fits."""
        start, end = sorted(self.selection)
        room = MAX_INPUT - (len(self.value) - (end - start))
        if len(text) > room:
            text = text[: max(0, room)]
            self.notify(f"The input line holds at most {MAX_INPUT:,} characters; the rest was left out.",
                        severity="warning", markup=False)
        if text:
            self.replace(text, start, end)


class GuidePane(Vertical):
    def compose(self):
        yield Transcript(id="transcript")
        yield ChatInput(placeholder="Answer, ask \"who was Thorez?\", or /help",
                    id="chat-input", select_on_focus=False)
