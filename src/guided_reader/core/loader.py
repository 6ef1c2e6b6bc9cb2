"""Load and validate a reading pack folder into a `Pack`, or raise `PackError` with every problem.

The four files (and the optional timeline.yaml, see core/timeline.py) are checked one by one (file-level problems, then the schema), then across
files: references resolve, ids are unique, sections cover every paragraph once and in order.
`load_pack_checked` also returns warnings, which `guided-reader check` prints without failing;
they cost a pass over every note, so reading a pack does not compute them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from guided_reader.core.gcpause import collector_paused
from guided_reader.core.glossary import GlossaryIndex
from guided_reader.core.model import KINDS, Choice, Entry, Note, Pack, Prompt, Section
from guided_reader.core.problems import PackError, Problem
from guided_reader.core.schema import Checker, did_you_mean
from guided_reader.core.textfile import read_text
from guided_reader.core.timeline import FILE as TIMELINE_FILE
from guided_reader.core.timeline_check import read_timeline
from guided_reader.core.yamltree import Node, parse

FORMAT = 1
SHORT_MAX = 140
PACK_KEYS = ("format", "id", "title", "author", "published", "source", "about", "text")
SECTION_KEYS = ("id", "title", "paragraphs", "intro", "recap")
SECTION_OPTIONAL = ("notes", "prompts")
PROMPT_KEYS = ("id", "ask", "reflection")
PROMPT_OPTIONAL = ("hint", "choices", "once")
ENTRY_KEYS = ("id", "term", "kind", "short", "note")
ENTRY_OPTIONAL = ("aliases", "dates", "see_also", "spoiler_free_from")


def _yaml(root: Path, name: str, problems: list[Problem], may_be_empty: bool = False) -> tuple[Node | None, Checker]:
    checker = Checker(name)
    text, file_problems = read_text(root, name)
    problems.extend(file_problems)
    if text is None:
        return None, checker
    node, parse_problems = parse(text, name)
    problems.extend(parse_problems)
    if node is None and not parse_problems and not may_be_empty:
        problems.append(Problem(name, 0, 0, "", "file is empty"))
    return (None if parse_problems else node), checker


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; lines inside one are joined with spaces."""
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def _pack_meta(node: Node, c: Checker) -> dict[str, object] | None:
    keys = c.mapping(node, "", PACK_KEYS)
    if keys is None:
        return None
    meta: dict[str, object] = {}
    for key, value in keys.items():
        if key == "format":
            number = c.integer(value, key)
            if number is not None and number != FORMAT:
                c.add(value, key, f"this version of guided-reader reads format {FORMAT}, not {number}")
            meta[key] = number
        elif key == "id":
            meta[key] = c.ident(value, key)
        else:
            meta[key] = c.text(value, key)
    text = meta.get("text")
    if isinstance(text, str):
        rel = PurePosixPath(text)
        if rel.is_absolute() or ".." in rel.parts:
            c.add(keys["text"], "text", "must name a file inside the pack folder")
    return meta


def _choice(node: Node, path: str, c: Checker) -> Choice | None:
    keys = c.mapping(node, path, ("label", "reply"))
    if not keys:
        return None
    label, reply = c.text(keys.get("label"), f"{path}.label"), c.text(keys.get("reply"), f"{path}.reply")
    return Choice(label, reply) if label and reply else None


def _prompt(node: Node, path: str, c: Checker) -> Prompt | None:
    keys = c.mapping(node, path, PROMPT_KEYS, PROMPT_OPTIONAL)
    if keys is None:
        return None
    values = {k: c.ident(v, f"{path}.id") if k == "id" else None for k, v in keys.items()}
    for key in ("ask", "reflection", "hint"):
        if key in keys:
            values[key] = c.text(keys[key], f"{path}.{key}")
    choices = ()
    if "choices" in keys:
        items = c.seq(keys["choices"], f"{path}.choices") or []
        choices = tuple(filter(None, (_choice(n, f"{path}.choices[{i}]", c) for i, n in enumerate(items))))
    once = c.boolean(keys["once"], f"{path}.once") if "once" in keys else False
    if not all(values.get(k) for k in PROMPT_KEYS):
        return None
    return Prompt(values["id"], values["ask"], values["reflection"], values.get("hint"), choices, bool(once))


