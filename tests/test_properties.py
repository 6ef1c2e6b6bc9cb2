"""Properties that must hold for any input at all (hypothesis).

- The loader raises only PackError, whatever bytes any of the four pack files hold.
- Lookup and the guide accept any string, in any state the guide can reach, without raising,
  and the state they return is always a state the pack can show.
- The state store gives back whatever it was given (lone surrogates become U+FFFD).
- The journal built from a real session is inert Markdown whatever the reader typed.
"""

from __future__ import annotations

import functools
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guided_reader.core.ask import parse_question
from guided_reader.core.glossary import GlossaryIndex, normalise
from guided_reader.core.guide import COMMANDS, Guide, GuideState
from guided_reader.core.journal import render_journal
from guided_reader.core.loader import load_pack
from guided_reader.core.paths import default_pack_dir
from guided_reader.core.problems import PackError
from guided_reader.core.session import Session
from guided_reader.core.store import Bookmark, Position, Store
from minipack import FILES, write_pack
from test_journal import CONTROLS, FORBIDDEN, headings, kinds

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOWER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every code point, lone surrogates included (st.text() leaves those out).
any_text = st.lists(st.integers(0, 0x10FFFF), max_size=40).map(lambda cps: "".join(map(chr, cps)))
yaml_bits = st.sampled_from(["-", ":", " ", "  ", "\n", "\t", "[", "]", "{", "}", ",", "&a", "*a", "!!",
                             "!!python/object:os.system", "? ", "|", ">", "'", '"', "#", "%YAML 1.1",
                             "---", "...", "id", "term", "1-2", "\\e", "\\x1b", "\ufeff", "\x00", "\r\n",
                             "\x1b[31m", "\u202e", "é", "null", "~", "yes", "9" * 20])
yaml_text = st.lists(st.one_of(yaml_bits, st.text(max_size=5)), max_size=60).map("".join)


@functools.lru_cache(maxsize=None)
def mini_pack():
    return load_pack(write_pack(Path(tempfile.mkdtemp(prefix="props-")) / "pack"))


@functools.lru_cache(maxsize=None)
def bundled():
    pack = load_pack(default_pack_dir())
    return pack, GlossaryIndex(pack.glossary)


# --- the loader -----------------------------------------------------------------------------

def edit(original: bytes, start: int, stop: int, insert: str) -> bytes:
    """`original` with a slice replaced: mostly-valid files reach the deeper checks."""
    start, stop = sorted((start % (len(original) + 1), stop % (len(original) + 1)))
    return original[:start] + insert.encode("utf-8", "surrogatepass") + original[stop:]


contents = st.one_of(
    st.binary(max_size=300),
    yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), yaml_text),
)


@SLOWER
@given(name=st.sampled_from(sorted(FILES)), content=contents, second=st.one_of(st.none(), contents),
       other=st.sampled_from(sorted(FILES)))
def test_the_loader_raises_only_pack_error(name, content, second, other):
    folder = write_pack(Path(tempfile.mkdtemp(prefix="fuzz-")) / "pack")
    for file, data in ((name, content), (other, second)):
        if data is None:
            continue
        if isinstance(data, tuple):
            data = edit((folder / file).read_bytes(), *data)
        (folder / file).write_bytes(data)
    try:
        pack = load_pack(folder)
    except PackError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
    else:
        assert pack.sections and pack.paragraphs


# --- lookup and the guide ---------------------------------------------------------------------

@FAST
@given(query=st.one_of(any_text, st.text(), yaml_text, st.text(min_size=1, max_size=3).map(lambda s: s * 2000)))
def test_lookup_accepts_any_string(query):
    pack, index = bundled()
    result = index.lookup(query)
    assert result.match is None or result.match in pack.glossary
    assert len(result.suggestions) <= 5
    index.spot(query)
    normalise(query)
    parse_question(query)


