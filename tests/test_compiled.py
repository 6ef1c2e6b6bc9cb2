"""The compiled-pack cache: used when current, rebuilt when stale, never trusted when wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guided_reader.core import paths
from guided_reader.core.compiled import KEYS_FILE, SETTLED_NS, decode, encode, load_compiled, pack_key
from guided_reader.core.glossary import GlossaryIndex
from guided_reader.core.loader import load_pack
from guided_reader.core.model import Pack
from minipack import ESSAY, write_pack


def cached_files():
    folder = paths.cache_dir()
    return sorted(folder.glob("pack-*.json")) if folder.is_dir() else []


def spotted(pack):
    index = GlossaryIndex(pack.glossary)
    return tuple(tuple((s.start, s.end, s.entry_id) for s in index.spot(t)) for t in pack.paragraphs)


def test_the_bundled_pack_survives_the_round_trip():
    pack = load_pack(paths.default_pack_dir())
    data = json.loads(json.dumps(encode(pack)))
    assert decode(Pack, {**data, "spots": None}).__class__ is Pack
    again = decode(Pack, {**data, "spots": None})
    assert again.sections == pack.sections and again.glossary == pack.glossary
    assert again.paragraphs == pack.paragraphs and again.about == pack.about


def test_a_second_load_comes_from_the_cache_and_equals_the_first(tmp_path, monkeypatch):
    folder = write_pack(tmp_path / "pack")
    first = load_compiled(folder)
    [file] = cached_files()
    assert first.spots == spotted(first)

    def no_yaml(*args):
        raise AssertionError("the pack was parsed again")

    monkeypatch.setattr("guided_reader.core.loader.load_pack", no_yaml)  # compiled imports it when compiling
    second = load_compiled(folder)
    assert second.sections == first.sections and second.glossary == first.glossary
    assert second.spots == first.spots and second.root == folder
    assert cached_files() == [file]


def test_an_edited_pack_is_compiled_again(tmp_path):
    folder = write_pack(tmp_path / "pack")
    load_compiled(folder)
    (folder / "essay.txt").write_text(ESSAY.replace("Bucharest", "Belgrade"), encoding="utf-8")
    pack = load_compiled(folder)
    assert "Belgrade" in pack.paragraph(1)
    assert len(cached_files()) == 2


def glossary_column(d, name, column):
    return {**d, "pack": {**d["pack"], "glossary": {**d["pack"]["glossary"], name: column}}}


def first_spots(d, row):
    return {**d, "spots": [row] + d["spots"][1:]}


@pytest.mark.parametrize("damage", [
    lambda d: "not json at all {",
    lambda d: json.dumps({**d, "shape": 999}),
    lambda d: json.dumps({**d, "version": "0.0.0-other"}),
    lambda d: json.dumps({**d, "spots": d["spots"][:-1]}),  # one paragraph short
    lambda d: json.dumps(first_spots(d, [0, 10_000, 0])),  # past the text
    lambda d: json.dumps(first_spots(d, [-1, 3, 0])),  # before it
    lambda d: json.dumps(first_spots(d, [5, 3, 0])),  # ends before it starts
    lambda d: json.dumps(first_spots(d, [0, 3, 999_999])),  # no such entry
    lambda d: json.dumps(first_spots(d, [0, 3, "cominform"])),  # an id where a number belongs
    lambda d: json.dumps(first_spots(d, [0, 3])),  # a span cut short
    lambda d: json.dumps(first_spots(d, [0, True, 0])),
    lambda d: json.dumps({**d, "pack": {**d["pack"], "glossary": "oops"}}),
    lambda d: json.dumps(glossary_column(d, "term", d["pack"]["glossary"]["term"][:-1])),  # one term short
    lambda d: json.dumps(glossary_column(d, "term", [1] + d["pack"]["glossary"]["term"][1:])),
    lambda d: json.dumps(glossary_column(d, "aliases", [["x", 2]] + d["pack"]["glossary"]["aliases"][1:])),
    lambda d: json.dumps(glossary_column(d, "dates", [[]] + d["pack"]["glossary"]["dates"][1:])),
    lambda d: json.dumps(glossary_column(d, "extra", [])),
    lambda d: json.dumps({**d, "pack": {**d["pack"], "extra": 1}}),
    lambda d: json.dumps({**d, "pack": {k: v for k, v in d["pack"].items() if k != "title"}}),
    lambda d: json.dumps([1, 2, 3]),
], ids=["garbage", "shape", "version", "short", "past-the-text", "before-the-text", "backwards", "unknown-entry",
        "id-not-number", "cut-short", "bool", "wrong-type", "short-column", "wrong-type-in-column",
        "wrong-type-in-run", "list-for-optional", "extra-column", "extra-key", "missing-key", "not-an-object"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, damage):
    folder = write_pack(tmp_path / "pack")
    good = load_compiled(folder)
    [file] = cached_files()
    before = file.read_text(encoding="utf-8")
    file.write_text(damage(json.loads(before)), encoding="utf-8")
    again = load_compiled(folder)
    assert again.sections == good.sections and again.glossary == good.glossary
    assert again.spots == good.spots
    assert file.read_text(encoding="utf-8") == before  # rebuilt as it was


def test_a_cache_folder_that_is_a_file_only_costs_time(tmp_path):
    folder = write_pack(tmp_path / "pack")
    paths.cache_dir().parent.mkdir(parents=True)
    paths.cache_dir().write_text("in the way", encoding="utf-8")
    assert load_compiled(folder).spots == spotted(load_pack(folder))


def test_no_cache_reads_the_files_and_writes_no_copy(tmp_path):
    folder = write_pack(tmp_path / "pack")
    run = [sys.executable, "-m", "guided_reader", str(folder), "--plain"]
    subprocess.run(run + ["--no-cache"], input="/quit\n", text=True, capture_output=True, timeout=60, check=True)
    assert cached_files() == []
    subprocess.run(run, input="/quit\n", text=True, capture_output=True, timeout=60, check=True)
    assert len(cached_files()) == 1


def settle(folder, seconds: float = 60) -> None:
    """Date the pack's files `seconds` back, as files left alone since then."""
    for path in folder.iterdir():
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def test_a_settled_pack_is_not_read_again_to_find_its_key(tmp_path, monkeypatch):
    """compiled._fingerprint: the key of files unchanged since they were hashed is remembered,
    so a large pack's start does not read every byte of it again."""
    folder = write_pack(tmp_path / "pack")
    settle(folder)
    first = load_compiled(folder)
    key = pack_key(folder)
    assert (paths.cache_dir() / KEYS_FILE).is_file()
    read_bytes = Path.read_bytes

    def no_pack_reads(path):
        assert path.parent != folder, f"{path.name} was read again"
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", no_pack_reads)
    again = load_compiled(folder)
    assert pack_key(folder) == key and again.paragraphs == first.paragraphs


