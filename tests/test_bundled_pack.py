"""The bundled reading pack (A. Rossi, 1957) as a reader meets it: coverage, glossary, prompts.

Everything here reads the pack through the project's own loader and glossary index. The facts
list below is copied from the editors' reference file on purpose: the project never reads it.
"""

from __future__ import annotations

import re

import pytest

from guided_reader.core.glossary import GlossaryIndex, tokens
from guided_reader.core.loader import load_pack, load_pack_checked
from guided_reader.core.paths import default_pack_dir


@pytest.fixture(scope="module")
def pack():
    return load_pack(default_pack_dir())


@pytest.fixture(scope="module")
def index(pack):
    return GlossaryIndex(pack.glossary)


# -- the text and the reading plan -------------------------------------------------------------


def test_essay_is_the_whole_text_and_nothing_else(pack):
    assert len(pack.paragraphs) == 31
    assert pack.paragraphs[0].startswith("THE process")
    assert pack.paragraphs[-1].endswith("will not resolve themselves.")
    text = "\n".join(pack.paragraphs)
    for banner in ("Subscribe", "free article", "More By", "A. ROSSI, a student"):
        assert banner not in text


def test_sections_cover_every_paragraph_in_order(pack):
    assert 10 <= len(pack.sections) <= 14
    covered = [n for s in pack.sections for n in s.paragraph_numbers]
    assert covered == list(range(1, 32))


def test_sections_respect_the_essays_three_parts(pack):
    parts = [range(1, 4), range(4, 16), range(16, 32)]
    for s in pack.sections:
        assert any(s.first in p and s.last in p for p in parts), s.id


def test_prompts_per_section_hints_and_choices(pack):
    prompts = [p for s in pack.sections for p in s.prompts]
    for s in pack.sections:
        assert 2 <= len(s.prompts) <= 4, s.id
        assert 1 <= len(s.notes) <= 3, f"{s.id}: {len(s.notes)} scripted notes"
    for p in prompts:
        assert p.hint, p.id
        assert p.reflection, p.id
        for c in p.choices:
            assert c.label and c.reply, p.id
    assert 3 * sum(1 for p in prompts if p.choices) >= len(prompts)


_SENTENCE_END = re.compile(r"[.!?][\"”’')]*(?=\s|$)")


@pytest.mark.parametrize("field", ["intro", "recap"])
def test_intros_and_recaps_are_two_or_three_sentences(pack, field):
    for s in pack.sections:
        text = getattr(s, field)
        assert 2 <= len(_SENTENCE_END.findall(text)) <= 3, f"{s.id}.{field}: {text}"


def test_pack_text_has_no_markup(pack):
    fields = [pack.about]
    for s in pack.sections:
        fields += [s.title, s.intro, s.recap, *(n.text for n in s.notes)]
        for p in s.prompts:
            fields += [p.ask, p.hint or "", p.reflection, *(c.label for c in p.choices),
                       *(c.reply for c in p.choices)]
    for e in pack.glossary:
        fields += [e.term, e.short, e.note, *e.aliases]
    for text in fields:
        assert "[" not in text and "]" not in text, text
        assert "**" not in text and "`" not in text, text


# -- the glossary -------------------------------------------------------------------------------


def test_glossary_shorts_and_notes_have_the_right_length(pack):
    for e in pack.glossary:
        assert len(e.short) <= 140, e.id
        words = len(e.note.split())
        assert 60 <= words <= 180, f"{e.id}: note has {words} words"


# Capitalised words in the essay that are deliberately not glossary terms. Each group has a reason;
# a real name that a present-day reader may not know belongs in the glossary, not here.
EXCLUSIONS = {
    # Months: dates, not names.
    "months": {"January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"},
    # The essay's house style capitalises these generic words; the named bodies they belong to
    # ("Italian Communist Party", "Central Committee", "Twentieth Congress") are glossary terms.
    "generic party vocabulary": {"Communist", "Communists", "Communism", "Party", "Parties",
                                 "Congress", "Deputy", "Secretary", "General",
                                 "Army"},
    # Nationality and other plain adjectives or demonyms.
    "nationality adjectives": {"Americans", "British", "French", "Hungarian",
                               "Italian", "Russian", "Soviet"},
    # Compass words for the political West.
    "West": {"West", "Western"},
    # Countries, a continent and capitals every reader knows; the essay's "Russia" (meaning the
    # U.S.S.R.) is an alias, and so is "Moscow", shorthand for the leadership, under Kremlin.
    "well-known places": {"Britain", "France", "Hungary", "Italy", "Switzerland",
                          "Europe", "Rome"},
    # Universally known.
    "Second World War": {"Second", "World", "War"},
    # Not a name: the pronoun.
    "ordinary words": {"I"},
}
# Ordinary words that open a sentence and happen not to occur in lower case elsewhere.
SENTENCE_STARTERS = {"Furthermore", "Hence", "Neither", "Nevertheless", "Preparations", "Prior",
                     "Reconciliation", "Recriminations", "Returning", "Space", "Suddenly",
                     "Unable", "Wherever"}


