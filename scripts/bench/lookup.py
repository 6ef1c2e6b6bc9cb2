"""Looking a term up: exact, by alias, misspelt and absent, against a dict and difflib."""

from __future__ import annotations

import difflib
import random

from guided_reader.core.glossary import normalise
from guided_reader.devtools.packgen import SYLLABLES

from bench.results import Measure, clock, median, pct


def lookup_queries(pack, n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    entries = rng.sample(pack.glossary, min(n, len(pack.glossary)))
    keys = {normalise(x) for e in pack.glossary for x in (e.term, *e.aliases)}

    def typo(text: str) -> str:
        while True:
            i = rng.randrange(1, max(2, len(text) - 1))
            changed = text[:i] + rng.choice("aeiouklmnrst") + text[i + 1:]
            if normalise(changed) not in keys:
                return changed

    def stranger() -> str:
        while True:
            text = " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3))))
                            for _ in range(rng.choice((1, 2))))
            if normalise(text) not in keys:
                return text.title()

    return {"exact": [e.term for e in entries], "alias": [rng.choice(e.aliases) for e in entries if e.aliases],
            "fuzzy": [typo(e.term) for e in entries], "miss": [stranger() for _ in entries]}


def lookup_measures(name: str, pack, index, n: int, floor_n: int, seed: int) -> list[Measure]:
    exact_keys: dict[str, str] = {}
    for e in pack.glossary:
        for x in (e.term, *e.aliases):
            exact_keys.setdefault(normalise(x), e.id)
    key_list = list(exact_keys)
    out = []
    for kind, queries in lookup_queries(pack, n, seed).items():
        for q in queries:  # warm-up
            index.lookup(q)
        per_query = []
        for q in queries:
            per_query.append(median(clock(index.lookup, q) for _ in range(3)))
        if kind in ("exact", "alias"):
            floor_label = "normalise + dict.get of the same query"
            floor = [median(clock(lambda q=q: exact_keys.get(normalise(q))) for _ in range(3)) for q in queries]
        else:
            floor_label = f"difflib.get_close_matches over all {len(key_list):,} keys ({min(floor_n, len(queries))} queries)"
            floor = [clock(difflib.get_close_matches, normalise(q), key_list, 5) for q in queries[:floor_n]]
        found = sum(1 for q in queries if index.lookup(q).match is not None)
        p99 = pct(per_query, 99)
        out.append(Measure(f"lookup_{kind}", f"lookup, {kind} (p99; {len(pack.glossary):,} entries)", name,
                           p99 * 1000, pct(floor, 99) * 1000, floor_label + " (p99)", "ms", "p99 < 16 ms", p99 < 0.016,
                           detail={"p50_ms": round(median(per_query) * 1000, 3), "queries": len(queries),
                                   "matched": found}))
    return out
