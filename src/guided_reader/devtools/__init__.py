"""Tools for developers: the benchmark and the tests use them, the reader never does.

Nothing under `guided_reader.devtools` is imported when the reader runs (tests/test_layers.py
checks it); it lives in the package so that `scripts/bench.py` and the tests import it the
same way, installed or editable, without reaching into each other's folders.
"""
