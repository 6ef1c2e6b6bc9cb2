"""The Textual reader: the passage beside a chat guide.

Thin by design: reader input becomes `Session` calls, and the session's replies become
bubbles, screens and saved state. `make_app` is the one factory for the CLI and the tests.
"""

from __future__ import annotations

import os
from collections import Counter

from textual import on
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Input, ProgressBar, Static

from guided_reader.core.messages import Jump, Request
from guided_reader.core.model import Entry, Pack
from guided_reader.core.session import Session
from guided_reader.core.store import Store
from guided_reader.tui import signals
from guided_reader.tui.chat import CommandSuggester, GuidePane, Transcript
from guided_reader.tui.passage import PassagePane, paragraph_content

NARROW = 100  # below this many columns the panes stack
DRAFT_DELAY = 0.4  # seconds of quiet typing before the draft is saved


def _terms_provider():
    from guided_reader.tui.palette import TermsProvider  # imported when the palette first opens

    return TermsProvider


def _sections_provider():
    from guided_reader.tui.palette import SectionsProvider

    return SectionsProvider


def _b(key: str, action: str, description: str, show: bool = True, id: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, id=id or action, priority=key.startswith(("f", "ctrl")))


class ReaderApp(App):
    CSS_PATH = "reader.tcss"
    COMMANDS = App.COMMANDS | {_terms_provider, _sections_provider}
    BINDINGS = [
        _b("f1", "help", "Help"),
        _b("f2", "contents", "Contents"),
        _b("f3", "glossary", "Glossary"),
        _b("f4", "command_palette", "Find"),
        _b("ctrl+p", "command_palette", "Find", show=False, id="palette"),
        _b("f5", "bookmark", "Bookmark", show=False),
        _b("f6", "terms", "Terms", show=False),
        _b("f7", "back", "Prev"),
        _b("f8", "next", "Next"),
        _b("f9", "switch_focus", "Focus", show=False),
        _b("f10", "zoom", "Zoom"),
        _b("f11", "timeline", "Timeline"),  # timeline (issue 16)
        _b("ctrl+t", "change_theme", "Theme", show=False),
        _b("ctrl+q", "quit", "Quit"),
        Binding("pageup", "scroll_passage(-1)", "Scroll up", show=False, priority=True, id="page-up"),
        Binding("pagedown", "scroll_passage(1)", "Scroll down", show=False, priority=True, id="page-down"),
        Binding("alt+up", "scroll_guide(-1)", "Guide up", show=False, priority=True, id="guide-up"),
        Binding("alt+down", "scroll_guide(1)", "Guide down", show=False, priority=True, id="guide-down"),
    ]

    def __init__(self, pack: Pack, store: Store, restart: bool = False) -> None:
        super().__init__()
        self.pack = pack
        self.session = Session(pack, store, restart=restart)
        self._occurrences: dict[str, tuple[str, ...]] | None = None
        self._shown_section = -1
        self._shorts = {e.id: e.short for e in pack.glossary}  # hover notes
        self._spoilers = [e for e in pack.glossary if e.spoiler_free_from]  # hidden until their section
        self._draft_timer = None
        self.title = pack.title
        self.zoom = 0  # 0 both panes, 1 passage only, 2 guide only

    # -- layout ------------------------------------------------------------------------------
    def compose(self):
        with Horizontal(id="topbar"):
            yield Static(Content(self.pack.title), id="pack-title")
            yield Static(id="section-label")
            yield ProgressBar(total=len(self.pack.sections), show_eta=False, show_percentage=False, id="progress")
        with Horizontal(id="panes"):
            yield PassagePane(id="passage", can_focus=True)
            yield GuidePane(id="guide")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        theme = self.session.store.get_setting("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        chat_input = self.query_one("#chat-input", Input)
        chat_input.suggester = CommandSuggester(self.pack.glossary)
        chat_input.value = self.session.draft
        chat_input.cursor_position = len(chat_input.value)
        self.query_one(PassagePane).shorts = self._shorts
        self.refresh_passage()
        self.query_one(Transcript).add(self.session.opening())
        chat_input.focus()
        self.on_resize_layout(self.size.width)
        # The first screen needs no glossary index when the pack is compiled: build it after.
        self.call_after_refresh(self.run_worker, lambda: self.session.guide.index, thread=True, exit_on_error=False)
        signals.install(self)  # SIGTERM and SIGHUP quit cleanly (tui/signals.py)
        if os.environ.get("GUIDED_READER_BENCH_EXIT"):  # scripts/bench.py: quit after the first paint
            self.call_after_refresh(self.exit)

    def on_resize(self, event) -> None:
        self.on_resize_layout(event.size.width)

    def on_resize_layout(self, width: int) -> None:
        self.screen.set_class(width < NARROW, "narrow")

    def watch_theme(self, theme: str) -> None:
        store = self.session.store if hasattr(self, "session") else None
        if store is not None and store.get_setting("theme") != theme:
            store.set_setting("theme", theme)

    # -- the passage -------------------------------------------------------------------------
    def refresh_passage(self) -> None:
        """Show the current section's paragraphs if the section changed; update the top bar."""
        state = self.session.state
        count = len(self.pack.sections)
        section = self.pack.sections[state.section]
        label = Content(f"  Section {state.section + 1} of {count}  ".rjust(len(f"  Section {count} of {count}  ")))
        self.query_one("#section-label", Static).update(label, layout=False)  # same width: no layout pass
        self.query_one("#progress", ProgressBar).update(progress=len(state.completed))
        self.sub_title = section.title
        if state.section == self._shown_section:
            return
        self._shown_section = state.section
        hidden = frozenset(e.id for e in self._spoilers if not self.session.guide.visible(e, state))
        pane = self.query_one(PassagePane)
        key = (state.section, hidden)
        paragraphs = []
        if key not in pane._sections:
            for n in section.paragraph_numbers:
                spans = [s for s in self.session.guide.spans(n) if s[2] not in hidden]
                paragraphs.append((n, paragraph_content(self.pack.paragraph(n), spans)))
        span = f"paragraph {section.first}" if section.first == section.last else f"paragraphs {section.first}-{section.last}"
        pane.show(key, f"{section.title}  ({span})", paragraphs, state.paragraph)

    def visible_entries(self) -> list[Entry]:
        state = self.session.state
        return [e for e in self.pack.glossary if self.session.guide.visible(e, state)]

    @on(PassagePane.TopParagraph)
    def remember_paragraph(self, event: PassagePane.TopParagraph) -> None:
        self.session.set_paragraph(event.number)

    @on(PassagePane.TermClicked)
    def term_clicked(self, event: PassagePane.TermClicked) -> None:
        self.explain_entry(event.entry_id)

    # -- the conversation -------------------------------------------------------------------------
    def show_reply(self, reply) -> None:
        """Add the reply's turns; listings are left out, since their screens open instead.

        A reply is shown from its start, so notices about saving go first, where they are seen."""
        turns = [m for m in reply.messages if m.kind != "listing"]
        turns.sort(key=lambda m: not (m.kind == "info" and m.title == "Note"))
        with self.batch_update():
            self.query_one(Transcript).add(turns)
            self.refresh_passage()
        for event in reply.events:
            if isinstance(event, Request):
                self.call_later(self.fulfil, event.what)
            elif isinstance(event, Jump):  # search (issue 14): show the passage, words marked
                self.call_after_refresh(self.mark_jump, event)

    def fulfil(self, what: str) -> None:
        if what == "quit":
            self.action_quit()
        elif what == "journal":
            self.write_journal()
        else:
            getattr(self, f"action_{what}")()

    @on(Input.Submitted, "#chat-input")
    def send(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        self._cancel_draft_timer()
        self.show_reply(self.session.send(text))

    @on(Input.Changed, "#chat-input")
    def draft_changed(self, event: Input.Changed) -> None:
        self._cancel_draft_timer()
        self._draft_timer = self.set_timer(DRAFT_DELAY, lambda: self.session.set_draft(event.value))

    def _cancel_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    @on(Transcript.Chosen)
    def choice(self, event: Transcript.Chosen) -> None:
        self.show_reply(self.session.send(event.label))

    def explain_entry(self, entry_id: str) -> None:
        self.show_reply(self.session.action("explain", entry_id))

    def go_section(self, index: int) -> None:
        self.show_reply(self.session.action("go", index))

    def write_journal(self) -> None:
        try:
            path = self.session.write_journal()
        except OSError as exc:
            self.notify(f"Could not write the journal: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Journal written to {path}", markup=False)

    # -- actions (keys) ---------------------------------------------------------------------------
    def action_next(self) -> None:
        self.show_reply(self.session.action("next"))

    def action_back(self) -> None:
        self.show_reply(self.session.action("back"))

    def action_bookmark(self) -> None:
        self.show_reply(self.session.action("bookmark"))

    def pop_screen(self) -> AwaitComplete:
        """Textual's command palette can dismiss itself twice (Enter, Enter in quick
        succession); the second pop would take the reader's own screen and crash the app."""
        if len(self.screen_stack) <= 1:
            return AwaitComplete()
        return super().pop_screen()

    def _close_overlays(self) -> bool:
        """Pop every dialog over the reader, so the F-keys replace an open screen instead of piling
        up copies. The command palette is never popped from outside (its search worker would
        crash on the removed screen): returns False when it is on top, and nothing opens over it."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, CommandPalette):
            self.pop_screen()
        return not isinstance(self.screen, CommandPalette)

    def open_screen(self, screen, callback=None) -> None:
        if self._close_overlays():
            self.push_screen(screen, callback)

    def action_command_palette(self) -> None:
        """Textual checks only the top screen for an open palette: a second one under a dialog
        would crash with DuplicateIds."""
        self._close_overlays()
        super().action_command_palette()

    def action_change_theme(self) -> None:
        """The theme picker is a command palette too: the same rule."""
        if self._close_overlays():
            super().action_change_theme()

    def action_help(self) -> None:
        from guided_reader.tui.screens import HelpScreen  # dialogs load on first use, not at start-up

        self.open_screen(HelpScreen())

    def action_contents(self) -> None:
        state = self.session.state
        answered = Counter(a.section for a in self.session.saved().answers)
        from guided_reader.tui.screens import contents_picker

        picker = contents_picker(self.pack.sections, state.section, set(state.completed), answered)
        self.open_screen(picker, lambda index: index is not None and self.go_section(int(index)))

    def action_glossary(self) -> None:
        if self._occurrences is None:
            self._occurrences = self.session.guide.occurrences()
        from guided_reader.tui.glossary_screen import GlossaryScreen

        screen = GlossaryScreen(self.pack, self.visible_entries(), self._occurrences, index=self.session.guide.index)

        def done(result) -> None:
            if result and result[0] == "go":
                self.go_section(result[1])

        self.open_screen(screen, done)

    # -- timeline (issue 16): the screen and what its choice does live in tui/timeline_screen.py
    def action_timeline(self) -> None:
        if not self.pack.timeline:
            self.notify("This reading pack has no timeline.")
            return
        from guided_reader.tui.timeline_screen import TimelineScreen, follow

        screen = TimelineScreen(self.pack, self.session.state.section, {e.id for e in self.visible_entries()})
        self.open_screen(screen, lambda result: follow(self, result))

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if self.pack.timeline:
            yield SystemCommand("Timeline", "The essay's events in date order (F11)", self.action_timeline)
        yield SystemCommand("Search the essay", "Find passages by their words (/ in the passage)", self.action_search)
    # -- end of timeline hook

    # -- search (issue 14): the screen and the marking live in tui/search_screen.py
    def action_search(self) -> None:
        from guided_reader.tui.search_screen import SearchScreen

        screen = SearchScreen(self.pack, self.session.guide.search, glossary=self.session.guide.index)
        self.open_screen(screen, lambda result: result and self.show_reply(
            self.session.action("jump", (result[1], result[2]))))

    def mark_jump(self, event: Jump) -> None:
        from guided_reader.tui.search_screen import mark_words

        mark_words(self.query_one(PassagePane), self.pack.paragraph(event.paragraph), event.paragraph, event.words)
    # -- end of search hook

    def action_terms(self) -> None:
        entries = [self.pack.entry(i) for i in self.session.guide.terms_in(self.session.state.section)]
        visible = [e for e in entries if e and self.session.guide.visible(e, self.session.state)]
        from guided_reader.tui.screens import terms_picker

        self.open_screen(terms_picker(visible), lambda entry_id: entry_id and self.explain_entry(entry_id))

    def action_switch_focus(self) -> None:
        chat_input = self.query_one("#chat-input", Input)
        (self.query_one(PassagePane) if chat_input.has_focus else chat_input).focus()

    def action_zoom(self) -> None:
        self.zoom = (self.zoom + 1) % 3
        self.screen.set_class(self.zoom == 1, "passage-only")
        self.screen.set_class(self.zoom == 2, "guide-only")
        if self.zoom == 1:
            self.query_one(PassagePane).focus()
        else:
            self.query_one("#chat-input", Input).focus()

    def action_scroll_passage(self, direction: int) -> None:
        pane = self.query_one(PassagePane)
        (pane.scroll_page_down if direction > 0 else pane.scroll_page_up)(animate=False)

    def action_scroll_guide(self, direction: int) -> None:
        """Page the transcript; reaching its end resumes following new replies."""
        pane = self.query_one(Transcript)
        (pane.scroll_page_down if direction > 0 else pane.scroll_page_up)(animate=False)

    async def action_quit(self) -> None:
        self._cancel_draft_timer()
        self.session.set_draft(self.query_one("#chat-input", Input).value)
        self.session.close()
        self.exit()


def make_app(pack: Pack, restart: bool = False, store: Store | None = None) -> ReaderApp:
    """The one way to build the reader, for the CLI and the tests alike."""
    return ReaderApp(pack, store or Store.open(), restart=restart)
