"""The timeline screen: the pack's events in date order, grouped by year (a busy year by month).

Events the current section mentions are marked ◆. The event view shows its span, note and
links; where the essay dates or describes it differently, the record and the essay's version
stand side by side. Enter on an event jumps to its first paragraph, `e` asks the guide about
its (first) glossary entry, and the links list reaches every entry and paragraph. The screen
dismisses with ("go", paragraph number) or ("entry", entry id); `follow` carries that out.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from guided_reader.core.model import Event, Pack
from guided_reader.core.timeline import headings, in_section, paragraphs_label, section_of, when
from guided_reader.tui.keys import ReaderList

MARK = "◆"


def event_head(event: Event) -> Content:
    return Content.assemble((event.title, "bold"), "\n", (when(event), "italic"), ("  " + paragraphs_label(event), "dim"))


def event_body(pack: Pack, event: Event, visible: set[str]) -> Content:
    parts = [event.note] if event.note else []
    names = [pack.entry(i).term for i in event.entries if i in visible and pack.entry(i)]
    if names:
        parts += ["\n\n" if parts else "", ("Entries: ", "dim"), ", ".join(names)]
    return Content.assemble(*parts)


class TimelineScreen(Screen):
    DEFAULT_CSS = """
    TimelineScreen #timeline-help { color: $text-muted; padding: 0 1; }
    TimelineScreen #timeline { height: 1fr; }
    TimelineScreen #timeline-list { width: 3fr; height: 1fr; }
    TimelineScreen #timeline-pane { width: 2fr; padding: 0 1; }
    TimelineScreen #timeline-scroll { height: 1fr; }
    TimelineScreen #timeline-compare { height: auto; margin-top: 1; }
    TimelineScreen #timeline-body { margin-top: 1; }
    TimelineScreen #timeline-compare Static { width: 1fr; padding: 0 1 0 0; }
    TimelineScreen #timeline-links { height: auto; max-height: 7; }
    TimelineScreen.-narrow #timeline { layout: vertical; }
    TimelineScreen.-narrow #timeline-list { width: 1fr; height: 1fr; }
    TimelineScreen.-narrow #timeline-pane { width: 1fr; height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("e", "entry", "Entry", id="entry"),
    ]

    def __init__(self, pack: Pack, section: int, visible: set[str] | None = None, selected: int | None = None) -> None:
        """`visible`: the entry ids the reader may see now (spoiler-free ones are left out until their section)."""
        super().__init__()
        self.pack = pack
        self.shown_entries = visible if visible is not None else {e.id for e in pack.glossary}
        self.section = pack.sections[section]
        here = [i for i, e in enumerate(pack.timeline) if in_section(e, self.section)]
        self.selected = selected if selected is not None else (here[0] if here else 0)

    def compose(self):
        yield Static(Content(f"Timeline · Enter: go to the paragraph · e: ask about the entry · Tab: links · "
                             f"{MARK} in this section"), id="timeline-help")
        with Horizontal(id="timeline"):
            yield ReaderList(*self.options(), id="timeline-list")
            with Vertical(id="timeline-pane"):
                with VerticalScroll(id="timeline-scroll"):
                    yield Static(id="timeline-event")
                    with Horizontal(id="timeline-compare"):
                        yield Static(id="timeline-record")
                        yield Static(id="timeline-essay")
                    yield Static(id="timeline-body")
                yield ReaderList(id="timeline-links")
        yield Footer(show_command_palette=False)

    def options(self) -> list[Option]:
        options: list[Option] = []
        heading = None
        for i, (e, group) in enumerate(zip(self.pack.timeline, headings(self.pack.timeline))):
            if group != heading:
                heading = group
                options.append(Option(Content.styled(heading, "bold"), disabled=True))
            mark = f"{MARK} " if in_section(e, self.section) else "  "
            differs = ("  ≠ essay", "italic") if e.essay_says else ""
            options.append(Option(Content.assemble(mark, (when(e), "dim"), "  ", e.title, differs), id=str(i)))
        return options

    def on_mount(self) -> None:
        listing = self.query_one("#timeline-list", OptionList)
        if self.pack.timeline:
            listing.highlighted = listing.get_option_index(str(self.selected))
            self.show_event(self.selected)
        listing.focus()

    def show_event(self, index: int) -> None:
        self.selected = index
        event = self.pack.timeline[index]
        self.query_one("#timeline-event", Static).update(event_head(event))
        self.query_one("#timeline-body", Static).update(event_body(self.pack, event, self.shown_entries))
        compare = self.query_one("#timeline-compare")
        compare.display = bool(event.essay_says)
        if event.essay_says:
            self.query_one("#timeline-record", Static).update(
                Content.assemble(("The record", "bold"), "\n", when(event)))
            self.query_one("#timeline-essay", Static).update(
                Content.assemble(("The essay says", "bold"), "\n", event.essay_says))
        links = []
        for n in event.paragraphs:
            index = section_of(self.pack, n)
            title = self.pack.sections[index].title
            links.append(Option(Content.assemble(("§ ", "bold"), f"Paragraph {n}, in {index + 1}. ", title), id=f"go:{n}"))
        for entry_id in event.entries:
            entry = self.pack.entry(entry_id) if entry_id in self.shown_entries else None
            if entry is not None:
                links.append(Option(Content.assemble(("? ", "bold"), "Ask about ", entry.term), id=f"entry:{entry_id}"))
        link_list = self.query_one("#timeline-links", OptionList)
        link_list.set_options(links or [Option(Content("(no paragraph or entry)"), disabled=True)])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "timeline-list" and event.option.id:
            self.show_event(int(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if event.option_list.id == "timeline-list":
            self.show_event(int(option_id))
            numbers = self.pack.timeline[self.selected].paragraphs
            self.finish(("go", numbers[0]) if numbers else None)
        elif option_id.startswith("go:"):
            self.finish(("go", int(option_id[3:])))
        elif option_id.startswith("entry:"):
            self.finish(("entry", option_id[6:]))

    def finish(self, result) -> None:
        if result is not None and self.is_current:  # a late event must not pop another screen
            self.dismiss(result)

    def action_entry(self) -> None:
        event = self.pack.timeline[self.selected] if self.pack.timeline else None
        entries = [i for i in event.entries if i in self.shown_entries and self.pack.entry(i)] if event else []
        self.finish(("entry", entries[0]) if entries else None)

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)


def follow(app, result) -> None:
    """Carry out the screen's choice in the reader: ask about an entry, or go to a paragraph."""
    if not result:
        return
    kind, value = result
    if kind == "entry":
        app.explain_entry(value)
        return
    from guided_reader.tui.passage import PassagePane

    index = section_of(app.pack, value)
    if index != app.session.state.section:
        app.go_section(index)
    app.session.set_paragraph(value)
    pane = app.query_one(PassagePane)
    app.call_after_refresh(pane.scroll_to_paragraph, value)
