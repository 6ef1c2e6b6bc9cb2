"""The `guided-reader` command: parses arguments, picks the front end and the paths.

Exit codes: 0 ok, 1 not found / nothing to do, 2 bad input. No traceback ever reaches the
user for bad input: pack problems are printed as `file:line:col: key.path: message`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from guided_reader import __version__
from guided_reader.core import paths
from guided_reader.core.safe import clean, one_line
from guided_reader.streams import closed_streams, describe, drop_stdout, err, reason

OK, NOT_FOUND, BAD_INPUT = 0, 1, 2
MAX_SHOWN = 50  # problems printed at most: past that, the first ones tell the story
SUBCOMMANDS = ("lookup", "search", "check", "journal", "packs", "where", "reset", "timeline", "serve")


class Exit(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code, self.message = code, message


def out(text: str = "", wrap: bool = False) -> None:
    """Write a line, cleaned of control characters; `wrap` folds it to the terminal width."""
    text = clean(text)
    if wrap and text:
        width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
        text = "\n".join(textwrap.wrap(text, max(40, width), break_on_hyphens=False))
    sys.stdout.write(text + "\n")


def load(pack_dir: Path | str | None, cache: bool = False, checked: bool = False):
    """The pack at `pack_dir` (the bundled essay by default), or Exit(2) with its problems.

    With `cache`, a current compiled copy is used if there is one (see core/compiled.py).
    With `checked`, a (pack, warnings) pair: warnings are worth fixing but do not fail.
    """
    from guided_reader.core.problems import PackError

    if pack_dir is not None and not str(pack_dir).strip():  # Path("") would be the current folder
        raise Exit(BAD_INPUT, "the pack folder name is empty")
    root = Path(pack_dir) if pack_dir else paths.default_pack_dir()
    try:
        if checked:
            from guided_reader.core.loader import load_pack_checked

            return load_pack_checked(root)
        if cache:
            from guided_reader.core.compiled import load_compiled

            return load_compiled(root)
        from guided_reader.core.loader import load_pack

        return load_pack(root)
    except (OSError, ValueError) as exc:  # e.g. a name too long, or a NUL byte in it
        raise Exit(BAD_INPUT, f"{one_line(str(root))}: cannot be read as a pack folder: {reason(exc)}") from None
    except PackError as exc:
        count = len(exc.problems)
        lines = [f"{root}: this reading pack has {count} problem{'s' if count != 1 else ''}:"]
        lines += [f"  {one_line(str(p))}" for p in exc.problems[:MAX_SHOWN]]
        if count > MAX_SHOWN:
            lines.append(f"  ... and {count - MAX_SHOWN} more; fix these first and run check again")
        raise Exit(BAD_INPUT, "\n".join(lines)) from None


def pack_for_id(pack_id: str | None, store):
    """A pack by id: bundled ones, then the folder last opened under that id."""
    if pack_id is None:
        return load(None)
    for folder in paths.bundled_pack_dirs():
        if folder.name == pack_id:
            return load(folder)
    remembered = store.get_setting(f"pack-dir:{pack_id}")
    if remembered and Path(remembered).is_dir():
        return load(remembered)
    raise Exit(BAD_INPUT, f"no pack with the id '{one_line(pack_id)}' (see `guided-reader packs`)")


def cmd_check(args) -> int:
    pack, warnings = load(args.pack_dir, checked=True)
    words = sum(len(p.split()) for p in pack.paragraphs)
    prompts = [p for s in pack.sections for p in s.prompts]
    kinds = Counter(e.kind for e in pack.glossary)
    count = len(warnings)
    out(f"{args.pack_dir}: OK" + (f", with {count} warning{'s' if count != 1 else ''}" if count else ""))
    out(f"  pack       {pack.id}: {pack.title}, by {pack.author}")
    out(f"  text       {len(pack.paragraphs)} paragraphs, {words:,} words")
    out(f"  sections   {len(pack.sections)}")
    out(f"  prompts    {len(prompts)} ({sum(1 for p in prompts if p.choices)} with choices)")
    out(f"  notes      {sum(len(s.notes) for s in pack.sections)}")
    out(f"  glossary   {len(pack.glossary)} entries: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    if pack.timeline:
        out(f"  timeline   {len(pack.timeline)} events")
    for warning in warnings:  # worth fixing, but the pack works: still exit 0
        out(f"  warning: {one_line(str(warning))}")
    return OK


def write_json(data: dict) -> None:
    """One JSON object on stdout; strings are cleaned of control characters, like every output."""
    def cleaned(value):
        if isinstance(value, str):
            return clean(value)
        if isinstance(value, dict):
            return {k: cleaned(v) for k, v in value.items()}
        if isinstance(value, list):
            return [cleaned(v) for v in value]
        return value

    sys.stdout.write(json.dumps(cleaned(data), ensure_ascii=False, indent=2) + "\n")


def cmd_timeline(args) -> int:
    from guided_reader.core import timeline

    pack = load(args.pack_dir)
    if args.json:
        write_json(timeline.as_json(pack))
    elif not pack.timeline:
        out(f"{pack.id}: this pack has no timeline")
    for event in () if args.json else pack.timeline:
        says = f"; the essay says: {one_line(event.essay_says)}" if event.essay_says else ""
        out(f"{timeline.when(event)}: {one_line(event.title)} ({timeline.paragraphs_label(event)}{says})")
    return OK if pack.timeline else NOT_FOUND


def cmd_packs(args) -> int:
    from guided_reader.core.loader import load_pack
    from guided_reader.core.problems import PackError

    for folder in paths.bundled_pack_dirs():
        try:
            pack = load_pack(folder)
            out(f"{pack.id}\t{pack.title}\t{pack.author}")
        except PackError as exc:
            out(f"{folder.name}\t(broken: {len(exc.problems)} problems; run `guided-reader check {folder}`)")
    return OK


def cmd_where(args) -> int:
    out(f"data folder  {paths.data_dir()}")
    out(f"database     {paths.db_path()}")
    out(f"packs        {paths.bundled_packs_dir()}")
    return OK


def open_store(need_writes: bool):
    """The state store, or Exit(2) saying why it cannot serve this command: a command that
    reports or deletes what is saved must never answer from an empty stand-in."""
    from guided_reader.core.store import Store

    store = Store.open()
    usable = store.persistent if need_writes else store.complete
    if not usable:
        store.close()
        raise Exit(BAD_INPUT, f"cannot use the saved progress: {store.why_not}; nothing was changed")
    if store.persistent:  # e.g. an unreadable file moved aside: the reader must hear of it
        for notice in store.take_notices():
            err(f"guided-reader: {notice}")
    return store


def pack_id_arg(value: str | None) -> str:
    if value is None:
        return paths.DEFAULT_PACK
    if not value.strip():
        raise Exit(BAD_INPUT, "--pack needs a pack id (see `guided-reader packs`); it is empty")
    return value


def cmd_journal(args) -> int:
    from guided_reader.core.journal import render_journal

    pack_id_arg(args.pack)
    with open_store(need_writes=False) as store:
        pack = pack_for_id(args.pack, store)
        saved = store.load(pack.id)
    text = render_journal(pack, saved, timeline=args.timeline)
    if args.output and args.output != "-":
        target = Path(args.output)
        try:
            paths.write_text_atomic(target, text)
        except (OSError, ValueError) as exc:
            raise Exit(BAD_INPUT, f"cannot write the journal to {one_line(str(target))}: {reason(exc)}") from None
        out(f"journal written to {target}")
    else:
        sys.stdout.write(clean(text))
    return OK if saved.answers or saved.completed or saved.lookups or saved.bookmarks else NOT_FOUND


@contextmanager
def holding(pack_id: str):
    """Hold the pack's reader lock, or Exit(2) if another reader has the pack open."""
    from guided_reader.core.readerlock import Busy, ReaderLock

    try:
        lock = ReaderLock(pack_id).acquire()
    except Busy as exc:
        raise Exit(BAD_INPUT, str(exc)) from None
    try:
        yield lock
    finally:
        lock.release()


