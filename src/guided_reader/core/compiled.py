"""The compiled-pack cache: a validated pack and its spotted terms, kept as JSON.

A large pack takes seconds to parse and validate, and its glossary index as long again to
build; the reader needs neither before its first screen if it finds them compiled. The
cache file is keyed by a hash of every file in the pack folder and the program's version,
and holds plain JSON (never pickle). It is only ever a copy: a file that is corrupt, stale,
unreadable or of another shape is ignored and rebuilt, and one that cannot be written is
simply not written.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import types
import typing
from pathlib import Path

from guided_reader import __version__
from guided_reader.core import model, paths
from guided_reader.core.model import Pack

SHAPE = 1  # bump when the JSON layout changes


HASH_LIMIT = 64 * 1024 * 1024  # a folder holding more than this is not cached (nor a valid pack)


def pack_key(root: Path) -> str | None:
    """A hash of the pack folder's regular files (names and bytes) and the program's version;
    None when the folder holds too much to be worth hashing."""
    digest = hashlib.blake2b(f"{__version__}:{SHAPE}".encode(), digest_size=20)
    files = sorted(p for p in Path(root).iterdir() if p.is_file())
    if sum(p.stat().st_size for p in files) > HASH_LIMIT:
        return None
    for path in files:
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def encode(value):
    """Plain JSON data for a model value: dataclasses by field, tuples as lists."""
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_") and f.name != "root"}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    return value


def decode(kind, data):
    """The model value of type `kind` from `encode`'s output; ValueError if it does not fit."""
    return _decoder(kind)(data)


@functools.lru_cache(maxsize=None)
def _decoder(kind):
    """A function turning JSON data into a value of type `kind`, worked out once per type:
    asking `typing` about the type on every value was most of the time spent reading the cache."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(t for t in typing.get_args(kind) if t is not type(None)))
        optional = type(None) in typing.get_args(kind)
        return lambda data: None if data is None and optional else inner(data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(map(item, _list(data, kind)))
        items = [_decoder(t) for t in args]
        return lambda data: tuple(f(x) for f, x in zip(items, _list(data, kind), strict=True))
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind, vars(model))
        names = frozenset(f.name for f in dataclasses.fields(kind)
                          if f.init and not f.name.startswith("_") and f.name != "root")
        fields = [(name, _decoder(hints[name])) for name in names]
        root = "root" in hints

        def build(data):
            if not isinstance(data, dict):
                raise ValueError(f"expected an object for {kind.__name__}")
            if data.keys() != names:
                raise ValueError(f"{kind.__name__} fields differ")
            values = {name: f(data[name]) for name, f in fields}
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
        fields = data["pack"]
        spots = data["spots"]
        pack = decode(Pack, {**fields, "spots": None})
        if len(spots) != len(pack.paragraphs):
            return None
        ids = {e.id for e in pack.glossary}
        checked = []
        for para, text in zip(spots, pack.paragraphs):
            row = []
            for start, end, entry in para:
                if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text) and entry in ids):
                    return None
                row.append((start, end, entry))
            checked.append(tuple(row))
        return dataclasses.replace(pack, root=root, spots=tuple(checked))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, StopIteration, RecursionError):
        return None


def _write(file: Path, pack: Pack) -> None:
    fields = encode(pack)
    spots = fields.pop("spots")
    text = json.dumps({"shape": SHAPE, "version": __version__, "pack": fields, "spots": spots},
                      ensure_ascii=False, separators=(",", ":"))
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
        key = pack_key(root)
    except OSError:
        key = None
    if key is None:
        return compile_pack(root)
    file = paths.cache_dir() / f"pack-{key}.json"
    pack = _read(file, root)
    if pack is None:
        pack = compile_pack(root)
        _write(file, pack)
    return pack
