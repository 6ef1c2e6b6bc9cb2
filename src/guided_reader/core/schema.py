"""Typed reads from a YAML node tree, collecting problems instead of stopping at the first.

Every accessor returns None when the value is unusable and records why, with the node's
line and column and the key path, so one run of `check` reports everything wrong at once.
"""

from __future__ import annotations

import difflib
import re

from guided_reader.core.problems import Problem
from guided_reader.core.safe import UNSAFE
from guided_reader.core.textfile import describe
from guided_reader.core.yamltree import Map, Node, Scalar, Seq

ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
NUMBER = "[0-9]{1,9}"  # ASCII digits only, and few enough that int() is cheap and safe
NUMBER_RE = re.compile(rf"{NUMBER}\Z")
RANGE_RE = re.compile(rf"[ \t]*({NUMBER})[ \t]*(?:-[ \t]*({NUMBER})[ \t]*)?\Z")


def did_you_mean(word: str, choices) -> str:
    """"; did you mean 'x'?" for the closest of `choices`, or "" when none is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _kind(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "nothing" if isinstance(node, Scalar) and node.is_null else "text"


class Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, node: Node | None, path: str, message: str) -> None:
        line, col = (node.line, node.col) if node is not None else (0, 0)
        self.problems.append(Problem(self.file, line, col, path, message))

    def mapping(self, node: Node, path: str, required: tuple[str, ...],
                optional: tuple[str, ...] = ()) -> dict[str, Node] | None:
        """The mapping's values by key; unknown keys and missing required keys are problems."""
        if not isinstance(node, Map):
            self.add(node, path, f"expected a mapping, found {_kind(node)}")
            return None
        allowed = required + optional
        found: dict[str, Node] = {}
        for key, (key_node, value) in node.items.items():
            if key in allowed:
                found[key] = value
                continue
            hint = did_you_mean(key, allowed) or f"; allowed keys: {', '.join(allowed)}"
            self.add(key_node, _join(path, key), f"unknown key '{key}'{hint}")
        for key in required:
            if key not in found:
                self.add(node, path, f"missing required key '{key}'")
        return found

    def seq(self, node: Node, path: str, allow_empty: bool = False) -> list[Node] | None:
        if isinstance(node, Scalar) and node.is_null and allow_empty:
            return []
        if not isinstance(node, Seq):
            self.add(node, path, f"expected a list, found {_kind(node)}")
            return None
        if not node.items and not allow_empty:
            self.add(node, path, "must not be an empty list")
            return None
        return node.items

    def items(self, keys: dict[str, Node], key: str, path: str) -> list[Node]:
        """The items of the optional list `keys[key]`: [] when it is absent, empty or null."""
        return (self.seq(keys[key], _join(path, key), allow_empty=True) or []) if key in keys else []

    def text(self, node: Node, path: str) -> str | None:
        if not isinstance(node, Scalar) or node.is_null:
            self.add(node, path, f"expected text, found {_kind(node)}")
            return None
        value = node.value.strip()
        if not value:
            self.add(node, path, "must not be empty")
            return None
        unsafe = UNSAFE.search(value)  # written as a YAML escape ("\e", "\x9b"), so not in the file
        if unsafe:
            self.add(node, path, f"{describe(unsafe.group())} is not allowed in a pack")
            return None
        return value

    def texts(self, node: Node, path: str) -> tuple[str, ...]:
        items = self.seq(node, path, allow_empty=True) or []
        values = (self.text(item, f"{path}[{i}]") for i, item in enumerate(items))
        return tuple(v for v in values if v is not None)

    def ident(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not ID_RE.match(value):
            self.add(node, path, f"'{value}' is not a valid id: use lowercase letters, digits, '-' and '_'")
            return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if isinstance(node, Scalar) and node.plain and node.value in ("true", "false"):
            return node.value == "true"
        self.add(node, path, "expected true or false")
        return None

    def integer(self, node: Node, path: str) -> int | None:
        if isinstance(node, Scalar) and node.plain and NUMBER_RE.match(node.value):
            return int(node.value)
        self.add(node, path, "expected a whole number")
        return None

    def span(self, node: Node, path: str) -> tuple[int, int] | None:
        """A paragraph range: `4-6` (inclusive) or a single number."""
        match = RANGE_RE.match(node.value) if isinstance(node, Scalar) else None
        if match is None:
            self.add(node, path, "expected a paragraph range such as 4-6, or one number")
            return None
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            self.add(node, path, f"'{node.value}' is not a range from a lower to a higher paragraph")
            return None
        return first, last


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