def test_a_pack_changed_in_place_gets_a_new_key(tmp_path):
    """An edit that keeps the file's size is seen by its time, and a file changed just before it
    was hashed is hashed again every time until it has settled."""
    folder = write_pack(tmp_path / "pack")
    settle(folder)
    load_compiled(folder)
    essay = folder / "essay.txt"
    text = essay.read_text(encoding="utf-8")
    essay.write_text(text.replace("Bucharest", "Bukarest"), encoding="utf-8")  # same length
    assert "Bukarest" in load_compiled(folder).paragraph(1)
    known = json.loads((paths.cache_dir() / KEYS_FILE).read_text())[str(folder.resolve())]
    assert essay.stat().st_mtime_ns >= known["at"] - SETTLED_NS  # too fresh to be trusted
    with essay.open("r+b") as handle:  # same size, and the time put back as it was
        stamp = essay.stat()
        changed = handle.read().replace(b"Bukarest", b"Bucurest")
        handle.seek(0)
        handle.write(changed)
    os.utime(essay, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert "Bucurest" in load_compiled(folder).paragraph(1)


@pytest.mark.parametrize("damage", ["not json", "[]", '{"x": 1}', "{}"])
def test_a_damaged_list_of_keys_is_ignored(tmp_path, damage):
    folder = write_pack(tmp_path / "pack")
    settle(folder)
    key = pack_key(folder)
    load_compiled(folder)
    (paths.cache_dir() / KEYS_FILE).write_text(damage.replace("x", str(folder.resolve())), encoding="utf-8")
    assert pack_key(folder) == key and load_compiled(folder).paragraphs


def test_a_pack_that_does_not_load_leaves_no_key_behind(tmp_path):
    folder = write_pack(tmp_path / "pack")
    (folder / "sections.yaml").write_text("sections: [", encoding="utf-8")
    with pytest.raises(Exception):
        load_compiled(folder)
    assert not (paths.cache_dir() / KEYS_FILE).exists()
