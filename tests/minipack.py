"""A small valid reading pack written to a folder, for tests to break one rule at a time.

Its words are chosen by hand (a spoiler, an alias two entries share, accents), so tests can
name them; it is written by the same code as the generated packs (guided_reader.devtools).
"""

from __future__ import annotations

from pathlib import Path

from guided_reader.devtools.packgen import pack_yaml
from guided_reader.devtools.packgen import write_pack as write_files

PACK = pack_yaml("mini", "A Small Essay", "A. Writer", "Somewhere, 1957", "https://example.org/essay",
                 "A short essay written for the tests.")

ESSAY = """\
The Cominform met in Bucharest while Thorez waited in Paris.

Khrushchev's speech reached the West in June, and Thorez said little.

The Poznań riots shook the Cominform parties.

Nobody at Unità wrote about the Duclos letter that week.
"""

SECTIONS = """\
- id: opening
  title: The opening
  paragraphs: 1-2
  intro: Watch who speaks and who stays silent.
  recap: Silence was a policy.
  notes:
    - term: cominform
      text: The bureau matters here because both parties belonged to it.
  prompts:
    - id: why-silent
      ask: Why might Thorez say little?
      hint: Think about Moscow.
      reflection: Silence kept his options open.
    - id: pick-one
      ask: Which matters more here?
      reflection: Both, in the end.
      choices:
        - label: Moscow
          reply: Moscow set the line.
        - label: Paris
          reply: Paris had its own reasons.
      once: true
- id: ending
  title: The ending
  paragraphs: 3-4
  intro: Now the crisis arrives.
  recap: The crisis could not be hidden.
  prompts:
    - id: crisis
      ask: What changed?
      reflection: Events outran the line.
"""

GLOSSARY = """\
- id: cominform
  term: Cominform
  aliases: [Communist Information Bureau]
  kind: organisation
  short: The bureau linking nine Communist parties, 1947-1956.
  note: Founded in 1947 and dissolved in 1956.
  dates: "1947-1956"
  see_also: [thorez]
- id: thorez
  term: Thorez
  aliases: [Maurice Thorez]
  kind: person
  short: Leader of the French Communist Party.
  note: General Secretary of the PCF from 1930 to 1964.
- id: khrushchev
  term: Khrushchev
  aliases: [Nikita Khrushchev]
  kind: person
  short: First Secretary of the Soviet party from 1953.
  note: He denounced Stalin in 1956.
- id: poznan
  term: Poznan riots
  aliases: [Poznań, Poznan]
  kind: event
  short: The June 1956 workers' revolt in Poland.
  note: Workers struck and marched; the army put the revolt down.
  spoiler_free_from: ending
- id: duclos
  term: Jacques Duclos
  aliases: [Duclos]
  kind: person
  short: A leader of the French party.
  note: Second to Thorez for decades.
- id: duclos-letter
  term: Duclos letter
  aliases: [Duclos article, Duclos]
  kind: publication
  short: The 1945 article that ended Browder's line.
  note: Published in April 1945.
- id: unita
  term: Unità
  aliases: [Unita, L'Unità]
  kind: publication
  short: The Italian Communist daily.
  note: Founded by Gramsci in 1924.
"""

FILES = {"pack.yaml": PACK, "essay.txt": ESSAY, "sections.yaml": SECTIONS, "glossary.yaml": GLOSSARY}


def write_pack(folder: Path, **replace: str) -> Path:
    """Write the mini pack into `folder`; keyword arguments replace whole files (dots as '_')."""
    return write_files(folder, {name: replace.get(name.replace(".", "_"), text) for name, text in FILES.items()})