def _section(node: Node, path: str, c: Checker) -> tuple[Section, dict[str, Node]] | None:
    keys = c.mapping(node, path, SECTION_KEYS, SECTION_OPTIONAL)
    if keys is None:
        return None
    sid = c.ident(keys["id"], f"{path}.id") if "id" in keys else None
    title, intro, recap = (c.text(keys[k], f"{path}.{k}") if k in keys else None for k in ("title", "intro", "recap"))
    span = c.span(keys["paragraphs"], f"{path}.paragraphs") if "paragraphs" in keys else None
    notes: list[Note] = []
    for i, item in enumerate(c.items(keys, "notes", path)):
        note = c.mapping(item, f"{path}.notes[{i}]", ("term", "text"))
        if note and "term" in note and "text" in note:
            term, text = c.ident(note["term"], f"{path}.notes[{i}].term"), c.text(note["text"], f"{path}.notes[{i}].text")
            if term and text:
                notes.append(Note(term, text))
    prompts = []
    for i, item in enumerate(c.items(keys, "prompts", path)):
        prompts.append(_prompt(item, f"{path}.prompts[{i}]", c))
    if not (sid and title and intro and recap and span) or None in prompts:
        return None
    return Section(sid, title, span[0], span[1], intro, recap, tuple(notes), tuple(prompts)), keys


def _entry(node: Node, path: str, c: Checker) -> Entry | None:
    keys = c.mapping(node, path, ENTRY_KEYS, ENTRY_OPTIONAL)
    if keys is None:
        return None
    v: dict[str, object] = {}
    for key, value in keys.items():
        p = f"{path}.{key}"
        if key in ("aliases", "see_also"):
            v[key] = c.texts(value, p)
        elif key in ("id", "spoiler_free_from"):
            v[key] = c.ident(value, p)
        else:
            v[key] = c.text(value, p)
    if isinstance(v.get("kind"), str) and v["kind"] not in KINDS:
        c.add(keys["kind"], f"{path}.kind", f"'{v['kind']}' is not a kind; use one of: {', '.join(KINDS)}")
        return None
    if isinstance(v.get("short"), str) and len(v["short"]) > SHORT_MAX:
        c.add(keys["short"], f"{path}.short", f"is {len(v['short'])} characters; keep it to {SHORT_MAX}")
    if not all(v.get(k) for k in ENTRY_KEYS):
        return None
    return Entry(**v)  # type: ignore[arg-type]


def _unique(items, what: str, c: Checker, nodes: list[Node], path) -> None:
    seen: dict[str, int] = {}
    for i, item_id in enumerate(items):
        if item_id in seen:
            c.add(nodes[i], path(i), f"duplicate {what} id '{item_id}' (also at item {seen[item_id]})")
        else:
            seen[item_id] = i


def load_pack(root: Path) -> Pack:
    """Load the pack in folder `root`, raising PackError listing every problem found."""
    return _load(Path(root))[0]


def load_pack_checked(root: Path) -> tuple[Pack, list[Problem]]:
    """As `load_pack`, with every warning for `guided-reader check`: the timeline's (kept on
    the pack) and one-way see-also links (found only here: they cost a pass over every note)."""
    pack, gloss_nodes = _load(Path(root))
    return pack, list(pack.warnings) + one_way_links(list(pack.glossary), gloss_nodes)


@collector_paused
def _load(root: Path) -> tuple[Pack, list[Node]]:
    if not root.is_dir():
        raise PackError([Problem(str(root), 0, 0, "", "is not a pack folder (expected a directory)")])
    problems: list[Problem] = []
    meta_node, meta_c = _yaml(root, "pack.yaml", problems)
    meta = _pack_meta(meta_node, meta_c) if meta_node is not None else None
    paragraphs: list[str] = []
    text_name = meta.get("text") if meta else None
    if isinstance(text_name, str) and not meta_c.problems:
        text, text_problems = read_text(root, text_name)
        problems.extend(text_problems)
        if text is not None:
            paragraphs = split_paragraphs(text)
            if not paragraphs:
                problems.append(Problem(text_name, 1, 1, "", "the essay is empty"))
    sections, section_keys = _sections(root, problems, len(paragraphs) if paragraphs else None)
    glossary, gloss_nodes = _glossary(root, problems)
    problems.extend(meta_c.problems)
    if sections is not None and glossary is not None:
        problems.extend(_cross_check(sections, section_keys, glossary, gloss_nodes))
    timeline, warnings = _timeline(root, problems, glossary, len(paragraphs) if paragraphs else None)
    if problems or meta is None or sections is None or glossary is None:
        raise PackError(problems or [Problem(str(root), 0, 0, "", "the pack could not be read")])
    pack = Pack(meta["id"], meta["title"], meta["author"], meta["published"], meta["source"],
                meta["about"], root, tuple(paragraphs), tuple(sections), tuple(glossary),
                timeline, tuple(warnings))
    return pack, gloss_nodes


def _timeline(root: Path, problems: list[Problem], glossary, count: int | None):
    """The optional timeline.yaml: events in date order and warnings (errors join `problems`)."""
    path = root / TIMELINE_FILE
    if not (path.exists() or path.is_symlink()):
        return (), []
    node, c = _yaml(root, TIMELINE_FILE, problems, may_be_empty=True)
    ids = {e.id for e in glossary} if glossary is not None else None
    events, warnings = read_timeline(node, c, ids, count)
    problems.extend(c.problems)
    return events, warnings


