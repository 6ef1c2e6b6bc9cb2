"""Keeping Python's cycle collector out of a section step.

What the reader builds and keeps (the pack, its widgets, the wrapped lines and drawn strips of
the sections visited) is long-lived. Left in the collector's oldest generation, it made every
full collection walk it again, and one landed in the middle of a repaint every few steps
(50-70 ms). So after start-up, and after each step once the screen shows it, what exists is
frozen out of the collector (`gc.freeze`): later collections look only at what came since.
Frozen objects are still freed as soon as nothing refers to them; only garbage in reference
cycles waits, until a full collection, made when a dialog closes and every FULL_EVERY steps,
each time after the screen has been painted.
"""

from __future__ import annotations

import gc

FULL_EVERY = 50  # steps between full collections


class Collector:
    def __init__(self) -> None:
        self.steps = 0

    def started(self) -> None:
        """After the first screen: the start-up's objects are frozen, the collector back on
        (the CLI turns it off while it starts)."""
        gc.freeze()
        gc.enable()

    def stepped(self) -> None:
        """After a step has been painted."""
        self.steps += 1
        if self.steps % FULL_EVERY == 0:
            self.full()
        else:
            gc.freeze()

    @staticmethod
    def full() -> None:
        """Collect everything once (dialogs closed leave cycles behind), then freeze again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
