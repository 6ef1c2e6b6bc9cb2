"""A text view drawn with Textual's line API: blocks of `Content`, wrapped once per width.

The passage and the transcript are both `LineView`s. Changing what they show replaces data,
not widgets: nothing is mounted per paragraph or per message, so a section change costs one
wrap of the new text (cached per block and width) and a repaint of the visible lines.
Mouse metadata in the text (terms, choices) reaches click and hover handlers as usual, and
text selection works through the offsets that `render_line` applies to the text cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Offset, Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.selection import Selection
from textual.strip import Strip

from guided_reader.tui.scrollbar import StripBar, finish

EMPTY = Strip([], 0)


@dataclass(eq=False)
class Block:
    """One paragraph or message: its text and how it sits in the view.

    `kind` names the component class (`block--KIND`) that colours it; `bar` is a character
    drawn down its left edge in the `bar--KIND` colour; `label` fills a gutter of `gutter`
    cells on its first line (paragraph numbers). `tag` says what the block stands for.
    """

    content: Content
    kind: str = "plain"
    left: int = 0
    right: int = 0
    pad: int = 0
    bar: str = ""
    gap: int = 1
    align: str = "left"
    label: str = ""
    gutter: int = 0
    max_width: int = 0
    tag: object = None
    _wrapped: dict = field(default_factory=dict, repr=False)


class Row(NamedTuple):
    block: int  # index into the view's blocks (-1: none)
    left: Strip  # margin, bar, gutter, padding: no selection offsets
    text: Strip  # the text cells, selectable
    right: Strip
    plain: str


def gap_above(blocks: list[Block], index: int) -> int:
    """Blank rows above block `index`: gaps separate blocks, so the first has none."""
    return blocks[index].gap if index else 0


class LineView(ScrollView):
    """Scrolls a list of `Block`s; only the lines in view are drawn, from cached strips."""

    ALLOW_SELECT = True
    COMPONENT_CLASSES: set[str] = set()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.blocks: list[Block] = []
        self._rows: list[Row] = []
        self._starts: list[int] = []  # first row of each block (after its gap)
        self._width = 0
        self._lines: LRUCache[int, Strip] = LRUCache(512)
        self._pages: LRUCache[object, tuple] = LRUCache(32)
        self._generation = 0  # counts changes of content: a scroll planned before one is dropped
        self._styles: dict[tuple[str, int], object] = {}
        self._pending: int | None = None  # where to open once the view has lines (see open_at)
        self._kept: dict[int, tuple[Strip, Strip]] = {}  # boxes of kept strips, by id (_box_kept)
        self._shown: tuple = (None, None, [])  # the lines last given to the compositor (render_lines)

    @property
    def allow_select(self) -> bool:
        return True

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property, creating a `StripBar` (tui/scrollbar.py) in place of its
        `ScrollBar`: the bar's lines are strips the compositor has seen before."""
        if self._vertical_scrollbar is None:
            bar = self._vertical_scrollbar = StripBar(vertical=True, name="vertical",
                                                      thickness=self.scrollbar_size_vertical)
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # -- content --------------------------------------------------------------------------------
    def set_blocks(self, blocks: list[Block], key: object = None) -> None:
        """Show `blocks`. With a `key`, the laid-out rows and drawn lines are kept, so showing
        the same key again at the same width costs no wrapping and no drawing."""
        self.blocks = list(blocks)
        self._generation += 1
        page = self._pages.get((key, self._text_width())) if key is not None else None
        if page is None:
            self._relayout()
        else:
            self._rows, self._starts, lines = page
            self._sized()
            self._lines = lines
        if key is not None:
            self._pages[(key, self._width)] = (self._rows, self._starts, self._lines)

    def extend(self, blocks: list[Block]) -> int:
        """Add blocks at the end; returns the index of the first new one."""
        first = len(self.blocks)
        self.blocks.extend(blocks)
        self._generation += 1
        width = self._text_width()
        if width and width == self._width:
            rows, starts = self._layout(self.blocks, width, first)
            # new lists, not appended to: a kept page stays as it was
            self._starts = self._starts + [len(self._rows) + start for start in starts]
            self._rows = self._rows + rows
            self._sized()
        else:
            self._relayout()
        return first

    def replace_block(self, index: int, block: Block) -> None:
        """Swap one block for another of the same height (or relayout if it differs)."""
        old = self.blocks[index]
        self.blocks[index] = block
        width = self._width
        if width and len(self._block_rows(block, width)) == len(self._block_rows(old, width)) and block.gap == old.gap:
            start = self._starts[index]
            self._rows, lines = list(self._rows), self._lines  # a kept page stays as it was
            self._lines = LRUCache(512)
            for key in lines.keys():
                self._lines[key] = lines[key]
            for j, row in enumerate(self._block_rows(block, width)):
                self._rows[start + j] = row._replace(block=index)
                self._lines.discard(start + j)
            self.refresh()
        else:
            self._relayout()

    def draw_ahead(self, blocks: list[Block], key: object, first: int = 0) -> None:
        """Lay out `blocks` and draw the lines a first look at them shows (from block `first`,
        or the end if what follows it fits), kept as the page of `key` that `set_blocks` finds:
        stepping to them then costs neither wrapping nor drawing."""
        width = self._text_width()
        if width <= 0 or not blocks or (key, width) in self._pages:
            return
        rows, starts = self._layout(blocks, width)
        height = self.scrollable_content_region.height
        top = starts[first] - gap_above(blocks, first) if first < len(starts) else 0
        top = max(0, min(top, len(rows) - height))
        lines: LRUCache[int, Strip] = LRUCache(512)
        drawn = []
        for index in range(top, top + height):  # the blank rows below a short page too
            line = lines[index] = (self._pad(self._draw(rows[index], index, width)) if index < len(rows)
                                   else self._box_kept(self._style("blank", width)))
            drawn.append(line)
        finish(drawn, self.get_line_filters(), self.background_colors[1])  # kept by each strip for the step
        self._pages[(key, width)] = (rows, starts, lines)

    # -- layout ---------------------------------------------------------------------------------
    def _text_width(self) -> int:
        return self.scrollable_content_region.width

    def _relayout(self) -> None:
        width = self._text_width()
        self._width = width
        self._rows, self._starts = self._layout(self.blocks, width) if width > 0 else ([], [])
        self._sized()

    def _layout(self, blocks: list[Block], width: int, first: int = 0) -> tuple[list[Row], list[int]]:
        """The rows of `blocks[first:]` at `width`, and the first row of each (after its gap)."""
        rows: list[Row] = []
        starts: list[int] = []
        for index in range(first, len(blocks)):
            block, gap = blocks[index], gap_above(blocks, index)
            if gap:
                rows.extend([Row(index, self._style("blank", width), EMPTY, EMPTY, "")] * gap)
            starts.append(len(rows))
            rows.extend(row._replace(block=index) for row in self._block_rows(block, width))
        return rows, starts

    def _sized(self) -> None:  # (new lines: a fresh cache, so a kept page keeps its own)
        """Set the new virtual size without a layout pass of the whole screen.

        Assigning `virtual_size` asks Textual to lay out every widget again, which is most of a
        section change's cost; the view's own size does not depend on it. Only the scrollbars
        do: they are updated here, and a layout is asked for only when one appears or goes.
        """
        self._lines = LRUCache(512)
        size = Size(self._width, len(self._rows))
        if size == self.virtual_size:
            self.refresh()
            return
        showing = self.show_vertical_scrollbar
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.scroll_to(y=min(self.scroll_y, self.max_scroll_y), animate=False, immediate=True, force=True)
        if self.show_vertical_scrollbar != showing:
            self.refresh(layout=True)
        else:
            self.refresh()
            if showing:
                self.vertical_scrollbar.refresh()

    def _block_rows(self, block: Block, width: int) -> list[Row]:
        rows = block._wrapped.get(width)
        if rows is None:
            rows = block._wrapped[width] = self._wrap(block, width)
        return rows

    def _style(self, name: str, width: int = 0):
        """Styles (and the blank row) looked up once per theme, not once per block: asking a
        widget for its styles walks the DOM, which was most of the cost of wrapping."""
        key = (name, width)
        if key not in self._styles:
            if name == "base":
                value = self.rich_style
            elif name == "blank":
                value = Strip.blank(width, self._style("base"))
            elif name == "inner":  # as Textual pads: the background alone
                value = RichStyle(bgcolor=self.background_colors[1].rich_color)
            elif name == "pad":
                value = Strip.blank(width, self._style("inner"))
            else:
                visual = self.get_visual_style(name)
                value = (visual, visual.rich_style)
            self._styles[key] = value
        return self._styles[key]

    def _wrap(self, block: Block, width: int) -> list[Row]:
        base = self._style("base")
        style, rich = self._style(f"block--{block.kind}")
        span = max(1, width - block.left - block.right)
        if block.max_width:
            span = min(span, block.max_width)
        inner = max(1, span - len(block.bar) - block.gutter - 2 * block.pad)
        bar = [Segment(block.bar, self._style(f"bar--{block.kind}")[1])] if block.bar else []
        lefts: dict[tuple[str, int], Strip] = {}  # rows share their margins where they are alike
        rights: dict[int, Strip] = {}
        rows = []
        for n, line in enumerate(block.content.wrap(inner) or [Content("")]):
            cells = line.cell_length
            shift = inner - cells if block.align == "right" else 0
            label = block.label if n == 0 else ""
            left = lefts.get((label, shift))
            if left is None:
                segments = [Segment(" " * block.left, base)] + bar
                if block.gutter:
                    segments.append(Segment(label.ljust(block.gutter)[: block.gutter], self._style("block--label")[1]))
                segments.append(Segment(" " * (block.pad + shift), rich))
                left = lefts[(label, shift)] = Strip(segments)
            tail = inner - cells - shift + block.pad
            right = rights.get(tail)
            if right is None:
                right = rights[tail] = Strip([Segment(" " * tail, rich), Segment(" " * max(0, width - block.left - span), base)])
            rows.append(Row(-1, left, Strip(line.render_segments(style), cells), right, line.plain))
        return rows

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Textual's layout knows nothing of the lines, so it reports a virtual size the height of
        the view, never ours: ScrollView then takes every layout pass (one per key typed in the
        chat input) for a change of content and repaints the scrollbars a frame later. Given our
        own virtual size, only a real change of size gets through (tests/test_textual_overrides.py)."""
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def on_resize(self) -> None:
        """Re-wrap for a new width, keeping the view on the same block (or at the end)."""
        if self._text_width() != self._width:
            if not self._rows:  # the first layout
                self._relayout()
                self.call_after_refresh(self.laid_out)
                return
            at_end = self.is_vertical_scroll_end and self.scroll_y > 0
            anchor = self.block_at(int(self.scroll_y))
            self._relayout()
            self.call_after_refresh(self._restore_anchor, None if at_end else anchor, self._generation)

    def laid_out(self) -> bool:
        """Called once the view has a width and its lines: open where `_pending` says, if that
        is still to be done (True), as when the first width was not the last."""
        if self._pending is None:
            return False
        where, self._pending = self._pending, None
        self.open_at(where)
        return True

    def open_at(self, where: int) -> None:
        """Scroll to `where` (a subclass's own kind of place), now that there are lines."""

    def _restore_anchor(self, anchor: int | None, generation: int) -> None:
        if generation != self._generation or self.laid_out():  # new content has placed itself since
            return
        if anchor is None:
            self.scroll_end(animate=False, immediate=True, force=True)
        elif anchor < len(self._starts):
            self.scroll_to(y=self.block_top(anchor), animate=False, immediate=True, force=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._shown = (None, None, [])
        self._kept = {}
        if self._vertical_scrollbar is not None:
            self._vertical_scrollbar.forget()  # its colours are this view's styles
        for block in self.blocks:  # a new theme: colours are baked into the strips
            block._wrapped.clear()
        self._pages.clear()
        self._styles.clear()
        if self.is_mounted:
            self._relayout()

    # -- where things are ---------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    def block_at(self, row: int) -> int | None:
        """The block that row `row` belongs to (a gap belongs to the block below it)."""
        if not self._rows:
            return None
        return self._rows[min(max(row, 0), len(self._rows) - 1)].block

    def block_top(self, index: int) -> int:
        """The first row of block `index`, its gap included."""
        return self._starts[index] - gap_above(self.blocks, index) if index < len(self._starts) else 0

    def find(self, text: str, block: int | None = None) -> Offset | None:
        """Where `text` first shows, as an offset inside this widget's region (scrolled), or None."""
        for y, row in enumerate(self._rows):
            if (block is None or row.block == block) and text in row.plain:
                x = row.left.cell_length + cell_len(row.plain[: row.plain.index(text)])
                return Offset(x + self.gutter.left, y - int(self.scroll_y) + self.gutter.top)
        return None

    def text_of(self, index: int) -> str:
        return "\n".join(r.plain for r in self._rows if r.block == index and r.plain)

    # -- drawing --------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        """The widget's lines for the compositor, drawn by the view itself when its CSS box is
        one the view can draw (left and right padding, a background): Textual's styles cache
        would build a new strip for every line of every paint, and strips the compositor has not
        seen cost it the line filters and the cuts again. Kept lines come back as the same
        strips, so a section step drawn ahead costs the compositor almost nothing, and a paint
        of something else nearby (a key typed in the chat input) gets the last list back."""
        if not self._draws_its_box():
            return super().render_lines(crop)
        top = self.scroll_offset.y
        overlays = self.overlays()
        selected = self.text_selection is not None
        filters = self.get_line_filters()
        key = (top, crop, tuple(overlays.items()), tuple(filters))
        shown_lines, shown_key, shown = self._shown
        if not selected and shown_lines is self._lines and shown_key == key:
            return shown
        lines = []
        for y in crop.line_range:
            strip = overlays.get(y)
            if strip is not None:
                strip = self._box_kept(strip)
            elif selected or (strip := self._lines.get(top + y)) is None:
                strip = (self._box_kept(self._style("blank", self._text_width())) if top + y >= len(self._rows)
                         else self._pad(self.render_line(y)))
                if not selected:
                    self._lines[top + y] = strip
            lines.append(strip)
        lines = finish(lines, filters, self.background_colors[1], crop, self.region.width)
        self._shown = (None, None, []) if selected else (self._lines, key, lines)
        return lines

    def _draws_its_box(self) -> bool:
        """Whether the CSS box has nothing but left and right padding and a background."""
        styles = self.styles
        return (not any(edge for edge, _ in styles.border) and not any(edge for edge, _ in styles.outline)
                and not styles.padding.top and not styles.padding.bottom and not styles.tint.a
                and styles.opacity == 1 and styles.text_opacity == 1
                and (not styles.has_rule("hatch") or styles.hatch == "none")
                and self.border_title is None and self.border_subtitle is None and not self.BLANK)

    def _box_kept(self, strip: Strip) -> Strip:
        """The box of a strip that is kept and shown again (the blank row, an overlay): kept
        too, so the compositor meets the same strip each time."""
        kept = self._kept.get(id(strip))
        if kept is None or kept[0] is not strip:
            kept = self._kept[id(strip)] = (strip, self._pad(strip))
        return kept[1]

    def _pad(self, strip: Strip) -> Strip:
        """A line of text as a line of the widget: as wide as the content area (the scrollbar,
        which the compositor lays over its end, included) and inside the padding."""
        left, right = self.styles.padding.left, self.styles.padding.right
        strip = strip.adjust_cell_length(self.size.width, self._style("inner"))
        if not (left or right):
            return strip
        return Strip.join([self._style("pad", left), strip, self._style("pad", right)])

    def overlays(self) -> dict[int, Strip]:
        """Lines that a subclass shows over lines of the view (a marker), by line. Giving back
        the same strip while it is shown spares the compositor drawing it anew."""
        return {}

    def render_line(self, y: int) -> Strip:
        """Line `y` of the text, inside the padding: what Textual's styles cache boxes when the
        view does not draw its box itself."""
        over = self.overlays().get(y)
        if over is not None:
            return over
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._rows):
            return self._style("blank", width)
        row = self._rows[index]
        text = row.text
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            end = len(row.plain) if end == -1 else end
            if start < end:
                before, chosen, after = text.divide([start, end, text.cell_length])
                chosen = chosen.apply_style(self.screen.get_component_rich_style("screen--selection"))
                text = Strip.join([before, chosen, after])
        return self._draw(row._replace(text=text), index, width, scroll_x)

    def _draw(self, row: Row, index: int, width: int, scroll_x: int = 0) -> Strip:
        """Row `index` as a line: its text carries the offsets that text selection reads."""
        strip = Strip.join([row.left, row.text.apply_offsets(0, index), row.right])
        if scroll_x or strip.cell_length != width:  # rows are wrapped to the width: seldom needed
            strip = strip.crop_extend(scroll_x, scroll_x + width, self._style("base"))
        return strip

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(row.plain for row in self._rows)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._lines = LRUCache(512)
        self.refresh()