def _uncovered_capitalised(pack, index):
    excluded = {w for group in EXCLUSIONS.values() for w in group}
    lower = {norm for p in pack.paragraphs for norm, s, _ in tokens(p) if p[s].islower()}
    missing = []
    for number, p in enumerate(pack.paragraphs, 1):
        spans = index.spot(p)
        for norm, start, end in tokens(p):
            word = p[start:end]
            if not word[0].isupper():
                continue
            if any(sp.start <= start < sp.end for sp in spans):
                continue
            bare = re.sub(r"['’]s$", "", word)
            if bare in excluded:
                continue
            before = p[:start].rstrip(" \"“'‘(")
            if (not before or before[-1] in ".?!") and (norm in lower or word in SENTENCE_STARTERS):
                continue
            missing.append((number, word))
    return missing


def test_every_capitalised_name_is_in_the_glossary_or_excluded_for_a_reason(pack, index):
    assert _uncovered_capitalised(pack, index) == []


def test_exclusions_are_still_needed(pack, index):
    """An excluded word that the glossary now covers everywhere should leave the list."""
    words = {w for group in EXCLUSIONS.values() for w in group}
    seen = {}
    for p in pack.paragraphs:
        spans = index.spot(p)
        for _norm, start, end in tokens(p):
            bare = re.sub(r"['’]s$", "", p[start:end])
            if bare in words:
                inside = any(sp.start <= start < sp.end for sp in spans)
                seen[bare] = seen.get(bare, True) and inside
    everywhere_covered = {w for w, inside in seen.items() if inside}
    assert everywhere_covered == set()


