"""The Textual reader: the passage beside a chat guide.

Thin by design: reader input becomes `Session` calls, and the session's replies become
bubbles, screens and saved state. `make_app` is the one factory for the CLI and the tests.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from functools import partial

from textual import on
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.reactive import reactive
from textual.screen import Screen
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Input

from guided_reader.core import paths
from guided_reader.core.messages import Jump, Message, Request
from guided_reader.core.model import Entry, Pack
from guided_reader.core.session import Session
from guided_reader.core.store import Store
from guided_reader.tui import keys, signals
from guided_reader.tui.memory import Collector
from guided_reader.tui.chat import ChatInput, CommandSuggester, GuidePane, Transcript
from guided_reader.tui.passage import Divider, PassagePane, paragraph_content
from guided_reader.tui.topbar import TopBar

NARROW = 100  # below this many columns the panes stack
INDEX_DELAY = 0.3  # seconds after the first screen before the glossary index is built in a thread
PREFETCH_DELAY = 0.1  # seconds after the first screen before the neighbouring sections are drawn


def _terms_provider():
    from guided_reader.tui.palette import TermsProvider  # imported when the palette first opens

    return TermsProvider


def _sections_provider():
    from guided_reader.tui.palette import SectionsProvider

    return SectionsProvider


class ReaderApp(App):
    CSS_PATH = "reader.tcss"
    COMMANDS = App.COMMANDS | {_terms_provider, _sections_provider}
    BINDINGS = keys.app_bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]  # below NARROW columns the panes stack
    zoom: reactive[int] = reactive(0, init=False)  # 0 both panes, 1 passage only, 2 guide only

    def __init__(self, pack: Pack, store: Store, restart: bool = False) -> None:
        super().__init__()
        self.pack = pack
        self.session = Session(pack, store, restart=restart)
        self._shown_section = -1
        self._shorts = {e.id: e.short for e in pack.glossary}  # hover notes
        self._draft_pending = False
        self._save_pending = False
        self.collector = Collector()  # keeps the cycle collector out of section steps (tui/memory.py)
        self.title = pack.title

    # -- layout ------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """Textual's default screen, already in the wide layout's class: on a wide terminal the
        first size then changes no class, which would restyle every widget before the first
        paint (a narrow one still switches to "-narrow")."""
        return Screen(id="_default", classes="-wide")

    def compose(self):
        yield TopBar(self.pack.title, len(self.pack.sections), id="topbar")
        with Horizontal(id="panes"):
            yield PassagePane(id="passage", can_focus=True)
            yield Divider(id="divider")
            yield GuidePane(id="guide")
        yield keys.ReaderFooter(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        store = self.session.store
        theme = store.get_setting("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self.remember_theme)
        chat_input = self.query_one("#chat-input", Input)
        chat_input.suggester = self._suggester = CommandSuggester(self.pack.glossary)
        chat_input.value = self.session.draft
        chat_input.cursor_position = len(chat_input.value)
        self.query_one(PassagePane).shorts = self._shorts
        self.refresh_passage()
        # Back again: the view opens on the open question and the welcome, not the section's start.
        self.query_one(Transcript).add(self.session.opening(), self.session.opening_focus)
        chat_input.focus()
        zoom = store.get_setting("zoom")
        if zoom in ("1", "2"):
            self.zoom = int(zoom)
        # The first screen needs neither the glossary index nor where each term occurs (for the
        # glossary browser) when the pack is compiled: both are built in a thread once the first
        # screen has settled, so they do not compete with it (a lookup before then builds it).
        signals.install(self)  # SIGTERM and SIGHUP quit cleanly (tui/signals.py)
        self.call_after_refresh(self.first_screen_shown)
        if os.environ.get("GUIDED_READER_BENCH_EXIT"):  # scripts/bench.py: quit after the first paint
            self.call_after_refresh(self.exit)

    def first_screen_shown(self) -> None:
        """What can wait for the first screen starts only once it is painted, however long
        that took: counted from mount, a timer could fire before it and delay it."""
        self.collector.started()
        self.set_timer(INDEX_DELAY, lambda: self.run_worker(self._indexes, thread=True, exit_on_error=False))
        self.set_timer(PREFETCH_DELAY, self.prefetch)

    def _indexes(self) -> None:
        self.session.guide.index
        self.session.guide.occurrences()
        self._suggester.terms  # the completions, sorted once (no DOM query: this is a thread)

    def remember_theme(self, theme) -> None:
        if self.session.store.get_setting("theme") != theme.name:
            self.session.store.set_setting("theme", theme.name)

    def watch_zoom(self, zoom: int) -> None:
        self.screen.set_class(zoom == 1, "passage-only")
        self.screen.set_class(zoom == 2, "guide-only")
        (self.query_one(PassagePane) if zoom == 1 else self.query_one("#chat-input", Input)).focus()
        if self.session.store.get_setting("zoom") != str(zoom):
            self.session.store.set_setting("zoom", str(zoom))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Scrolling keys are the reader's, not a dialog's: over a dialog they go to the dialog."""
        if action.startswith(("scroll_passage", "scroll_guide")):
            return self.screen is self.screen_stack[0]
        return True

    # -- the passage -------------------------------------------------------------------------
    def refresh_passage(self) -> None:
        """Show the current section's paragraphs if the section changed; update the top bar."""
        state = self.session.state
        topbar = self.query_one(TopBar)
        topbar.section, topbar.read = state.section, len(state.completed)
        if state.section == self._shown_section:
            return
        self._shown_section = state.section
        self.query_one(PassagePane).show(*self._passage(state.section), state.paragraph)

    def _passage(self, index: int):
        """Section `index` for the passage pane: its key (with the entries still hidden there),
        its title line, and a function making its paragraphs (called only when not cached)."""
        section = self.pack.sections[index]
        hidden = self.session.guide.hidden_at(index)

        def paragraphs() -> list:
            return [(n, paragraph_content(self.pack.paragraph(n), [s for s in self.session.guide.spans(n)
                                                                     if s[2] not in hidden]))
                    for n in section.paragraph_numbers]

        span = f"paragraph {section.first}" if section.first == section.last else f"paragraphs {section.first}-{section.last}"
        return (index, hidden), f"{section.title}  ({span})", paragraphs

    def prefetch(self) -> None:
        """Once a step is on screen, lay out and draw what stepping forward or back would show,
        passage and talk, so that the step itself costs no wrapping or drawing (tui/lines.py
        keeps each page); the replies are the session's own, previewed, not guessed."""
        try:
            main = self.screen_stack[0]  # a dialog may be open over it
            passage, transcript = main.query_one(PassagePane), main.query_one(Transcript)
        except (IndexError, NoMatches):  # the reader is closing: nothing to step to
            return
        here = self.session.state.section
        for name in ("next", "back"):
            reply = self.session.preview(name)
            index = reply.state.section
            if index != here:
                passage.prepare(*self._passage(index))
                transcript.prepare(turns(reply))

    def visible_entries(self) -> list[Entry]:
        state = self.session.state
        return [e for e in self.pack.glossary if self.session.guide.visible(e, state)]

    @on(PassagePane.TopParagraph)
    def remember_paragraph(self, event: PassagePane.TopParagraph) -> None:
        self.session.set_paragraph(event.number)

    @on(PassagePane.Seen)
    def seen_paragraph(self, event: PassagePane.Seen) -> None:
        self.session.set_seen(event.number)

    @on(PassagePane.TermClicked)
    def term_clicked(self, event: PassagePane.TermClicked) -> None:
        self.explain_entry(event.entry_id)

    # -- the conversation -------------------------------------------------------------------------
    def save_after_paint(self) -> None:
        """What the next session call saves is written just after the screen shows its result,
        so a section step or an answer is on screen without waiting for the disk."""
        if not self._save_pending:
            self._save_pending = True
            self.session.store.hold()
            self.call_after_refresh(self.save_now)

    def save_now(self) -> None:
        self._save_pending = False
        self.session.store.flush()
        self.collector.stepped()
        self.prefetch()
        notices = self.session.store.take_notices()  # a fault while saving: said at once
        if notices:
            self.query_one(Transcript).add([Message("info", n, title="Note") for n in notices])

    def show_reply(self, reply) -> None:
        """Add the reply's turns (see `turns`), shown from the reply's start."""
        with self.batch_update():
            self.query_one(Transcript).add(turns(reply))
            self.refresh_passage()
        for event in reply.events:
            if isinstance(event, Request):
                self.call_later(self.fulfil, event.what)
            elif isinstance(event, Jump):  # search (issue 14): show the passage, words marked
                self.call_after_refresh(self.mark_jump, event)

    async def fulfil(self, what: str) -> None:
        if what == "journal":
            self.write_journal()
        else:
            await self.run_action(what)

    @on(Input.Submitted, "#chat-input")
    def send(self, event: Input.Submitted) -> None:
        text = event.value  # the box is already empty (ChatInput.action_submit)
        self.save_after_paint()
        self.show_reply(self.session.send(text))

    @on(Input.Changed, "#chat-input")
    def draft_changed(self, event: Input.Changed) -> None:
        """Every change of the draft is saved, once per frame however fast the keys come."""
        if not self._draft_pending:
            self._draft_pending = True
            self.call_after_refresh(self.save_draft)

    def save_draft(self) -> None:
        self._draft_pending = False
        self.session.set_draft(self.query_one("#chat-input", Input).value)

    @on(Transcript.Chosen)
    def choice(self, event: Transcript.Chosen) -> None:
        self.save_after_paint()
        self.show_reply(self.session.send(event.label))

    def act(self, name: str, arg: object = None) -> None:
        """A key or a click: the session acts, the screen shows it, then it is saved."""
        self.save_after_paint()
        self.show_reply(self.session.action(name, arg))

    def explain_entry(self, entry_id: str) -> None:
        self.act("explain", entry_id)

    def go_section(self, index: int) -> None:
        self.act("go", index)

    def action_journal(self) -> None:
        self.write_journal()

    def write_journal(self) -> None:
        if self.is_web:  # served: the reader's browser downloads it; the server's folder is not theirs
            name = paths.journal_path(self.pack.id).name
            self.deliver_text(io.StringIO(self.session.journal_text()), save_filename=name, mime_type="text/markdown")
            self.notify(f"Journal sent to your browser as {name}", markup=False)
            return
        try:
            path = self.session.write_journal()
        except OSError as exc:
            self.notify(f"Could not write the journal: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Journal written to {path}", markup=False)

    # -- actions (keys) ---------------------------------------------------------------------------
    def action_next(self) -> None:
        self._close_overlays()  # the section changes where the reader can see it
        self.act("next")

    def action_back(self) -> None:
        self._close_overlays()
        self.act("back")

    def action_bookmark(self) -> None:
        self.act("bookmark")

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
        from textual.command import CommandPalette  # loaded when first needed, not at start-up

        while len(self.screen_stack) > 1 and not isinstance(self.screen, CommandPalette):
            self.pop_screen()
        return not isinstance(self.screen, CommandPalette)

    def open_screen(self, screen, callback=None) -> None:
        def closed(result) -> None:
            self.call_after_refresh(self.collector.full)  # the dialog's widgets are garbage now
            if callback is not None:
                callback(result)

        if self._close_overlays():
            self.push_screen(screen, closed)

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
        state, saved = self.session.state, self.session.saved()
        answered = Counter(a.section for a in saved.answers)
        from guided_reader.tui.screens import contents_picker

        picker = contents_picker(self.pack.sections, state.section, set(state.completed), answered, set(saved.seconds))
        self.open_screen(picker, lambda index: index is not None and self.go_section(int(index)))

    def action_glossary(self) -> None:
        from guided_reader.tui.glossary_screen import GlossaryScreen

        screen = GlossaryScreen(self.pack, self.visible_entries(), self.session.guide.occurrences(),
                                index=self.session.guide.index)

        def done(result) -> None:
            if result and result[0] == "go":
                self.go_section(result[1])

        self.open_screen(screen, done)

    def action_timeline(self) -> None:
        if not self.pack.timeline:
            self.notify("This reading pack has no timeline.")
            return
        from guided_reader.tui.timeline_screen import TimelineScreen, follow

        screen = TimelineScreen(self.pack, self.session.state.section, {e.id for e in self.visible_entries()})
        self.open_screen(screen, lambda result: follow(self, result))

    def get_system_commands(self, screen):
        """Textual's own commands, then every action of the reader (tui/keys.py)."""
        yield from super().get_system_commands(screen)
        for key in keys.commands():
            if key.action == "timeline" and not self.pack.timeline:
                continue
            names = " / ".join(keys.shown(k) for k in key.keys + key.letters[:1])
            help_text = f"{key.help[:1].upper()}{key.help[1:]}" + (f" ({names})" if names else "")
            yield SystemCommand(key.palette or key.title, help_text, partial(self.run_action, key.action))

    # -- search (issue 14): the screen and the marking live in tui/search_screen.py
    def action_search(self) -> None:
        from guided_reader.tui.search_screen import SearchScreen

        screen = SearchScreen(self.pack, self.session.guide.search, glossary=self.session.guide.index)
        self.open_screen(screen, lambda result: result and self.act("jump", (result[1], result[2])))

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

    def action_scroll_passage(self, direction: int) -> None:
        pane = self.query_one(PassagePane)
        (pane.scroll_page_down if direction > 0 else pane.scroll_page_up)(animate=False)

    def action_scroll_passage_lines(self, direction: int) -> None:
        self.query_one(PassagePane).scroll_relative(y=direction, animate=False)

    def action_scroll_passage_end(self, direction: int) -> None:
        pane = self.query_one(PassagePane)
        (pane.scroll_end if direction > 0 else pane.scroll_home)(animate=False)

    def action_scroll_guide(self, direction: int) -> None:
        """Page the transcript; reaching its end resumes following new replies."""
        pane = self.query_one(Transcript)
        (pane.scroll_page_down if direction > 0 else pane.scroll_page_up)(animate=False)

    @on(PassagePane.Typed)
    def typed_in_passage(self, event: PassagePane.Typed) -> None:
        """Text typed while the passage has focus is meant for the chat input: it goes there."""
        chat_input = self.query_one("#chat-input", ChatInput)
        chat_input.focus()
        chat_input.type_text(event.text)

    async def action_quit(self) -> None:
        self.session.store.flush()
        self.save_draft()
        self.session.close()
        self.exit()


def turns(reply) -> list[Message]:
    """What the transcript shows of a reply: no listings (their screens open instead), and
    notices about saving first, where they are seen."""
    shown = [m for m in reply.messages if m.kind != "listing"]
    shown.sort(key=lambda m: not (m.kind == "info" and m.title == "Note"))
    return shown


def make_app(pack: Pack, restart: bool = False, store: Store | None = None) -> ReaderApp:
    """The one way to build the reader, for the CLI and the tests alike."""
    return ReaderApp(pack, store or Store.open(), restart=restart)
