"""The guide pane: a chat transcript anchored to its newest turn, and the input line.

One widget per turn (a bubble), styled by the message kind. Every text is wrapped in
`Content`, so pack and reader text show literally, markup and all.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static

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


class ChoiceBar(Vertical):
    """Quick replies for a prompt's choices; pressing one sends its label as the answer."""

    @dataclass
    class Chosen(TextualMessage):
        label: str

    def __init__(self, labels: tuple[str, ...]) -> None:
        super().__init__(classes="choices")
        self.labels = labels

    def compose(self):
        for i, label in enumerate(self.labels, 1):
            yield Button(Content(f"{i}. {label}"), classes="choice", name=str(i), compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(self.labels[int(event.button.name) - 1]))
        self.disabled = True


class Transcript(VerticalScroll):
    def on_mount(self) -> None:
        self.anchor()

    def add(self, messages) -> None:
        widgets = []
        for m in messages:
            widgets.append(Bubble(m))
            if m.kind == "prompt" and m.items:
                widgets.append(ChoiceBar(m.items))
        for bar in self.query(ChoiceBar):
            bar.disabled = True
        if widgets:
            self.mount_all(widgets)

    def clear(self) -> None:
        self.remove_children()


class CommandSuggester(Suggester):
    """Completes `/commands`, and glossary terms after `?`."""

    def __init__(self, terms: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.terms = sorted(set(terms), key=str.casefold)

    async def get_suggestion(self, value: str) -> str | None:
        if value.startswith("/") and " " not in value:
            return next((f"/{c}" for c in COMMANDS if f"/{c}".startswith(value.lower())), None)
        if value.startswith("?") and len(value) > 2:
            head = value[1:].casefold()
            return next((f"?{t}" for t in self.terms if t.casefold().startswith(head)), None)
        return None


class GuidePane(Vertical):
    def compose(self):
        yield Transcript(id="transcript")
        yield Input(placeholder="Answer, ask (\"who was Thorez?\"), /help - Enter on empty goes on",
                    id="chat-input", select_on_focus=False)
