"""Every key of the reader in one list: the bindings, the footer, the help screen, the command
palette and the README's key table are all made from it (a test checks the README agrees).

An action has an F-key (or ctrl key) that works everywhere, even while typing in the chat
input, and may have a letter that works when the passage has focus. Keys that only scroll
are listed too, for the help screen and the README, but are not palette commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.widgets import Footer, OptionList
from textual.widgets._footer import FooterKey  # the footer's key widget: its `action` says which key it is


@dataclass(frozen=True)
class Key:
    action: str  # an action of the app, e.g. "next" or "scroll_passage(1)"
    keys: tuple[str, ...]  # Textual key names that work everywhere (priority bindings)
    letters: tuple[str, ...]  # Textual key names that work in the passage
    title: str  # short: the footer and the palette
    help: str  # what it does: the help screen, the palette and the README
    footer: bool | str = True  # shown in the footer; "wide": only when there is room (>= 100 columns)
    command: bool = True  # offered in the command palette
    palette: str = ""  # its name in the palette, where that says more than `title`


KEYS: tuple[Key, ...] = (
    Key("help", ("f1",), ("question_mark",), "Help", "help: keys and chat commands", palette="Help: keys and commands"),
    Key("contents", ("f2",), ("c",), "Contents", "contents: jump to a section (✓ read, – skipped, ▶ you are here)",
        palette="Contents: jump to a section"),
    Key("glossary", ("f3",), ("i",), "Glossary",
        "glossary browser: grouped by kind, filter as you type, see-also links, jump to where a term occurs"),
    Key("command_palette", ("f4", "ctrl+p"), (), "Find", "search terms, sections and commands (the command palette)",
        footer="wide", command=False),
    Key("bookmark", ("f5",), ("m",), "Mark", "bookmark the paragraph at the top of the passage",
        palette="Bookmark this paragraph"),
    Key("terms", ("f6",), ("t",), "Terms", "pick a term in this passage from the keyboard, instead of clicking it",
        footer="wide"),
    Key("back", ("f7",), ("p",), "Prev", "previous section", palette="Previous section"),
    Key("next", ("f8",), ("n",), "Next", "next section", palette="Next section"),
    Key("switch_focus", ("f9",), ("tab",), "Pane", "switch focus between the passage and the chat input",
        palette="Focus: passage or chat input"),
    Key("zoom", ("f10",), ("v",), "View", "view: passage and guide, passage only, or guide only (remembered)",
        palette="Zoom: passage only, guide only, or both"),
    Key("timeline", ("f11",), (), "Timeline", "timeline: the essay's events in date order", footer="wide"),
    Key("search", (), ("slash",), "Search", "search the essay: hits as you type, Down to choose, Enter jumps to "
        "the paragraph with your words marked", footer=False, palette="Search the essay"),
    Key("journal", (), (), "Journal", "write your journal: answers, bookmarks and terms looked up, as Markdown",
        footer=False),
    Key("change_theme", ("ctrl+t",), (), "Theme", "change theme (remembered)", footer=False, command=False),
    Key("quit", ("ctrl+q",), ("q",), "Quit", "quit (your place and your draft are saved)"),
    Key("scroll_passage(1)", ("pagedown",), ("space",), "Page down", "scroll the passage a page down",
        footer=False, command=False),
    Key("scroll_passage(-1)", ("pageup",), ("b",), "Page up", "scroll the passage a page up",
        footer=False, command=False),
    Key("scroll_passage_lines(1)", (), ("j", "down"), "Line down", "scroll the passage a line down",
        footer=False, command=False),
    Key("scroll_passage_lines(-1)", (), ("k", "up"), "Line up", "scroll the passage a line up",
        footer=False, command=False),
    Key("scroll_passage_end(-1)", (), ("g", "home"), "Top", "the top of the passage", footer=False, command=False),
    Key("scroll_passage_end(1)", (), ("G", "end"), "Bottom", "the end of the passage", footer=False, command=False),
    Key("scroll_guide(-1)", ("alt+up",), (), "Guide up", "scroll the guide's conversation up, even while typing",
        footer=False, command=False),
    Key("scroll_guide(1)", ("alt+down",), (), "Guide down",
        "scroll the guide's conversation down (back at the end, new replies are followed again)",
        footer=False, command=False),
)

NAMES = {"question_mark": "?", "slash": "/", "space": "Space", "pagedown": "PageDown", "pageup": "PageUp", "alt+up": "alt+↑",
         "alt+down": "alt+↓", "down": "↓", "up": "↑", "home": "Home", "end": "End", "tab": "Tab"}


def shown(key: str) -> str:
    """A Textual key name as people write it: F1, ctrl+p, ?, Space."""
    if key in NAMES:
        return NAMES[key]
    return key.upper() if key[:1] == "f" and key[1:].isdigit() else key


def _id(key: Key) -> str:
    return key.action.replace("(", "-").replace(")", "").replace("_", "-")


def app_bindings() -> list[Binding]:
    """Priority bindings, so they work while typing; the app's `check_action` keeps the scrolling
    ones from reaching through a dialog to the passage behind it."""
    out = []
    for key in KEYS:
        for n, name in enumerate(key.keys):
            out.append(Binding(name, key.action, key.title, show=bool(key.footer) and n == 0, priority=True,
                               id=_id(key) if n == 0 else f"{_id(key)}-{n}"))
    return out


def passage_bindings() -> list[Binding]:
    """The letters that work when the passage has focus (to the app's actions)."""
    return [Binding(name, f"app.{key.action}", key.title, show=False)
            for key in KEYS for name in key.letters]


WIDE_ONLY = {key.action for key in KEYS if key.footer == "wide"}
LETTERS = frozenset(name for key in KEYS for name in key.letters)  # the passage's own keys


def help_rows() -> list[tuple[str, str]]:
    """(keys, what it does) for the help screen and the README."""
    rows = []
    for key in KEYS:
        if not (key.keys or key.letters):
            continue  # a palette command only (the journal): the help lists it under chat commands
        names = " or ".join(shown(k) for k in key.keys)
        if key.letters:
            names = f"{names} / {', '.join(shown(k) for k in key.letters)}" if names else ", ".join(
                shown(k) for k in key.letters)
        rows.append((names, key.help))
    return rows


def commands() -> list[Key]:
    return [key for key in KEYS if key.command]


class ReaderFooter(Footer):
    """Textual's footer; the keys marked "wide" are hidden when the screen is narrow, so the
    rest fits in 80 columns (reader.tcss: `Screen.-narrow FooterKey.-wide-only`)."""

    _queued = False  # a recompose is waiting for the next refresh
    _showing: tuple | None = None  # the bindings the keys were last made from

    def bindings_changed(self, screen) -> None:
        """Textual's footer recomposes (removes and mounts every key) on each signal that the
        bindings may have changed: three at start-up, two for a focus change, most of them
        with nothing changed. One at a time is queued here, and it recomposes only when the
        keys to show are not those shown."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen and not self._queued:
            self._queued = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._queued = False
        showing = tuple((binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
                        for _, binding, enabled, tooltip in self.screen.active_bindings.values() if binding.show)
        if showing != self._showing:
            self._showing = showing
            await self.recompose()

    def compose(self):
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in WIDE_ONLY:
                widget.add_class("-wide-only", update=False)  # not mounted yet: styled when it is
            yield widget


class ReaderList(OptionList):
    """Textual's option list with the keys of terminal readers too: j/k a line, g/G the ends."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]
