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
        yield OptionList(*self.options, id="picker")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.options:
            picker.highlighted = min(self.start, len(self.options) - 1)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.is_current:  # a selection queued before the screen was replaced must not pop another
            self.dismiss(event.option.id)


def contents_picker(sections, current: int, completed: set[str], answered: dict[str, int]) -> Picker:
    options = []
    for i, s in enumerate(sections):
        mark = "▶" if i == current else ("✓" if s.id in completed else " ")
        count = answered.get(s.id, 0)
        extra = f"  ({count} answered)" if count else ""
        options.append(Option(Content.assemble(f"{mark} {i + 1:>2}. ", s.title, (extra, "dim")), id=str(i)))
    return Picker("Contents: Enter to jump (✓ read, ▶ you are here)", options, current)


def terms_picker(entries) -> Picker:
    options = [Option(Content.assemble((e.term, "bold"), ("  " + e.short, "dim")), id=e.id) for e in entries]
    if not options:
        options = [Option(Content("No glossary terms in this passage."), id="", disabled=True)]
    return Picker("Terms in this passage: Enter to ask the guide", options)


KEYS_HELP = [
    ("F1 / ?", "this help"),
    ("F2 / c", "contents: jump to a section"),
    ("F3 / g", "glossary browser"),
    ("F4 / ctrl+p", "search terms, sections and commands"),
    ("F5 / b", "bookmark the paragraph at the top of the passage"),
    ("F6 / t", "pick a term in this passage (keyboard alternative to clicking)"),
    ("F7 / p", "previous section"),
    ("F8 / n", "next section"),
    ("/", "search the essay (in the passage; or \"Search the essay\" in the palette)"),
    ("F9", "switch focus between passage and chat input"),
    ("F10", "show only the passage / only the guide / both"),
    ("F11", "timeline: the essay's events in date order"),
    ("ctrl+t", "change theme"),
    ("PageUp / PageDown", "scroll the passage, even while typing (j / k in the passage)"),
    ("alt+up / alt+down", "scroll the guide's conversation, even while typing"),
    ("ctrl+q", "quit (your place and your draft are saved)"),
]


class HelpScreen(Dialog):
    TITLE_TEXT = "Help"

    def body(self):
        lines = [Content.styled("Keys (single letters work when the passage has focus)", "bold")]
        lines += [Content.assemble((f"  {k:<18}", "bold"), d) for k, d in KEYS_HELP]
        lines += [Content(""), Content.styled("Chat commands (type in the input line)", "bold")]
        lines += [Content.assemble((f"  /{c:<17}", "bold"), d) for c, d in COMMANDS.items()]
        lines += [Content(""), Content.styled("Asking about terms", "bold"),
                  Content("  Click an underlined term, or type: what was the Cominform? / who is Thorez / ?zhdanovism"),
                  Content("  Enter on an empty line continues; a number picks one of a question's choices."),
                  Content("  Any other question (\"what happened at Battersea?\") is answered with passages to jump to.")]
        with VerticalScroll(classes="help-body"):
            yield Static(Content("\n").join(lines))