def _sections(root: Path, problems: list[Problem], count: int | None):
    node, c = _yaml(root, "sections.yaml", problems)
    if node is None:
        return None, []
    built = [_section(n, f"sections[{i}]", c) for i, n in enumerate(c.seq(node, "sections") or [])]
    if c.problems or None in built:
        problems.extend(c.problems)
        return None, []
    sections = [s for s, _ in built]
    nodes = node.items
    _unique([s.id for s in sections], "section", c, nodes, lambda i: f"sections[{i}].id")
    prompt_ids, prompt_nodes, prompt_paths = [], [], []
    for i, (s, keys) in enumerate(built):
        for j, p in enumerate(s.prompts):
            prompt_ids.append(p.id)
            prompt_nodes.append(keys["prompts"].items[j])
            prompt_paths.append(f"sections[{i}].prompts[{j}].id")
    _unique(prompt_ids, "prompt", c, prompt_nodes, lambda k: prompt_paths[k])
    expected = 1
    for i, s in enumerate(sections):
        where = built[i][1]["paragraphs"]
        if s.first != expected:
            gap = "skips" if s.first > expected else "overlaps"
            c.add(where, f"sections[{i}].paragraphs",
                  f"starts at paragraph {s.first}, but the previous section ends at {expected - 1}: "
                  f"it {gap} paragraph {min(s.first, expected)}; sections must cover every paragraph once, in order")
        expected = s.last + 1
    if count is not None and sections and expected - 1 != count:
        c.add(built[-1][1]["paragraphs"], f"sections[{len(sections) - 1}].paragraphs",
              f"the sections end at paragraph {expected - 1}, but the essay has {count} paragraphs")
    problems.extend(c.problems)
    return (None, []) if c.problems else (sections, [k for _, k in built])


def _glossary(root: Path, problems: list[Problem]):
    node, c = _yaml(root, "glossary.yaml", problems)
    if node is None:
        return None, []
    items = c.seq(node, "glossary", allow_empty=True) or []
    entries = [_entry(n, f"glossary[{i}]", c) for i, n in enumerate(items)]
    if None not in entries:
        _unique([e.id for e in entries], "glossary", c, items, lambda i: f"glossary[{i}].id")
    problems.extend(c.problems)
    return (None if c.problems else entries), items


def _cross_check(sections: list[Section], section_keys, glossary: list[Entry], nodes) -> list[Problem]:
    ids = {e.id for e in glossary}
    section_ids = {s.id for s in sections}
    sc, gc = Checker("sections.yaml"), Checker("glossary.yaml")
    for i, s in enumerate(sections):
        for j, note in enumerate(s.notes):
            if note.term not in ids:
                sc.add(section_keys[i]["notes"].items[j].items["term"][1], f"sections[{i}].notes[{j}].term",
                       f"no glossary entry has the id '{note.term}'{did_you_mean(note.term, ids)}")
    for i, e in enumerate(glossary):
        for j, ref in enumerate(e.see_also):
            if ref not in ids:
                gc.add(nodes[i].items["see_also"][1].items[j], f"glossary[{i}].see_also[{j}]", f"no glossary entry has the id '{ref}'{did_you_mean(ref, ids)}")
        if e.spoiler_free_from and e.spoiler_free_from not in section_ids:
            gc.add(nodes[i].items["spoiler_free_from"][1], f"glossary[{i}].spoiler_free_from",
                   f"no section has the id '{e.spoiler_free_from}'{did_you_mean(e.spoiler_free_from, section_ids)}")
    return sc.problems + gc.problems


def one_way_links(glossary: list[Entry], nodes) -> list[Problem]:
    """Warnings: entry A lists B in see_also and B's note names A, yet B does not link back to A."""
    index = GlossaryIndex(glossary)
    by_id = {e.id: e for e in glossary}
    named: dict[str, set[str]] = {}  # entry id -> ids of the entries its note names
    gc = Checker("glossary.yaml")
    for i, e in enumerate(glossary):
        for j, ref in enumerate(e.see_also):
            target = by_id.get(ref)
            if target is None or ref == e.id or e.id in target.see_also:
                continue
            if ref not in named:
                named[ref] = {span.entry_id for span in index.spot(target.note)}
            if e.id in named[ref]:
                gc.add(nodes[i].items["see_also"][1].items[j], f"glossary[{i}].see_also[{j}]",
                       f"one-way link: the note of '{ref}' names {e.term} but its see_also does not "
                       f"list '{e.id}'; add it there, or drop this link")
    return gc.problems
