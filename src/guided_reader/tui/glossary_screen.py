"""The glossary browser: every visible entry grouped by kind, filtered as you type.

The entry view shows the note, see-also links that move within the browser, the sections
where the term occurs and its timeline events; choosing a section or an event dismisses the
screen with ("go", section index).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from guided_reader.core.ask import names, rank
from guided_reader.core.glossary import GlossaryIndex
from guided_reader.core.model import KINDS, Entry, Pack
from guided_reader.core.timeline import events_of_entry, section_of, when
from guided_reader.tui.keys import ReaderList

KIND_TITLES = {"person": "People", "organisation": "Organisations", "event": "Events",
               "concept": "Concepts", "publication": "Publications", "place": "Places"}


def entry_content(entry: Entry) -> Content:
    facts = entry.kind + (f", {entry.dates}" if entry.dates else "")
    parts = [(entry.term, "bold"), (f"  ({facts})", "dim"), "\n", (entry.short, "italic"), "\n\n", entry.note]
    if entry.aliases:
        parts += ["\n\n", ("Also: ", "dim"), (", ".join(entry.aliases), "dim")]
    return Content.assemble(*parts)


class GlossaryScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("ctrl+f", "focus_filter", "Filter", id="filter"),
        Binding("down", "focus_list", "List", show=False, id="to-list"),  # from the filter box
    ]

    def __init__(self, pack: Pack, entries: list[Entry], occurrences: dict[str, tuple[str, ...]],
                 selected: str | None = None, index: GlossaryIndex | None = None) -> None:
        super().__init__()
        self.pack = pack
        self.entries = entries
        self.occurrences = occurrences
        self.selected = selected
        self.index = index or GlossaryIndex(pack.glossary)
        self._keys = names(entries)

    def compose(self):
        with Horizontal(id="glossary"):
            with Vertical(id="glossary-list-pane"):
                yield Input(placeholder="Filter terms…", id="glossary-filter")
                yield ReaderList(id="glossary-list")
            with Vertical(id="glossary-entry-pane"):
                with VerticalScroll(id="glossary-entry-scroll"):
                    yield Static(Content("Choose a term on the left."), id="glossary-entry")
                yield Static(Content("See also, where it occurs, and its events (Enter to follow):"), classes="dim-label")
                yield ReaderList(id="glossary-links")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.refill("")
        if self.selected:
            self.show_entry(self.selected)
        self.query_one("#glossary-filter", Input).focus()

    def refill(self, text: str) -> None:
        """Grouped by kind when the filter is empty; otherwise in the question engine's order,
        so the entry the words name comes first (core/ask.py `rank`)."""
        options: list[Option] = []
        ranked = rank(self.index, self.entries, text, self._keys) if text.strip() else None
        if ranked is not None:
            options = [Option(Content.assemble("  ", e.term, (f"  {e.kind}", "dim")), id=e.id) for e in ranked]
        for kind in KINDS if ranked is None else ():
            group = [e for e in self.entries if e.kind == kind]
            if group:
                options.append(Option(Content.styled(KIND_TITLES[kind], "bold"), disabled=True))
                options += [Option(Content.assemble("  ", e.term), id=e.id) for e in
                            sorted(group, key=lambda e: e.term.casefold())]
        if not options:
            options = [Option(Content(f"No term matches “{text}”."), disabled=True)]
        listing = self.query_one("#glossary-list", OptionList)
        listing.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        if first is not None:
            listing.highlighted = first

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        listing = self.query_one("#glossary-list", OptionList)
        if listing.highlighted is not None:
            option = listing.get_option_at_index(listing.highlighted)
            if option.id:
                self.show_entry(option.id)
                self.query_one("#glossary-links", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "glossary-list" and event.option.id:
            self.show_entry(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if event.option_list.id == "glossary-list":
            self.show_entry(option_id)
            self.query_one("#glossary-links", OptionList).focus()
        elif option_id.startswith("see:"):
            self.show_entry(option_id[4:])
        elif option_id.startswith(("go:", "event:")) and self.is_current:  # a late event must not pop another screen
            self.dismiss(("go", int(option_id.rsplit(":", 1)[1])))

    def show_entry(self, entry_id: str) -> None:
        entry = self.pack.entry(entry_id)
        if entry is None:
            return
        self.selected = entry_id
        self.query_one("#glossary-entry", Static).update(entry_content(entry))
        links: list[Option] = []
        for ref in entry.see_also:
            other = self.pack.entry(ref)
            if other is not None:
                links.append(Option(Content.assemble(("→ ", "bold"), other.term), id=f"see:{ref}"))
        for section_id in self.occurrences.get(entry_id, ()):
            index = self.pack.section_index(section_id)
            title = self.pack.sections[index].title
            links.append(Option(Content.assemble(("§ ", "bold"), f"{index + 1}. ", title), id=f"go:{index}"))
        for i, event in enumerate(events_of_entry(self.pack, entry_id)):  # timeline events: jump to the first paragraph
            if event.paragraphs:
                index = section_of(self.pack, event.paragraphs[0])
                links.append(Option(Content.assemble(("◷ ", "bold"), (when(event), "dim"), "  ", event.title),
                                    id=f"event:{i}:{index}"))
        if not links:
            links = [Option(Content("(not named in the essay's text)"), disabled=True)]
        link_list = self.query_one("#glossary-links", OptionList)
        link_list.set_options(links)
        link_list.highlighted = 0 if not links[0].disabled else None

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)

    def action_focus_filter(self) -> None:
        self.query_one("#glossary-filter", Input).focus()

    def action_focus_list(self) -> None:
        self.query_one("#glossary-list", OptionList).focus()
