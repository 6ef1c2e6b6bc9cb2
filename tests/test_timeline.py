"""The timeline: timeline.yaml checked rule by rule, and shown by the CLI, plain mode, the guide,
the journal and the TUI screen."""

from __future__ import annotations

import io
import json
import re

import pytest

from guided_reader.cli import main
from guided_reader.core import paths
from guided_reader.core.guide import Guide, GuideState
from guided_reader.core.journal import render_journal
from guided_reader.core.loader import load_pack
from guided_reader.core.messages import Request
from guided_reader.core.problems import PackError
from guided_reader.core.store import Saved
from guided_reader.core.timeline import when
from guided_reader.plain import run_plain
from guided_reader.tui.timeline_screen import TimelineScreen
from minipack import write_pack
from text_helpers import flat, in_order
from tui_helpers import app_for, type_line, until, until_bubble, until_shown

TIMELINE = """\
# comments are fine
- date: 1947-09
  title: The bureau is founded
  note: Nine parties.
  entries: [cominform]
  paragraphs: [1]
- date: 1956-02-14
  end: 1956-02-25
  title: The congress in Moscow
  entries: [khrushchev]
  paragraphs: [2]
  essay_says: February 24
- date: 1956-06-28
  title: The riots
  entries: [poznan, cominform]
  paragraphs: [3, 4]
"""


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture
def pack_dir(tmp_path):
    folder = write_pack(tmp_path / "pack")
    (folder / "timeline.yaml").write_text(TIMELINE, encoding="utf-8")
    return folder


