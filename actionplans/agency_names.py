"""Which known agency a name in an imported action plan most likely means, for 'did you mean ...?'.

Plain string similarity offers 'Lancashire Victim Services' for 'Lancashire Police Service' because
they share 'Lancashire' and 'Service'. People name agencies by what they are and where: a name is
read here as its *kind* (police, fire and rescue, health, council...; 'Police Service',
'Constabulary' and 'Police' are one kind, as are 'NHS', 'ICB' and 'Integrated Care Board') and its
*meaningful words* (the place and whatever else is left once the kind's words and filler words are
taken out). A suggestion is of the same kind and shares the meaningful words; an agency of a
clearly different kind is never suggested, however alike the letters.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from csp_portal.organisations.models import Agency

# Phrases naming a kind of agency, longest first when read (so the OPCC is not read as police).
KIND_PHRASES = {
    "opcc": (
        "office of the police and crime commissioner",
        "office of the police, fire and crime commissioner",
        "police and crime commissioner",
        "police fire and crime commissioner",
        "opcc",
        "pcc",
    ),
    "police": ("police service", "police force", "constabulary", "police"),
    "fire": ("fire and rescue service", "fire and rescue", "fire service", "fire brigade", "frs", "fire"),
    "health": (
        "integrated care board",
        "clinical commissioning group",
        "nhs foundation trust",
        "nhs trust",
        "health",
        "nhs",
        "icb",
        "ccg",
    ),
    "council": (
        "metropolitan borough council",
        "borough council",
        "district council",
        "county council",
        "city council",
        "local authority",
        "council",
    ),
    "probation": ("national probation service", "probation service", "probation", "nps", "crc"),
    "youth_justice": ("youth offending team", "youth offending service", "youth justice service", "yot", "yos"),
    "housing": ("housing association", "housing group", "housing trust", "housing"),
    "victims": ("victim services", "victim support", "victims"),
}
_PHRASES = sorted(((p, kind) for kind, phrases in KIND_PHRASES.items() for p in phrases), key=lambda x: -len(x[0]))
# An agency whose name says no kind is of its recorded type's kind, where that type has one.
TYPE_KINDS = {
    Agency.Type.POLICE: "police",
    Agency.Type.FIRE: "fire",
    Agency.Type.HEALTH: "health",
    Agency.Type.LOCAL_AUTHORITY: "council",
    Agency.Type.PROBATION: "probation",
    Agency.Type.YOUTH_JUSTICE: "youth_justice",
    Agency.Type.OPCC: "opcc",
    Agency.Type.HOUSING: "housing",
}
FILLER = {
    "the",
    "of",
    "for",
    "and",
    "in",
    "service",
    "services",
    "team",
    "group",
    "district",
    "borough",
    "city",
    "partnership",
}
SIMILAR_WORD = 0.8  # difflib ratio at which two words are taken for one misspelt
SIMILAR_NAME = 0.8  # ... and two whole names


@dataclass(frozen=True)
class Reading:
    kind: str | None
    words: frozenset[str]
    text: str


def read(name: str, agency_type: str = "") -> Reading:
    """A name as its kind and meaningful words."""
    text = " ".join(re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and ")).split())
    kind, rest = None, f" {text} "
    for phrase, phrase_kind in _PHRASES:
        if f" {phrase} " in rest:
            kind = kind or phrase_kind
            rest = rest.replace(f" {phrase} ", " ")
    words = frozenset(word for word in rest.split() if word not in FILLER and len(word) > 1)
    return Reading(kind or TYPE_KINDS.get(agency_type), words, text)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and short[0] == long[0] and _in_order(short, long):  # 'Lancs' for 'Lancashire'
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_WORD


def _in_order(short: str, long: str) -> bool:
    """Whether the letters of ``short`` appear in ``long`` in the same order (an abbreviation)."""
    letters = iter(long)
    return all(letter in letters for letter in short)


def _shared(typed: frozenset[str], known: frozenset[str]) -> int:
    return sum(1 for word in typed if any(_same_word(word, other) for other in known))


def score(typed: Reading, known: Reading) -> tuple | None:
    """How well ``known`` fits what was typed, higher first, or None when it is not a fit."""
    if typed.kind and known.kind and typed.kind != known.kind:
        return None  # a clearly different kind of agency
    similarity = difflib.SequenceMatcher(None, typed.text, known.text).ratio()
    shared = _shared(typed.words, known.words)
    same_kind = typed.kind is not None and typed.kind == known.kind
    if same_kind:
        # The kind agrees: every meaningful word typed must be found in the agency's name.
        fits = shared == len(typed.words)
        words = shared / max(len(typed.words), 1)
    else:
        # Nothing says the kind: the same meaningful words, give or take a misspelling.
        words = shared / max(len(typed.words), len(known.words), 1)
        fits = bool(typed.words) and words == 1
    if not (fits or similarity >= SIMILAR_NAME):
        return None
    return (same_kind, words, similarity)


def best_match(name: str, agencies: list[Agency]) -> Agency | None:
    """The agency ``name`` most likely means, or None when none is a fit."""
    typed = read(name)
    scored = [(found, agency) for agency in agencies if (found := score(typed, read(agency.name, agency.agency_type)))]
    if not scored:
        return None
    return max(scored, key=lambda pair: pair[0])[1]
