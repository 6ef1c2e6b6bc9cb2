"""`guided-reader lookup` and `guided-reader search`: the question engine and full-text search
on the command line. Same exit codes as every subcommand (see cli.py)."""

from __future__ import annotations

from guided_reader import cli


def cmd_lookup(args) -> int:
    from guided_reader.core.ask import resolve
    from guided_reader.core.describe import lookup_json, lookup_text
    from guided_reader.core.glossary import GlossaryIndex

    pack = cli.load(args.pack)
    index = GlossaryIndex(pack.glossary)
    result = resolve(index, args.term)
    passages = [] if result.match or result.candidates else search_index(pack).search(args.term, 3, kinds=("essay",))
    if args.json:
        cli.write_json(lookup_json(pack, index, result, passages))
    else:
        for line in lookup_text(pack, index, result, passages):
            cli.out(line, wrap=True)
    return cli.OK if result.match or passages else cli.NOT_FOUND


def cmd_search(args) -> int:
    from guided_reader.core.describe import hit_text

    pack = cli.load(args.pack)
    words = " ".join(args.words)
    if not words.strip():
        raise cli.Exit(cli.BAD_INPUT, "search needs some words to look for, e.g. `guided-reader search Battersea`")
    if args.limit < 1:
        raise cli.Exit(cli.BAD_INPUT, f"--limit must be 1 or more, not {args.limit}")
    hits = search_index(pack).search(words, args.limit)
    if args.json:
        cli.write_json({"query": words, "hits": [hit.as_json() for hit in hits]})
    elif not hits:
        cli.out(f"Nothing in the essay, its notes or its questions matches \"{cli.one_line(words)}\".", wrap=True)
    for hit in () if args.json else hits:
        cli.out(hit_text(pack, hit), wrap=True)
    return cli.OK if hits else cli.NOT_FOUND


def search_index(pack):
    from guided_reader.core.search import SearchIndex

    return SearchIndex.for_pack(pack)
