"""Modal screens: table of contents, help, and the keyboard term picker.

Each returns its choice through `dismiss`; the app acts on it. Labels are `Content`, never markup.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from guided_reader.core.guide import COMMANDS
from guided_reader.tui.keys import ReaderList, help_rows


class Dialog(ModalScreen):
    """A modal with a title and a body; Escape closes it without a choice."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="close")]
    TITLE_TEXT = ""

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(Content(self.TITLE_TEXT), classes="dialog-title")
            yield from self.body()
        yield Footer(show_command_palette=False)

    def body(self):
        yield from ()


class Picker(Dialog):
    """A list of options; Enter or a click dismisses with the option's id."""

    def __init__(self, title: str, options: list[Option], highlight: int = 0) -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.options = options
        self.start = highlight

    def body(self):
        yield ReaderList(*self.options, id="picker")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.options:
            picker.highlighted = min(self.start, len(self.options) - 1)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.is_current:  # a selection queued before the screen was replaced must not pop another
            self.dismiss(event.option.id)


def contents_picker(sections, current: int, completed: set[str], answered: dict[str, int],
                    visited: set[str] = frozenset()) -> Picker:
    """The sections: ▶ here, ✓ read, – visited but stepped past unread (skipped)."""
    options = []
    for i, s in enumerate(sections):
        mark = "▶" if i == current else ("✓" if s.id in completed else ("–" if s.id in visited else " "))
        count = answered.get(s.id, 0)
        extra = f"  ({count} answered)" if count else ""
        options.append(Option(Content.assemble(f"{mark} {i + 1:>2}. ", s.title, (extra, "dim")), id=str(i)))
    return Picker("Contents: Enter to jump (✓ read, – skipped, ▶ you are here)", options, current)


def terms_picker(entries) -> Picker:
    options = [Option(Content.assemble((e.term, "bold"), ("  " + e.short, "dim")), id=e.id) for e in entries]
    if not options:
        options = [Option(Content("No glossary terms in this passage."), id="", disabled=True)]
    return Picker("Terms in this passage: Enter to ask the guide", options)


class HelpScreen(Dialog):
    """Keys and chat commands; it scrolls with the arrows, PageUp/PageDown, j/k and the wheel."""

    TITLE_TEXT = "Help"
    BINDINGS = [Binding("j", "scroll('down')", show=False), Binding("k", "scroll('up')", show=False),
                Binding("q", "dismiss(None)", show=False)]

    def body(self):
        rows = help_rows()
        width = max(len(k) for k, _ in rows) + 2
        lines = [Content.styled("Keys (letters work when the passage has focus; F9 or Tab moves it)", "bold")]
        lines += [Content.assemble((f"  {k:<{width}}", "bold"), d) for k, d in rows]
        lines += [Content(""), Content.styled("Chat commands (type in the input line)", "bold")]
        lines += [Content.assemble((f"  /{c:<{width - 1}}", "bold"), d) for c, d in COMMANDS.items()]
        lines += [Content(""), Content.styled("Asking about terms", "bold"),
                  Content("  Click an underlined term, or type: what was the Cominform? / who is Thorez / ?zhdanovism"),
                  Content("  Enter on an empty line continues; a number picks one of a question's choices."),
                  Content("  Any other question (\"what happened at Battersea?\") is answered with passages to jump to.")]
        with VerticalScroll(classes="help-body", can_focus=True):
            yield Static(Content("\n").join(lines))

    def on_mount(self) -> None:
        self.query_one(".help-body").focus()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one(".help-body", VerticalScroll)
        (body.scroll_down if direction == "down" else body.scroll_up)(animate=False)
