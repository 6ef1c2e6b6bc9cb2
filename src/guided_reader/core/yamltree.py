"""A strict YAML reader for packs: a tree of nodes that remember their line and column.

Built from the parser's events rather than `yaml.load`, so that
- nothing is resolved behind the author's back: `no`, `1.10` and `2024-01-01` stay the text
  the author wrote, and the schema decides what each key may hold;
- anchors, aliases and tags are refused outright (no "billion laughs", no `!!python/object`);
- duplicate keys are errors instead of silently keeping the last one;
- nesting depth costs no recursion.
The C parser is used when PyYAML has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from guided_reader.core.problems import Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Node:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Scalar(Node):
    value: str
    plain: bool  # unquoted: the only style in which `null`, `true` and numbers mean anything

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in NULLS


@dataclass
class Seq(Node):
    items: list[Node] = field(default_factory=list)


@dataclass
class Map(Node):
    items: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)  # key -> (key node, value)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.stack: list[tuple[Node, Scalar | None]] = []  # open collections + pending map key
        self.root: Node | None = None
        self.documents = 0

    def problem(self, mark, message: str) -> None:
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, "", message))

    def add(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent, key = self.stack[-1]
        if isinstance(parent, Seq):
            parent.items.append(node)
        elif key is None:
            if not isinstance(node, Scalar):
                self.problems.append(Problem(self.file, node.line, node.col, "", "a key must be plain text"))
                node = Scalar(node.line, node.col, "?", True)
            self.stack[-1] = (parent, node)
        else:
            assert isinstance(parent, Map)
            if key.value in parent.items:
                first = parent.items[key.value][0]
                self.problems.append(Problem(self.file, key.line, key.col, "",
                                             f"duplicate key '{key.value}' (first at line {first.line})"))
            else:
                parent.items[key.value] = (key, node)
            self.stack[-1] = (parent, None)

    def event(self, ev) -> None:
        mark = ev.start_mark
        if isinstance(ev, yaml.AliasEvent):
            self.problem(mark, f"YAML aliases (*{ev.anchor}) are not allowed in a pack")
            self.add(Scalar(mark.line + 1, mark.column + 1, "", False))
            return
        if getattr(ev, "anchor", None) is not None:
            self.problem(mark, f"YAML anchors (&{ev.anchor}) are not allowed in a pack")
        tag = getattr(ev, "tag", None)
        if tag is not None:
            self.problem(mark, f"YAML tags ({tag}) are not allowed in a pack")
        if isinstance(ev, yaml.ScalarEvent):
            plain = ev.style in (None, "")
            self.add(Scalar(mark.line + 1, mark.column + 1, ev.value, plain))
        elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            kind = Seq if isinstance(ev, yaml.SequenceStartEvent) else Map
            self.stack.append((kind(mark.line + 1, mark.column + 1), None))
        elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, _ = self.stack.pop()
            self.add(node)
        elif isinstance(ev, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents == 2:
                self.problem(mark, "a pack file holds one YAML document; found a second '---'")


def parse(text: str, file: str) -> tuple[Node | None, list[Problem]]:
    """Parse `text` into a node tree; on any problem the tree may be partial or None."""
    builder = _Builder(file)
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            builder.event(ev)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x) or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return None, builder.problems + [Problem(file, line, col, "", f"invalid YAML: {message}")]
    except yaml.YAMLError as exc:
        return None, builder.problems + [Problem(file, 0, 0, "", f"invalid YAML: {exc}")]
    return builder.root, builder.problems
