"""The compiled-pack cache: a validated pack and its spotted terms, kept as JSON.

A large pack takes seconds to parse and validate, and its glossary index as long again to
build; the reader needs neither before its first screen if it finds them compiled. The
cache file is keyed by a hash of every file in the pack folder and the program's version,
and holds plain JSON (never pickle). It is only ever a copy: a file that is corrupt, stale,
unreadable or of another shape is ignored and rebuilt, and one that cannot be written is
simply not written.

Reading it is on the start-up path of a large pack, so the layout is made to be checked fast:
a run of records (the glossary, a section's prompts) is kept as columns, one list per field,
so that a column of 10,000 names is checked by one C-level pass instead of 10,000 calls; and
each paragraph's spots are one flat list of numbers (start, end, entry number, ...) whose
ranges are checked with min and max.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
import types
import typing
from itertools import chain
from pathlib import Path

from guided_reader import __version__
from guided_reader.core import model, paths
from guided_reader.core.model import Pack

SHAPE = 2  # bump when the JSON layout changes


HASH_LIMIT = 64 * 1024 * 1024  # a folder holding more than this is not cached (nor a valid pack)


KEYS_FILE = "folders.json"  # in the cache folder: the last key of each pack folder, by its files' stat
SETTLED_NS = 2_000_000_000  # a file changed less than this before it was hashed is hashed again
KEPT_FOLDERS = 32


def pack_key(root: Path) -> str | None:
    """A hash of the pack folder's regular files (names and bytes) and the program's version;
    None when the folder holds too much to be worth hashing (see `_fingerprint`)."""
    return _fingerprint(Path(root))[0]


def _fingerprint(root: Path) -> tuple[str | None, dict | None]:
    """The pack key, and what to remember of it once the pack has loaded (None if nothing new).

    Hashing a large pack reads every byte of it on every start. As git does for its index, the
    key is remembered with each file's size, modification time and inode, and given again
    without reading the files while none of those has changed and every file had been left
    alone for SETTLED_NS before it was hashed (a file written in the same instant as the hash
    could change again unseen)."""
    files = sorted(p for p in root.iterdir() if p.is_file())
    stats = [p.stat() for p in files]
    if sum(st.st_size for st in stats) > HASH_LIMIT:
        return None, None
    seen = _signature(files, stats)
    shape = f"{__version__}:{SHAPE}"
    known = _known_keys().get(str(root.resolve()))
    if (isinstance(known, dict) and known.get("files") == seen and known.get("shape") == shape
            and isinstance(known.get("key"), str) and isinstance(known.get("at"), int)
            and all(st.st_mtime_ns < known["at"] - SETTLED_NS for st in stats)):
        return known["key"], None
    at = time.time_ns()
    digest = hashlib.sha256(shape.encode())  # the fastest here (OpenSSL)
    for path in files:
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    key = digest.hexdigest()
    unchanged = _signature(files, [p.stat() for p in files]) == seen  # not changed while being read
    return key, ({"files": seen, "shape": shape, "key": key, "at": at} if unchanged else None)


def _signature(files: list[Path], stats: list[os.stat_result]) -> list[list]:
    """What is remembered of each file beside the key: its name, size, mtime_ns and inode."""
    return [[p.name, st.st_size, st.st_mtime_ns, st.st_ino] for p, st in zip(files, stats)]


def _remember(root: Path, record: dict) -> None:
    keys = _known_keys()
    keys[str(root.resolve())] = record
    newest = sorted(keys.items(), key=lambda kv: kv[1].get("at", 0) if isinstance(kv[1], dict) else 0)
    _write_text(paths.cache_dir() / KEYS_FILE, json.dumps(dict(newest[-KEPT_FOLDERS:])))


def _known_keys() -> dict:
    try:
        keys = json.loads((paths.cache_dir() / KEYS_FILE).read_bytes())
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def encode(value):
    """Plain JSON data for a model value (see `_encoder`)."""
    return _encoder(type(value))(value)


def decode(kind, data):
    """The model value of type `kind` from `encode`'s output; ValueError if it does not fit."""
    return _decoder(kind)(data)


