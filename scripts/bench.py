"""Speed and memory of guided-reader: `python scripts/bench.py --help`.

The code is the package scripts/bench/ (this folder is first on sys.path when the script
runs, and a package wins over a module of the same name); this file only starts it.
"""

import sys

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