# facts.yaml `entries`: each term with its aliases, and the glossary ids that cover that entry here
# (some reference entries are split in two by the glossary, e.g. Tito and the Jugoslav schism).
FACTS = [
    ("Twentieth Party Congress", {"twentieth-congress"},
     ["20th Congress of the CPSU", "XX Congress", "Twentieth Congress", "XX syezd KPSS"]),
    ('"secret" speech', {"secret-speech"},
     ["Secret Speech", "Khrushchev report", 'Khrushchev\'s "secret" report',
      "On the Cult of Personality and Its Consequences", "Khrushchev's revelations",
      "rapport secret", "rapporto segreto"]),
    ("Khrushchev", {"khrushchev"},
     ["Nikita Khrushchev", "N. S. Khrushchev", "Nikita Sergeyevich Khrushchev", "Khrushchov",
      "Krouchtchev", "Krusciov", "Chruščëv"]),
    ("Stalin", {"stalin", "the-mustache"},
     ["Joseph Stalin", "Iosif Vissarionovich Stalin", "the dictator", "Baffone", "Staline"]),
    ('"downgrading" of Stalin / de-Stalinization', {"de-stalinization"},
     ["De-Stalinization", "destalinisation", "destalinizzazione", "downgrading of Stalin",
      "Khrushchev Thaw", "the Thaw"]),
    ("French Communist Party", {"pcf"},
     ["PCF", "Parti communiste français", "French Party", "SFIC"]),
    ("publication by the Department of State", {"state-department-text"},
     ["State Department release", "Department of State publication", "New York Times text",
      "June 4 1956 release", "publication on June 5"]),
    ("June 30 resolution", {"june-30-resolution"},
     ["resolution of the Central Committee on June 30",
      "On Overcoming the Cult of Personality and Its Consequences",
      "On Overcoming the Cult of the Individual and Its Consequences",
      "Moscow resolution of June 30", "CPSU CC resolution 30 June 1956"]),
    ("events in Poland (Polish October)", {"polish-october"},
     ["Polish October", "crisis in Poland", "Gomułka's thaw", "Polski październik", "Gomulka",
      "Władysław Gomułka", "Eighth Plenum"]),
    ("events in Hungary", {"hungary-1956"},
     ["Hungarian revolution", "Hungarian Revolution of 1956", "Hungarian uprising",
      "Budapest revolt", "Russia's intervention in Hungary", "Hungarian massacres", "Imre Nagy",
      "counter-revolution (Communist usage)"]),
    ("cult of personality", {"cult-of-personality"},
     ["personality cult", "cult of the individual", "culte de la personnalité",
      "culto della personalità", "kult lichnosti"]),
    ("national roads to socialism", {"national-roads"},
     ["many roads to socialism", "different roads to socialism",
      "different forms of transition to socialism", "Italian road to socialism",
      "via italiana al socialismo", "Polish road to socialism", "national communism"]),
    ("collective leadership", {"collective-leadership"},
     ["direzione collettiva", "direction collective", "post-Stalin leadership", "troika"]),
    ("democratic centralism", {"democratic-centralism"},
     ["centralisme démocratique", "centralismo democratico", "Leninist organisational principle"]),
    ('"socialist world"', {"socialist-world", "satellites"},
     ["world system", "socialist camp", "socialist countries", "world socialist system",
      "Soviet bloc", "satellite countries", "satellites", "people's democracies"]),
    ("Togliatti", {"togliatti"},
     ["Palmiro Togliatti", "Ercoli", "Ercole Ercoli", "Il Migliore", "Mario Correnti"]),
    ("Nuovi Argomenti", {"nuovi-argomenti"}, ["New Arguments", "rivista di Moravia"]),
    ("interview of mid-June (Nuovi Argomenti)", {"togliatti-interview"},
     ["Togliatti interview", "Nine questions on Stalinism", "9 domande sullo stalinismo",
      "Intervista a Nuovi Argomenti", '"degeneracy"', "degeneration"]),
    ("Italian Communist Party", {"pci"},
     ["PCI", "Partito Comunista Italiano", "Italian Party", "PCd'I", "Communist Party of Italy"]),
    ("Tito and the Jugoslav schism", {"tito", "jugoslav-schism"},
     ["Tito", "Josip Broz Tito", "Yugoslav schism", "Tito-Stalin split", "Jugoslavia",
      "Yugoslavia", "Informbiro period", "Belgrade Declaration"]),
    ("Poznan riots", {"poznan"},
     ["Poznań June", "Poznań uprising", "Poznan revolt", "Poznański Czerwiec 1956",
      "bread and freedom"]),
    ("fellow-travellers", {"fellow-travellers"},
     ["fellow travelers", "fellow-traveller", "poputchiki", "compagnons de route",
      "compagni di strada", "Mitläufer", "sympathisants"]),
    ("Cominform", {"cominform"},
     ["Communist Information Bureau", "Information Bureau of the Communist and Workers' Parties",
      "Kominform", "Informbiro"]),
    ("the unification of Germany and German rearmament", {"german-question"},
     ["German rearmament", "German unification", "European Defence Community", "EDC",
      "Paris Agreements", "West Germany in NATO"]),
    ("Maurice Thorez", {"thorez"}, ["Thorez", "the Thorez group", "Fils du peuple"]),
    ("Jeannette Vermeersch", {"vermeersch"},
     ["Mme. Jeannette Vermeersch", "Mme Thorez", "Jeannette Thorez-Vermeersch",
      "Julie Vermeersch"]),
    ("François Billoux", {"billoux"}, ["M. François Billoux", "Billoux"]),
    ("Marcel Servin", {"servin"}, ["Servin", "affaire Servin-Casanova"]),
    ("Jacques Duclos", {"duclos"}, ["Duclos"]),
    ('"Zhdanovism"', {"zhdanovism", "zhdanov"},
     ["Zhdanov doctrine", "Zhdanovshchina", "jdanovisme", "zdanovismo", "two camps doctrine",
      "Andrei Zhdanov"]),
    ("Pierre Hervé", {"herve"}, ["Hervé", "La Révolution et les fétiches", 'bureaucratic "fetishes"']),
    ("Jean-Paul Sartre", {"sartre"}, ["Sartre", "Les Temps modernes", "Après Budapest, Sartre parle"]),
    ("Joliot-Curie", {"joliot-curie"},
     ["M. Joliot-Curie", "Frédéric Joliot-Curie", "Frédéric Joliot", "Jean Frédéric Joliot"]),
    ("Fourteenth Congress of the French Communist Party", {"pcf-fourteenth-congress"},
     ["XIVe congrès du PCF", "14th PCF Congress", "Le Havre congress",
      "Congress of the French Communist Party"]),
    ("Aimé Césaire", {"cesaire"},
     ["M. Aimé Césaire", "Cesaire", "Lettre à Maurice Thorez", "representative from the Antilles"]),
    ("Nazi-Soviet Pact", {"nazi-soviet-pact"},
     ["Molotov-Ribbentrop Pact", "Hitler-Stalin Pact", "German-Soviet Non-Aggression Pact",
      "pacte germano-soviétique", "Treaty of Non-Aggression between Germany and the USSR"]),
    ("Algerian war", {"algerian-war"},
     ["Algerian War of Independence", "guerre d'Algérie", "the present situation in North Africa",
      "special powers"]),
    ('"polycentric" formula', {"polycentrism"},
     ["polycentrism", "policentrismo", "polycentrisme", "polycentric system", "Polyzentrismus"]),
    ('"The mustache will soon be here!"', {"the-mustache"},
     ["Ha da venì Baffone!", "Adda venì Baffone", "Baffone", "Big Moustache"]),
    ("Eighth Congress of the Party", {"pci-eighth-congress"},
     ["Eighth Congress of the PCI", "VIII Congresso del PCI", "8th PCI Congress"]),
    ("Unita", {"unita"}, ["l'Unità", "L'Unità", "Unità"]),
    ("Gramsci Institute", {"gramsci-institute", "gramsci"},
     ["Istituto Gramsci", "Fondazione Gramsci", "Fondazione Istituto Gramsci", "Antonio Gramsci"]),
    ("Communist and pro-Communist intellectuals (Manifesto of the 101)", {"manifesto-101"},
     ["Manifesto of the 101", "Manifesto dei 101", "Communist and pro-Communist intellectuals",
      "Antonio Giolitti"]),
    ("Communist labor leaders (CGIL / Di Vittorio)", {"cgil"},
     ["Communist labor leaders", "CGIL", "Giuseppe Di Vittorio",
      "Confederazione Generale Italiana del Lavoro"]),
    ("crisis over the Suez Canal", {"suez-crisis"},
     ["Suez Canal crisis", "Suez crisis", "military operations against Egypt",
      "Tripartite Aggression", "Sinai War", "second Arab-Israeli war", "Operation Musketeer"]),
    ("British Communist Party", {"cpgb"},
     ["CPGB", "Communist Party of Great Britain", "British and Scandinavian Communist Parties"]),
    ("Palme Dutt", {"palme-dutt"},
     ["Mr. Palme Dutt", "Rajani Palme Dutt", "R. Palme Dutt", "R. P. Dutt"]),
    ("Party Congress at Battersea", {"cpgb-congress-1956"},
     ["24th Congress of the CPGB", "Twenty-Fourth National Congress", "Battersea congress",
      "closed session (British Communist Party)"]),
    ("Lenin's dream (taking over the Labor Party)", {"lenin", "labour-party"},
     ["Lenin", "Labour Party affiliation", "Labor Party",
      '"Left-Wing" Communism: An Infantile Disorder', "V. I. Lenin"]),
    ('"popular front" / united front', {"popular-front"},
     ["popular front", "united front", "Popular Front", "Front populaire", "fronte popolare",
      "united left"]),
    ("the Party Secretary at that time (Earl Browder)", {"browder", "cpusa"},
     ["Earl Browder", "Browder", "Browderism", "Communist Political Association", "CPA",
      "American Communist Party", "CPUSA", "Teheran line"]),
    ("Duclos letter", {"duclos-letter"},
     ["Duclos article", "On the Dissolution of the Communist Party of the United States",
      "Sur la dissolution du Parti communiste américain", "excommunicate this heresy"]),
    ("Norway's Communist episode of 1919-1922", {"norway-communists", "norway-labour"},
     ["Norwegian Labour Party in the Comintern", "Det norske Arbeiderparti (1919-23)",
      "Communist Party of Norway", "NKP", "Norges Kommunistiske Parti",
      "Social Democratic Labour Party of Norway"]),
    ("Social Democratic Party in Norway", {"norway-labour"},
     ["Norwegian Labour Party", "Det norske Arbeiderparti", "DNA", "Einar Gerhardsen",
      "Norwegian Labor Party"]),
    ("Leon Nicole", {"nicole", "swiss-party-of-labour"},
     ["Léon Nicole", "Nicole", "Parti suisse du Travail", "Swiss Party of Labour", "PdT", "PdA",
      "Swiss Communists"]),
    ("M. Vincent", {"vincent"}, ["Jean Vincent", "Vincent"]),
    ("Angelo Tasca (A. Rossi)", {"rossi"},
     ["A. Rossi", "Rossi", "Angelo Tasca", "Serra", "André Leroux"]),
    ("Communist International", {"comintern"},
     ["Comintern", "Third International", "Komintern", "ECCI", "Twenty-One Conditions"]),
]