def problems(folder, text):
    (folder / "timeline.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(folder)
    return [str(p) for p in info.value.problems]


CASES = [
    ("impossible-date", sub(TIMELINE, "date: 1956-06-28", "date: 1956-02-30"),
     "timeline.yaml:13:9: timeline[2].date", "'1956-02-30' is not a date that exists"),
    ("not-a-date", sub(TIMELINE, "date: 1947-09", "date: Sept 1947"),
     "timeline.yaml:2:9: timeline[0].date", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("month-13", sub(TIMELINE, "date: 1947-09", "date: 1947-13"), "timeline.yaml:2:9", "not a date that exists"),
    ("end-before-date", sub(TIMELINE, "end: 1956-02-25", "end: 1956-01"),
     "timeline.yaml:8:8: timeline[1].end", "before the event's date"),
    ("unknown-entry", sub(TIMELINE, "entries: [khrushchev]", "entries: [khrushchov]"),
     "timeline.yaml:10:13: timeline[1].entries[0]", "did you mean 'khrushchev'?"),
    ("paragraph-out-of-range", sub(TIMELINE, "paragraphs: [3, 4]", "paragraphs: [3, 5]"),
     "timeline.yaml:16:19: timeline[2].paragraphs[1]", "there is no paragraph 5: the essay has 4"),
    ("paragraph-zero", sub(TIMELINE, "paragraphs: [1]", "paragraphs: [0]"), "timeline.yaml:6:16", "no paragraph 0"),
    ("paragraph-not-a-number", sub(TIMELINE, "paragraphs: [1]", "paragraphs: [one]"),
     "timeline.yaml:6:16", "expected a whole number"),
    ("duplicate-event", TIMELINE + "- date: 1956-06-28\n  title: The Riots\n  entries: []\n  paragraphs: []\n",
     "timeline.yaml:17:3: timeline[3]", "duplicate event: 'The Riots' on 1956-06-28 is also item 2"),
    ("unknown-key", sub(TIMELINE, "  essay_says:", "  essay_said:"),
     "timeline.yaml:12:3: timeline[1].essay_said", "did you mean 'essay_says'?"),
    ("missing-title", sub(TIMELINE, "  title: The riots\n", ""), "timeline.yaml:13:3: timeline[2]",
     "missing required key 'title'"),
    ("not-a-list", "date: 1956\n", "timeline.yaml:1:1: timeline", "expected a list"),
    ("yaml-error", sub(TIMELINE, "title: The riots", 'title: "The riots'), "timeline.yaml:", "invalid YAML"),
]


@pytest.mark.parametrize("case,text,where,words", CASES, ids=[c[0] for c in CASES])
def test_each_timeline_rule_is_reported_with_file_and_line(pack_dir, case, text, where, words):
    messages = problems(pack_dir, text)
    assert any(m.startswith(where) and words in m for m in messages), messages


def test_events_out_of_order_are_a_warning_and_check_still_passes(pack_dir, capsys):
    text = TIMELINE + "- date: '1950'\n  title: Late in the file\n  entries: []\n  paragraphs: [2]\n"
    (pack_dir / "timeline.yaml").write_text(text, encoding="utf-8")
    pack = load_pack(pack_dir)
    assert [e.title for e in pack.timeline] == ["The bureau is founded", "Late in the file",
                                                "The congress in Moscow", "The riots"]
    assert main(["check", str(pack_dir)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "timeline   4 events" in out
    assert "warning: timeline.yaml:17:9: timeline[3].date: 1950 comes before the previous event's 1956-06-28" in out


@pytest.mark.parametrize("text", ["", "# only a comment\n", "[]\n"])
def test_an_empty_timeline_is_valid(pack_dir, text, capsys):
    (pack_dir / "timeline.yaml").write_text(text, encoding="utf-8")
    assert load_pack(pack_dir).timeline == ()
    assert main(["timeline", str(pack_dir)]) == 1
    assert "has no timeline" in capsys.readouterr().out


def test_a_pack_without_timeline_file_loads(tmp_path):
    assert load_pack(write_pack(tmp_path / "pack")).timeline == ()


def test_json_shape_and_date_order(pack_dir, capsys):
    shuffled = TIMELINE.split("- date:")
    (pack_dir / "timeline.yaml").write_text("- date:".join([shuffled[0], shuffled[3], shuffled[1], shuffled[2]]),
                                            encoding="utf-8")
    assert main(["timeline", str(pack_dir), "--json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["date"] for e in events] == ["1947-09", "1956-02-14", "1956-06-28"]
    assert events[1] == {"date": "1956-02-14", "end": "1956-02-25", "title": "The congress in Moscow", "note": None,
                         "entries": ["khrushchev"], "paragraphs": [2], "essay_says": "February 24"}


def test_cli_prints_one_event_a_line(pack_dir, capsys):
    assert main(["timeline", str(pack_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["September 1947: The bureau is founded (paragraph 1)",
                     "14-25 February 1956: The congress in Moscow (paragraph 2; the essay says: February 24)",
                     "28 June 1956: The riots (paragraphs 3, 4)"]


def test_cli_on_a_broken_timeline_is_exit_2(pack_dir, capsys):
    (pack_dir / "timeline.yaml").write_text(sub(TIMELINE, "1956-06-28", "1956-06-31"), encoding="utf-8")
    assert main(["timeline", str(pack_dir)]) == 2
    err = capsys.readouterr().err
    assert "timeline.yaml:13:9" in err and "Traceback" not in err


def test_pack_text_is_printed_without_escapes(pack_dir, capsys):
    (pack_dir / "timeline.yaml").write_text(sub(TIMELINE, "title: The riots", 'title: "Ri\\e[31mots [bold]"'),
                                            encoding="utf-8")
    with pytest.raises(PackError):  # refused by check in the first place
        load_pack(pack_dir)
    (pack_dir / "timeline.yaml").write_text(sub(TIMELINE, "title: The riots", "title: Riots [bold] x[/]y"),
                                            encoding="utf-8")
    assert main(["timeline", str(pack_dir)]) == 0
    assert "28 June 1956: Riots [bold] x[/]y (paragraphs 3, 4)" in capsys.readouterr().out


@pytest.mark.parametrize("date,end,words", [("1919", None, "1919"), ("1935-07", None, "July 1935"),
                                            ("1956-02-14", "1956-02-25", "14-25 February 1956"),
                                            ("1956-01-20", "1956-02-14", "20 January - 14 February 1956"),
                                            ("1920-07-31", "1920-08-01", "31 July - 1 August 1920"),
                                            ("1955-11", "1956-02", "November 1955 - February 1956")])
def test_dates_in_words(date, end, words):
    from guided_reader.core.model import Event

    assert when(Event(date, "t", end)) == words


def test_guide_timeline_lists_events_and_asks_for_the_screen(pack_dir):
    pack = load_pack(pack_dir)
    guide = Guide(pack)
    reply = guide.command(GuideState(section=1), "timeline")
    assert Request("timeline") in reply.events
    listing = reply.messages[0]
    assert listing.kind == "listing" and "mentioned in this section" in listing.title
    in_order(listing.text, "1947", "  September 1947: The bureau is founded", "February 1956",
             "The essay says: February 24", "* 28 June 1956: The riots")


def test_guide_without_timeline_says_so(tmp_path):
    reply = Guide(load_pack(write_pack(tmp_path / "pack"))).command(GuideState(), "timeline")
    assert reply.events == () and "no timeline" in reply.messages[0].text


def test_plain_mode_timeline(pack_dir):
    out = io.StringIO()
    run_plain(load_pack(pack_dir), stdin=io.StringIO("/timeline\n"), stdout=out)
    text = flat(out.getvalue())
    in_order(text, "Timeline (* = mentioned in this section)", "* September 1947: The bureau is founded (paragraph 1).",
             "14-25 February 1956: The congress in Moscow", "28 June 1956: The riots (paragraphs 3, 4).")


def test_journal_lists_the_events_of_sections_read_only_when_asked(pack_dir):
    pack = load_pack(pack_dir)
    saved = Saved(None, (), (), (), ("opening",), {}, 1)
    assert "Timeline" not in render_journal(pack, saved)
    text = render_journal(pack, saved, timeline=True)
    in_order(text, "## Timeline of the sections read", "- September 1947: The bureau is founded (paragraph 1)",
             "- 14-25 February 1956: The congress in Moscow (paragraph 2; the essay says: February 24)")
    assert "The riots" not in text


def test_journal_command_takes_a_timeline_flag(pack_dir, capsys):
    run_plain(load_pack(pack_dir), stdin=io.StringIO("\n\n\n"), stdout=io.StringIO())  # finish section 1
    assert main(["journal", "--pack", "mini"]) == 0
    assert "Timeline" not in capsys.readouterr().out
    assert main(["journal", "--pack", "mini", "--timeline"]) == 0
    out = capsys.readouterr().out
    in_order(out, "## Timeline of the sections read", "September 1947: The bureau is founded")
    assert "The riots" not in out  # section 2 is not read yet


# -- the screen -------------------------------------------------------------------------------
SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
async def test_screen_shows_events_marks_this_section_and_jumps_to_a_paragraph(pack_dir, size):
    app = app_for(pack_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
        text = await until_shown(pilot, "◆ September 1947  The bureau is founded")  # paragraph 1 is in section 1
        assert "  28 June 1956  The riots" in text
        assert re.search(r"▊ 1947 +▎", text) and re.search(r"▊ 1956 +▎", text)  # by year, not by month
        for line in text.splitlines():
            assert len(line.rstrip()) <= size[0]
        await pilot.press("j", "j")  # to "The riots", past the year headings
        await until_shown(pilot, "paragraphs 3, 4")
        await pilot.press("enter")
        await until_shown(pilot, "Section 2 of 2")
        assert not isinstance(app.screen, TimelineScreen)
        assert app.session.state.section == 1 and app.session.state.paragraph == 3


@pytest.mark.parametrize("size", SIZES)
async def test_screen_opens_an_entry_and_shows_both_dates_side_by_side(pack_dir, size):
    app = app_for(pack_dir)
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "/timeline")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
        await pilot.press("down")
        text = await until_shown(pilot, "The record", "The essay says")
        record = next(line for line in text.splitlines() if "The record" in line)
        assert "The essay says" in record  # on the same row: side by side
        assert any("14-25 February 1956" in line and "February 24" in line for line in text.splitlines())
        await pilot.press("e")
        await until_bubble(pilot, "entry", "He denounced Stalin in 1956.")
        assert not isinstance(app.screen, TimelineScreen)


async def test_links_reach_every_entry_and_the_mouse_works(pack_dir):
    app = app_for(pack_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")  # to section 2, where the Poznan entry stops being a spoiler
        await until_shown(pilot, "Section 2 of 2")
        await pilot.press("f11")  # opens on the first event of this section: the riots
        await until_shown(pilot, "◆ 28 June 1956  The riots", "Ask about Cominform")
        links = app.screen.query_one("#timeline-links")
        await pilot.click(links, offset=(4, 4))  # under the two paragraphs and Poznan: Cominform
        await until_bubble(pilot, "entry", "Founded in 1947 and dissolved in 1956.")


async def test_entries_still_hidden_as_spoilers_are_not_offered(pack_dir):
    app = app_for(pack_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
        await pilot.press("j", "j")  # the riots: entries poznan (hidden until section 2) and cominform
        text = await until_shown(pilot, "Ask about Cominform")
        assert "Poznan riots" not in text


async def test_escape_closes_and_glossary_entry_lists_its_events(pack_dir):
    app = app_for(pack_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1, "the timeline to close")
        await pilot.press("f3")
        await until(pilot, lambda: len(app.screen_stack) == 2, "the glossary")
        app.screen.show_entry("cominform")
        await until_shown(pilot, "◷ September 1947  The bureau is founded", "◷ 28 June 1956  The riots")


@pytest.mark.parametrize("size", SIZES)
async def test_screen_shows_pack_text_literally(pack_dir, size):
    hostile = sub(sub(TIMELINE, "title: The bureau is founded", "title: '[bold]x[/]y [@click=app.quit]'"),
                  "essay_says: February 24", "essay_says: '[link=x]24[/link] x[/]'")
    (pack_dir / "timeline.yaml").write_text(hostile, encoding="utf-8")
    app = app_for(pack_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f11")
        await until_shown(pilot, "[bold]x[/]y [@click=app.quit]")
        await pilot.press("down")
        await until_shown(pilot, "[link=x]24[/link] x[/]")
        assert isinstance(app.screen, TimelineScreen)


async def test_the_palette_opens_the_timeline(pack_dir):
    app = app_for(pack_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"timeline")
        await until_shown(pilot, "Timeline: the essay's events in date order (F11)")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")


async def test_no_timeline_key_says_so(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f11")
        await until_shown(pilot, "This reading pack has no timeline.")
        assert not isinstance(app.screen, TimelineScreen)


# -- the bundled pack ---------------------------------------------------------------------------
def test_bundled_timeline_is_linked_and_keeps_the_essays_dates():
    pack = load_pack(paths.default_pack_dir())
    assert len(pack.timeline) >= 35 and not pack.warnings
    assert all(e.entries and e.note for e in pack.timeline)
    # Background the essay never alludes to (the parties' founding congresses, the author's
    # expulsion) links no paragraph; everything else jumps into the text.
    unlinked = [e.title for e in pack.timeline if not e.paragraphs]
    assert len(pack.timeline) - len(unlinked) >= 35 and len(unlinked) <= 5, unlinked
    says = {e.date: e.essay_says for e in pack.timeline if e.essay_says}
    assert says["1956-02-25"] == "February 24, 1956"  # the secret speech
    assert "August 1939" in says["1939-10-03"]  # Thorez's desertion
    assert "April 1956" in says["1956-07-18"]  # the PCF congress
    for date in ("1919", "1923-11-04", "1944-05", "1956-10-24"):
        assert date in says
