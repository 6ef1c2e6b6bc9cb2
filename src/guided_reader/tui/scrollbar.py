"""The line views' scrollbar, handed to the compositor as lines it has seen before.

Textual's `ScrollBar` draws itself with `ScrollBarRender`, a Rich renderable, and each of its
lines then goes through the widget's styles cache, which builds a new strip for it. On most
section steps the thumb moves or resizes, so both bars were drawn anew, line by line: about
70 lines a step, half of all the lines a step paints. `StripBar` is the same bar (Textual's
own `render_bar`: the thumb, its fractional ends, the colours for hover and drag and the click
and drag metadata that `ScrollBar` handles), whose lines are strips kept by their one segment:
a track line is one `Strip` however often it is drawn, so the line filters and the
compositor's cuts, which Textual keeps per strip, are worked out once.

`LineView.vertical_scrollbar` creates it in place of Textual's `ScrollBar`.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.cache import LRUCache
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

_DRAWN: LRUCache[tuple, list[Strip]] = LRUCache(256)  # bars drawn lately, by size, position and colour
_LINES: LRUCache[Segment, Strip] = LRUCache(256)  # one strip per distinct line of bar


def _line(segment: Segment, width: int) -> Strip:
    strip = _LINES.get(segment)
    if strip is None:
        strip = _LINES[segment] = Strip([segment], width)
    return strip


def finish(strips, filters, background, crop: Region | None = None, width: int = 0) -> list[Strip]:
    """Lines as the compositor takes them: through the app's line filters (each strip keeps
    what they made of it) and, given a `crop`, cut to its columns in a widget `width` wide."""
    lines = []
    for strip in strips:
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        lines.append(strip)
    if crop is not None and crop.column_span != (0, width):
        lines = [strip.crop(*crop.column_span) for strip in lines]
    return lines


class StripBar(ScrollBar):
    """A vertical scrollbar whose lines are shared, already-drawn strips."""

    _shown: tuple = (None, [])  # the last lines given to the compositor, and what they showed

    def forget(self) -> None:
        """Draw the bar anew at the next paint: its view's styles (its colours) have changed."""
        self._shown = (None, [])

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The bar's lines; a paint of something else nearby gets the last list back."""
        filters = self.get_line_filters()
        state = (crop, self.size, self.window_virtual_size, self.window_size, self.position, self.mouse_over,
                 self.grabbed, tuple(filters))
        if self._shown[0] == state:
            return self._shown[1]
        lines = self._draw(crop, filters)
        self._shown = (state, lines)
        return lines

    def _draw(self, crop: Region, filters) -> list[Strip]:
        drawing = self.render()  # Textual's choice of colours for the bar's state, and its sizes
        assert isinstance(drawing, ScrollBarRender)
        width, height = self.size
        base = self.rich_style  # under the bar, as Textual draws a renderable
        key = (width, height, drawing.virtual_size, drawing.window_size, drawing.position, drawing.style, base)
        strips = _DRAWN.get(key)
        if strips is None:
            bar = drawing.render_bar(size=height, virtual_size=drawing.virtual_size, window_size=drawing.window_size,
                                     position=drawing.position, thickness=width, vertical=True,
                                     back_color=drawing.style.bgcolor, bar_color=drawing.style.color)
            strips = _DRAWN[key] = [_line(Segment(text, base + style), width) for text, style, _ in bar.segments]
        return finish([strips[y] if y < len(strips) else Strip.blank(width, drawing.style) for y in crop.line_range],
                      filters, self.background_colors[1], crop, width)