# Reference headings that are labels, not names: a reader types their parts, so the parts are
# what must be findable.
COMPOUND_TERMS = {
    '"downgrading" of Stalin / de-Stalinization': ['"downgrading" of Stalin', "de-Stalinization"],
    "events in Poland (Polish October)": ["events in Poland", "Polish October"],
    "interview of mid-June (Nuovi Argomenti)": ["interview of mid-June"],
    "Tito and the Jugoslav schism": ["Tito", "Jugoslav schism"],
    "the unification of Germany and German rearmament": ["unification of Germany", "German rearmament"],
    "Communist and pro-Communist intellectuals (Manifesto of the 101)":
        ["Communist and pro-Communist intellectuals", "Manifesto of the 101"],
    "Communist labor leaders (CGIL / Di Vittorio)": ["Communist labor leaders", "CGIL", "Di Vittorio"],
    "Lenin's dream (taking over the Labor Party)": ["Lenin's dream", "Labor Party"],
    '"popular front" / united front': ["popular front", "united front"],
    "the Party Secretary at that time (Earl Browder)": ["Party Secretary at that time", "Earl Browder"],
    "Norway's Communist episode of 1919-1922": ["strong Communist Party", "Communist Party of Norway"],
    "Angelo Tasca (A. Rossi)": ["Angelo Tasca", "A. Rossi"],
}
# Reference aliases deliberately left out of the glossary.
OMITTED = {
    # Would swallow "Antilles" in the essay, which has its own entry; Césaire is named in the
    # same sentence.
    "representative from the Antilles",
    # An ordinary phrase: the Twentieth Congress had a closed session too, so a lookup would
    # mislead. The British session is explained under "Party Congress at Battersea".
    "closed session (British Communist Party)",
    # Names two parties at once; the essay's words are underlined as "Scandinavian Communist
    # Parties", and the British party is reached by its own names.
    "British and Scandinavian Communist Parties",
}


def _queries():
    for term, ids, aliases in FACTS:
        for query in COMPOUND_TERMS.get(term, [term]):
            yield query, ids
        for alias in aliases:
            if alias not in OMITTED:
                # A trailing parenthesis qualifies the alias ("counter-revolution (Communist usage)").
                yield re.sub(r"\s*\([^)]*\)$", "", alias), ids


@pytest.mark.parametrize(("query", "ids"), list(_queries()))
def test_every_reference_term_and_alias_is_findable(index, query, ids):
    result = index.lookup(query)
    found = {result.match.id} if result.match else {e.id for e in result.candidates}
    assert found & ids, f"{query!r} finds {found or result.suggestions}, expected one of {ids}"


def test_lists_refer_to_real_glossary_entries(pack):
    ids = {e.id for e in pack.glossary}
    for _term, wanted, _aliases in FACTS:
        assert wanted <= ids
    assert set(COMPOUND_TERMS) <= {t for t, _, _ in FACTS}
    assert OMITTED <= {a for _, _, aliases in FACTS for a in aliases}


def test_the_bundled_pack_has_no_warnings():
    """`guided-reader check` warns about one-way see-also links; the bundled pack has none."""
    assert [str(w) for w in load_pack_checked(default_pack_dir())[1]] == []