def _fields(kind) -> list[tuple[str, object]]:
    """A dataclass's stored fields, in order, with their types: all but `root` and the private ones."""
    hints = typing.get_type_hints(kind, vars(model))
    return [(f.name, hints[f.name]) for f in dataclasses.fields(kind)
            if f.init and not f.name.startswith("_") and f.name != "root"]


def _optional(kind):
    """(inner type, True) for `X | None`, else (kind, False)."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = typing.get_args(kind)
        return next(t for t in args if t is not type(None)), type(None) in args
    return kind, False


def _records(kind) -> bool:
    """Is `kind` a `tuple[SomeDataclass, ...]`: kept as columns, one JSON list per field."""
    args = typing.get_args(kind)
    return (typing.get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis
            and dataclasses.is_dataclass(args[0]))


@functools.lru_cache(maxsize=None)
def _encoder(kind):
    """A function turning a value of type `kind` into JSON data: a dataclass as an object by
    field, a run of dataclasses as columns, other tuples as lists."""
    inner, optional = _optional(kind)
    if optional:
        encode_inner = _encoder(inner)
        return lambda value: None if value is None else encode_inner(value)
    if _records(kind):
        fields = [(name, _encoder(hint)) for name, hint in _fields(typing.get_args(kind)[0])]
        return lambda values: {name: [f(getattr(v, name)) for v in values] for name, f in fields}
    if typing.get_origin(kind) is tuple:
        return lambda values: [encode(v) for v in values]
    if dataclasses.is_dataclass(kind):
        fields = [(name, _encoder(hint)) for name, hint in _fields(kind)]
        return lambda value: {name: f(getattr(value, name)) for name, f in fields}
    return lambda value: value


@functools.lru_cache(maxsize=None)
def _decoder(kind):
    """A function turning JSON data into a value of type `kind`, worked out once per type:
    asking `typing` about the type on every value was most of the time spent reading the cache."""
    inner, optional = _optional(kind)
    if optional:
        decode_inner = _decoder(inner)
        return lambda data: None if data is None else decode_inner(data)
    if _records(kind):
        return _columns_decoder(typing.get_args(kind)[0])
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            column = _column(args[0])
            return lambda data: tuple(column(_list(data, kind)))
        items = [_decoder(t) for t in args]
        return lambda data: tuple(f(x) for f, x in zip(items, _list(data, kind), strict=True))
    if dataclasses.is_dataclass(kind):
        fields = _fields(kind)
        names = frozenset(name for name, _ in fields)
        decoders = [(name, _decoder(hint)) for name, hint in fields]
        root = "root" in {f.name for f in dataclasses.fields(kind)}

        def build(data):
            if not isinstance(data, dict):
                raise ValueError(f"expected an object for {kind.__name__}")
            if data.keys() != names:
                raise ValueError(f"{kind.__name__} fields differ")
            values = {name: f(data[name]) for name, f in decoders}
            if root:
                values["root"] = Path()
            return kind(**values)
        return build
    if kind in (str, int, bool):
        def scalar(data):
            if type(data) is not kind:
                raise ValueError(f"expected {kind.__name__}, got {type(data).__name__}")
            return data
        return scalar
    raise ValueError(f"no JSON form for {kind}")


@functools.lru_cache(maxsize=None)
def _column(kind):
    """A function checking a JSON list of values of type `kind` in one pass and returning them
    decoded: a column of 10,000 names is one pass in C (`set(map(type, ...))`), not 10,000 calls."""
    inner, optional = _optional(kind)
    if inner in (str, int, bool):
        allowed = {inner, type(None)} if optional else {inner}

        def scalars(column: list) -> list:
            if not set(map(type, column)) <= allowed:
                raise ValueError(f"expected a column of {kind}")
            return column
        return scalars
    args = typing.get_args(kind)
    if not optional and typing.get_origin(kind) is tuple and args[1:] == (Ellipsis,) and args[0] in (str, int):
        def runs(column: list) -> list:
            if not (set(map(type, column)) <= {list} and set(map(type, chain.from_iterable(column))) <= {args[0]}):
                raise ValueError(f"expected a column of {kind}")
            return list(map(tuple, column))
        return runs
    value = _decoder(kind)
    return lambda column: list(map(value, column))


def _columns_decoder(kind):
    """Columns (one equal-length list per field) to a tuple of `kind`, built field by position."""
    fields = _fields(kind)
    if len(fields) != len([f for f in dataclasses.fields(kind) if f.init]):
        raise ValueError(f"no column form for {kind.__name__}")
    names = frozenset(name for name, _ in fields)
    columns = [(name, _column(hint)) for name, hint in fields]

    def build(data):
        if not isinstance(data, dict) or data.keys() != names:
            raise ValueError(f"expected the columns of {kind.__name__}")
        values = [column(_list(data[name], kind)) for name, column in columns]
        if len({len(v) for v in values}) > 1:
            raise ValueError(f"the columns of {kind.__name__} differ in length")
        return tuple(map(kind, *values))
    return build


def _list(data, kind) -> list:
    if not isinstance(data, list):
        raise ValueError(f"expected a list for {kind}")
    return data


def compile_pack(root: Path) -> Pack:
    """Load and validate the pack (PackError on problems) and spot every paragraph's terms."""
    from guided_reader.core.glossary import GlossaryIndex
    from guided_reader.core.loader import load_pack  # YAML and the checker: only when compiling

    pack = load_pack(root)
    index = GlossaryIndex(pack.glossary)
    spots = tuple(tuple((s.start, s.end, s.entry_id) for s in index.spot(text)) for text in pack.paragraphs)
    return dataclasses.replace(pack, spots=spots, _index=index)


