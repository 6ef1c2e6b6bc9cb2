"""The guide pane: a chat transcript anchored to its newest turn, and the input line.

One widget per turn (a bubble), styled by the message kind. Every text is wrapped in
`Content`, so pack and reader text show literally, markup and all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.binding import Binding
from textual import events
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.style import Style
from textual.suggester import Suggester
from textual.widgets import Input, Static

from guided_reader.core.guide import COMMANDS
from guided_reader.core.messages import Message

LABELS = {"note": "Note", "entry": "", "recap": "", "prompt": "Question", "terms": ""}


def bubble_content(m: Message) -> Content:
    title = m.title or LABELS.get(m.kind, "")
    if m.kind == "note":
        title = f"Note: {m.title}"
    if m.kind == "heading":
        return Content.assemble((m.title, "dim"), "\n", (m.text, "bold"))
    if title:
        return Content.assemble((title, "bold"), "\n", m.text)
    return Content(m.text)


class Bubble(Static):
    def __init__(self, message: Message) -> None:
        super().__init__(bubble_content(message), classes=f"bubble {message.kind}")
        self.message = message


class ChoiceBar(Static):
    """A prompt's choices as quick replies, one per line; clicking one sends its label.

    One widget rather than a button per choice: a section change mounts several prompts'
    worth of bubbles, and every extra widget costs a layout pass. Typing the number works too.
    """

    @dataclass
    class Chosen(TextualMessage):
        label: str

    def __init__(self, labels: tuple[str, ...]) -> None:
        lines = []
        for i, label in enumerate(labels):
            meta = Style.from_meta({"choice": i})
            lines.append(Content.assemble((f"{i + 1}. ", "bold"), label).stylize(meta))
        super().__init__(Content("\n").join(lines), classes="choices")
        self.labels = labels

    def on_click(self, event: events.Click) -> None:
        index = (event.style.meta if event.style else {}).get("choice")
        if index is not None and not self.has_class("answered"):
            event.stop()
            self.add_class("answered")
            self.post_message(self.Chosen(self.labels[index]))


class Transcript(VerticalScroll):
    def on_mount(self) -> None:
        self.anchor()

    def add(self, messages) -> None:
        """Mount one bubble per message. A new section starts a fresh page (its reply opens with
        the last section's recap), so the transcript never grows past one section's talk."""
        if any(m.kind == "heading" for m in messages):
            self.remove_children()
        widgets = []
        for m in messages:
            widgets.append(Bubble(m))
            if m.kind == "prompt" and m.items:
                widgets.append(ChoiceBar(m.items))
        for bar in self.query(ChoiceBar):
            bar.add_class("answered")
        if widgets:
            self.mount_all(widgets)


QUESTION = re.compile(r"^(\?|(?:what(?:'s| is| was| were)|who(?:'s| is| was| were)|tell me about|define|explain)"
                      r"\s+(?:the\s+)?)(.+)$", re.IGNORECASE)


class CommandSuggester(Suggester):
    """Completes `/commands`, and glossary terms after `?` or a question ("who was Tho…")."""

    def __init__(self, terms: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        # folded once here, not on every keystroke
        self.terms = sorted((t.casefold(), t) for t in set(terms))

    async def get_suggestion(self, value: str) -> str | None:
        if value.startswith("/") and " " not in value:
            return next((f"/{c}" for c in COMMANDS if f"/{c}".startswith(value.lower())), None)
        match = QUESTION.match(value)
        if match and len(match.group(2)) >= 2:
            head, tail = match.group(1), match.group(2).casefold()
            return next((head + t for folded, t in self.terms if folded.startswith(tail)), None)
        return None


class ChatInput(Input):
    """The input line; Tab accepts the suggested completion when there is one."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    def action_complete(self) -> None:
        if self._suggestion and self.cursor_at_end:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class GuidePane(Vertical):
    def compose(self):
        yield Transcript(id="transcript")
        yield ChatInput(placeholder="Answer, ask (\"who was Thorez?\"), /help - Enter on empty goes on",
                    id="chat-input", select_on_focus=False)
