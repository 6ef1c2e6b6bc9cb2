"""The headless core: pack model, loading and validation, glossary, guide, state store.

Imports only the standard library, PyYAML and platformdirs; never Textual or Rich.
"""
