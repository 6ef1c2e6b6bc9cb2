"""The top line: the essay's title, where the reader is, and a bar of the sections read.

One widget drawing one line, rather than a row of title, label and progress-bar widgets: the
first screen has fewer widgets to style and lay out, and a section step repaints one line.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

BAR = 20  # cells of the progress bar on a wide screen


class TopBar(Widget):
    """`section` (0-based) of `count`, with `read` sections read; the title takes what is left."""

    COMPONENT_CLASSES = {"topbar--title", "topbar--where", "topbar--done", "topbar--todo"}
    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; color: $text; }
    TopBar > .topbar--title { text-style: bold; }
    TopBar > .topbar--where { color: $text-muted; }
    TopBar > .topbar--done { color: $accent; }
    TopBar > .topbar--todo { color: $foreground 20%; }
    """

    section: reactive[int] = reactive(0, layout=False)
    read: reactive[int] = reactive(0, layout=False)

    def __init__(self, title: str, count: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.count = max(1, count)

    def render_line(self, y: int) -> Strip:
        """The one line, drawn straight to a strip (no Visual to measure and wrap)."""
        content = self.line(self.size.width)
        style = self.visual_style
        return Strip(content.render_segments(style), content.cell_length).extend_cell_length(self.size.width, style.rich_style)

    def line(self, width: int) -> Content:
        where = f"  Section {self.section + 1} of {self.count}  "
        bar = min(BAR, max(0, width // 6))
        room = max(0, width - len(where) - bar - 3)
        title = self.title_text if len(self.title_text) <= room else self.title_text[: max(0, room - 1)] + "…"
        done = round(bar * min(self.read, self.count) / self.count)
        style = self.get_visual_style
        return Content.assemble(
            " ", (title, style("topbar--title")), " " * (room - len(title) + 1),
            (where, style("topbar--where")),
            ("━" * done, style("topbar--done")), ("━" * (bar - done), style("topbar--todo")), " ",
        )
