"""Helpers for asserting on wrapped line output."""

from __future__ import annotations


def flat(text: str) -> str:
    """Output with wrapping undone, so tests can look for whole sentences."""
    return " ".join(text.split())


def in_order(text: str, *parts: str) -> None:
    """Assert that `parts` occur in `text` in this order."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at}"
        at = found + len(part)