def cmd_reset(args) -> int:
    pack_id = pack_id_arg(args.pack)
    with open_store(need_writes=True) as store, holding(pack_id):
        if pack_id not in store.pack_ids():
            out(f"nothing saved for '{one_line(pack_id)}'")
            return NOT_FOUND
        if not args.yes:
            if sys.stdin is None or not sys.stdin.isatty():
                raise Exit(BAD_INPUT, "reset deletes every answer for this pack: pass --yes to confirm")
            try:
                answer = input(f"Delete all reading progress and answers for '{one_line(pack_id)}'? "
                               "Type yes to confirm: ")
            except EOFError:
                answer = ""
                out()
            if answer.strip().lower() != "yes":
                out("nothing deleted")
                return NOT_FOUND
        store.reset(pack_id)
        if not store.persistent:  # the delete itself failed: the file still holds everything
            raise Exit(BAD_INPUT, f"could not delete the saved progress; nothing was changed. {store.take_notices()[-1]}")
    out(f"deleted the saved progress for '{one_line(pack_id)}'")
    return OK


def cmd_read(args) -> int:
    import gc

    gc.disable()  # start-up builds objects that live as long as the reader: the TUI freezes them
    # after its first screen and turns the collector back on (plain mode turns it on at once)
    pack = load(args.pack_dir, cache=not args.no_cache)
    if sys.stdin is None:
        raise Exit(BAD_INPUT, "standard input is closed; give it a terminal or a file "
                              "(for example `guided-reader --plain < answers.txt`)")
    if not args.plain and sys.stderr is None:  # Textual draws on stderr
        raise Exit(BAD_INPUT, "standard error is closed: the reader draws its screen there")
    if args.plain:
        from guided_reader.plain import run_plain

        gc.enable()
        with holding(pack.id):
            return run_plain(pack, restart=args.restart)
    from guided_reader.tui.app import make_app

    try:
        with holding(pack.id):
            app = make_app(pack, restart=args.restart)
            app.run()
            return app.return_code or OK
    except Exit as exc:  # the pack is open elsewhere: a browser tab has no terminal to say it in
        from guided_reader import serve

        if serve.is_served():
            serve.tell_browser(exc.message)
        raise