command_words = st.sampled_from(sorted(COMMANDS) + ["gO", "bookmarks", "nxt", ""])
reader_lines = st.one_of(
    any_text,
    st.text(max_size=30),
    st.sampled_from(["", " ", "1", "2", "3", "0", "1.", "?", "??", "?Thorez", "who was thorez?", "Duclos?",
                     "what does Cominform mean", "Paris", "moscow", "/go 2", "/go 0", "/go -1", "/go 99999999999999",
                     "/go ending", "/go the", "/", "//next", "/ next"]),
    st.builds(lambda c, arg: f"/{c} {arg}", command_words, st.text(max_size=20)),
)


def check_state(pack, state: GuideState) -> None:
    assert 0 <= state.section < len(pack.sections)
    section = pack.sections[state.section]
    assert state.prompt is None or state.prompt in {p.id for p in section.prompts}
    assert section.first <= state.paragraph <= section.last


@FAST
@given(lines=st.lists(reader_lines, max_size=25))
def test_the_guide_accepts_any_line_in_any_state_it_reaches(lines):
    pack = mini_pack()
    guide = Guide(pack)
    reply = guide.enter(GuideState(), 0)
    for line in lines:
        before = reply.state
        reply = guide.handle(before, line)
        check_state(pack, reply.state)
        assert all(isinstance(m.text, str) for m in reply.messages)
        assert guide.handle(before, line) == reply  # pure: same state and line, same reply


# --- the store --------------------------------------------------------------------------------

def stored(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


@SLOWER
@given(pack=any_text, section=any_text, prompt=any_text, answer=any_text, choice=st.one_of(st.none(), any_text),
       draft=any_text, done=st.lists(any_text, max_size=3), paragraph=st.integers(-(2 ** 63), 2 ** 63 - 1),
       label=any_text, query=any_text, key=any_text, value=any_text)
def test_the_store_round_trips_whatever_it_is_given(pack, section, prompt, answer, choice, draft, done, paragraph,
                                                    label, query, key, value):
    pack = f"{uuid.uuid4().hex}{pack}"  # every example starts from nothing saved
    with Store.open() as store:
        assert store.persistent
        store.save_position(pack, Position(section, paragraph, prompt, tuple(done), draft))
        store.add_answer(pack, section, prompt, answer, choice)
        store.add_bookmark(pack, section, paragraph, label)
        store.add_lookup(pack, prompt, query, section)
        store.set_setting(pack + key, value)
        store.mark_completed(pack, section)
    with Store.open() as store:
        saved = store.load(pack)
        assert store.get_setting(pack + key) == stored(value)
        assert stored(pack) in store.pack_ids() or pack != stored(pack)
    pos = saved.position
    assert (pos.section, pos.paragraph, pos.prompt, pos.done, pos.draft) == (
        stored(section), paragraph, stored(prompt), tuple(map(stored, done)), stored(draft))
    [a] = saved.answers
    assert (a.section, a.prompt, a.text, a.choice) == (stored(section), stored(prompt), stored(answer),
                                                        None if choice is None else stored(choice))
    assert saved.bookmarks[0] == Bookmark(stored(section), paragraph, stored(label), saved.bookmarks[0].at)
    assert (saved.lookups[0].entry, saved.lookups[0].query) == (stored(prompt), stored(query))
    assert saved.completed == (stored(section),)


# --- the journal ---------------------------------------------------------------------------------

@SLOWER
@given(lines=st.lists(st.one_of(any_text, st.text(max_size=60), reader_lines), min_size=1, max_size=8))
def test_the_journal_of_any_session_is_inert_markdown(lines):
    pack = replace(mini_pack(), id=uuid.uuid4().hex)  # every example starts from nothing saved
    session = Session(pack, Store.open())
    for line in lines:
        if line.strip() in ("/quit", "/journal"):
            continue
        session.send(line)
        session.send(line + "\n" + line)  # multi-line answers too
    markdown = render_journal(pack, session.saved())
    session.close()
    assert not CONTROLS.search(markdown)
    assert not kinds(markdown) & FORBIDDEN
    allowed = {"Reading journal: A Small Essay, by A. Writer", "Sections read", "Sections skipped", "Answers", "Bookmarks",
               "Terms looked up", "The opening", "The ending"}
    assert set(headings(markdown)) <= allowed, headings(markdown)
