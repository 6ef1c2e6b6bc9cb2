"""guided-reader: a chat-style guided reader for the terminal.

Kept light on purpose: importing the package (or its core) must not pull in Textual.
"""

__version__ = "0.1.0"
