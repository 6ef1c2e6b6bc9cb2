"""The line views' scrollbar, drawn as strips rather than through a Rich console.

Textual's `ScrollBar` draws itself with `ScrollBarRender`, a Rich renderable: every time the
thumb moves or resizes (on most section steps) the whole bar went through a Rich console,
line by line, which cost as much as drawing the text beside it. `StripBar` is the same bar
(Textual's own `render_bar`: the thumb, its fractional ends and the click and drag metadata
that `ScrollBar` handles), handed to Textual as a `Visual` that returns the strips directly,
and kept for the sizes and positions drawn lately, so stepping back and forth redraws nothing.
`ScrollBar.renderer` is Textual's documented hook for a scrollbar's look.
"""

from __future__ import annotations

from textual.cache import LRUCache
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.visual import Visual

_DRAWN: LRUCache[tuple, list[Strip]] = LRUCache(128)


class StripBar(ScrollBarRender, Visual):
    """A vertical scrollbar as a `Visual`: one single-segment strip per line."""

    def render_strips(self, width: int, height: int | None, style, options) -> list[Strip]:
        height = height or self.virtual_size
        key = (width, height, self.virtual_size, self.window_size, self.position, self.style)
        strips = _DRAWN.get(key)
        if strips is None:
            bar = self.render_bar(size=height, virtual_size=self.virtual_size, window_size=self.window_size,
                                  position=self.position, thickness=width, vertical=True,
                                  back_color=self.style.bgcolor, bar_color=self.style.color)
            strips = _DRAWN[key] = [Strip([segment], width) for segment in bar.segments]
        return strips

    def get_optimal_width(self, rules, container_width: int) -> int:
        return self.thickness

    def get_height(self, rules, width: int) -> int:
        return self.virtual_size