def _read(file: Path, root: Path) -> Pack | None:
    try:
        data = json.loads(file.read_bytes())
        if data.get("shape") != SHAPE or data.get("version") != __version__:
            return None
        pack = decode(Pack, {**data["pack"], "spots": None})
        spots = _list(data["spots"], "spots")
        if len(spots) != len(pack.paragraphs):
            return None
        ids = [e.id for e in pack.glossary]
        checked = []
        for row, text in zip(spots, pack.paragraphs):  # [start, end, entry number, start, ...]
            if type(row) is not list or len(row) % 3 or not set(map(type, row)) <= {int}:
                return None
            starts, ends, entries = row[0::3], row[1::3], row[2::3]
            if row and not (min(starts) >= 0 and max(ends) <= len(text) and all(map(int.__lt__, starts, ends))
                            and min(entries) >= 0 and max(entries) < len(ids)):
                return None
            checked.append(tuple(zip(starts, ends, map(ids.__getitem__, entries))))
        return dataclasses.replace(pack, root=root, spots=tuple(checked))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, StopIteration, RecursionError):
        return None


def _write(file: Path, pack: Pack) -> None:
    fields = encode(pack)
    del fields["spots"]
    number = {e.id: k for k, e in enumerate(pack.glossary)}
    spots = [[x for start, end, entry in row for x in (start, end, number[entry])] for row in pack.spots]
    text = json.dumps({"shape": SHAPE, "version": __version__, "pack": fields, "spots": spots},
                      ensure_ascii=False, separators=(",", ":"))
    _write_text(file, text)


def _write_text(file: Path, text: str) -> None:
    """Write `text` to `file` whole or not at all (a cache that cannot be written is only
    slower next time)."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a cache that cannot be written is only slower next time


def load_compiled(root: Path, use_cache: bool = True) -> Pack:
    """The pack in `root` with its terms spotted: from the cache when it is current."""
    root = Path(root)
    if not use_cache or not root.is_dir():
        return compile_pack(root)
    try:
        key, record = _fingerprint(root)
    except OSError:
        key = record = None
    if key is None:
        return compile_pack(root)
    file = paths.cache_dir() / f"pack-{key}.json"
    pack = _read(file, root)
    if pack is None:
        pack = compile_pack(root)
        _write(file, pack)
    if record is not None:  # only for a pack that loaded: a bad pack leaves nothing behind
        _remember(root, record)
    return pack
