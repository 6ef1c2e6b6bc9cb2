"""Helper for test_store: append answers to a state database, printing each committed count.

Usage: python store_writer.py DB_PATH PACK COUNT TAG   (COUNT 0 means until killed)
Exits 3 if the store is not persistent, so the parent never trusts counts kept in memory.
"""

import sys
from pathlib import Path

from guided_reader.core.store import Store

path, pack, count, tag = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
store = Store.open(path)
n = 0
while count == 0 or n < count:
    store.add_answer(pack, "s", tag, f"{tag}-{n}")
    if not store.persistent:
        print(store.take_notices(), file=sys.stderr)
        sys.exit(3)
    n += 1
    print(n, flush=True)
store.close()