def cmd_serve(args) -> int:
    from guided_reader import serve

    if not 1 <= args.port <= 65535:
        raise Exit(BAD_INPUT, f"--port must be between 1 and 65535, not {args.port}")
    pack = load(args.pack_dir)  # a bad pack is reported here, not in every browser that connects
    try:
        server = serve.server(Path(args.pack_dir) if args.pack_dir else None, args.host, args.port, pack.title)
    except ImportError:
        raise Exit(BAD_INPUT, serve.INSTALL_HINT) from None
    try:
        server.serve()
    except OSError as exc:
        if (why := serve.listen_problem(exc)) is None:
            raise
        raise Exit(BAD_INPUT, f"cannot listen on {one_line(args.host)}:{args.port}: {why}") from None
    return OK


def build_parsers() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    read = argparse.ArgumentParser(
        prog="guided-reader",
        description="A chat-style guided reader for the terminal. Subcommands: " + ", ".join(SUBCOMMANDS) + ".",
        epilog="Run `guided-reader SUBCOMMAND --help` for a subcommand's options.",
    )
    read.add_argument("pack_dir", nargs="?", metavar="PACK_DIR", help="a reading pack folder (default: the bundled essay)")
    read.add_argument("--plain", action="store_true", help="line mode on stdin/stdout (screen readers, pipes)")
    read.add_argument("--restart", action="store_true", help="start from the beginning; earlier answers are kept")
    read.add_argument("--no-cache", action="store_true", help="load the pack from its files, not the compiled copy")
    read.add_argument("--version", action="version", version=f"guided-reader {__version__}")
    read.set_defaults(func=cmd_read)

    from guided_reader.cli_ask import cmd_lookup, cmd_search

    sub_parser = argparse.ArgumentParser(prog="guided-reader")
    sub = sub_parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("lookup", help="look a term up in a pack's glossary")
    p.add_argument("term", metavar="TERM")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--pack", metavar="DIR", help="a reading pack folder (default: the bundled essay)")
    p.set_defaults(func=cmd_lookup)
    p = sub.add_parser("search", help="search the essay, its notes and questions; best passages first")
    p.add_argument("words", nargs="+", metavar="WORDS")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits (default 10)")
    p.add_argument("--pack", metavar="DIR", help="a reading pack folder (default: the bundled essay)")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("check", help="validate a reading pack folder")
    p.add_argument("pack_dir", metavar="PACK_DIR")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("journal", help="write your answers, bookmarks and lookups as Markdown")
    p.add_argument("--pack", metavar="ID", help="pack id (default: the bundled essay)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--timeline", action="store_true", help="add the timeline events of the sections read")
    p.set_defaults(func=cmd_journal)
    p = sub.add_parser("timeline", help="the essay's events in date order, with their paragraphs")
    p.add_argument("pack_dir", nargs="?", metavar="PACK_DIR", help="a reading pack folder (default: the bundled essay)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_timeline)
    sub.add_parser("packs", help="list the bundled packs").set_defaults(func=cmd_packs)
    sub.add_parser("where", help="print where your data lives").set_defaults(func=cmd_where)
    p = sub.add_parser("reset", help="delete the saved progress and answers of a pack")
    p.add_argument("--pack", metavar="ID", help="pack id (default: the bundled essay)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_reset)
    p = sub.add_parser("serve", help="serve the reader to a web browser (needs the [web] extra)")
    p.add_argument("pack_dir", nargs="?", metavar="PACK_DIR", help="a reading pack folder (default: the bundled essay)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.set_defaults(func=cmd_serve)
    return read, sub_parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "output" in closed_streams():
        err("guided-reader: standard output is closed; nothing to write to")
        return BAD_INPUT
    code = run(argv)
    try:  # a full disk or a dead pipe shows here, not as a traceback at exit
        sys.stdout.flush()
    except BrokenPipeError:
        drop_stdout()
    except OSError as exc:
        drop_stdout()
        err(f"guided-reader: cannot write to standard output: {exc.strerror or exc}")
        code = BAD_INPUT
    return code


def misspelt(argv: list[str]) -> None:
    """`guided-reader jornal`: a first word that is no folder but is close to a subcommand."""
    import difflib

    first = argv[0] if argv else ""
    if not first or first in SUBCOMMANDS or first.startswith("-") or "/" in first or Path(first).exists():
        return
    close = difflib.get_close_matches(first.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    if close:
        raise Exit(BAD_INPUT, f"guided-reader: '{one_line(first)}' is not a pack folder or a subcommand. "
                              f"Did you mean `guided-reader {close[0]}`?")


def run(argv: list[str]) -> int:
    read, sub = build_parsers()
    try:
        misspelt(argv)
        args = (sub if argv and argv[0] in SUBCOMMANDS else read).parse_args(argv)
        return args.func(args)
    except SystemExit as exc:  # argparse: usage errors are exit 2, --help is 0
        return exc.code if isinstance(exc.code, int) else BAD_INPUT
    except Exit as exc:
        if exc.message:
            err(exc.message)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `guided-reader lookup X | head -1`: the reader has what it wanted
        drop_stdout()
        return OK
    except (OSError, EOFError, ValueError) as exc:  # e.g. stdout on a full disk, a name too long
        err(describe(exc))
        return BAD_INPUT
