"""How a threat ranking is worked out, so that every rank can be explained.

The strategic assessment scores each threat the way MORILE (Management of Risk in Law Enforcement)
does, on six components, each from 1 to 5:

==================  ==========================================================================
harm                how much harm it does to victims and communities (5 = the most)
likelihood          how often it happens, or how likely it is (5 = the most)
trend               which way it is heading (1 = falling sharply, 3 = stable, 5 = rising sharply)
public concern      how much it worries residents, e.g. in surveys (5 = the most)
capacity            whether partners have the people and money to tackle it (5 = fully)
capability          whether partners have the skills, powers and tools to tackle it (5 = fully)
==================  ==========================================================================

From them:

- **Organisational risk indicator (ORI)**, 1 to 5, how well partners are placed to tackle the threat
  (5 is the worst): ``ORI = 1 + ceil(gap / 2)`` where ``gap = (5 - capacity) + (5 - capability)``.
  A fully resourced and capable partnership (gap 0) scores 1; one with neither (gap 8) scores 5.
- **Threat score** = harm x likelihood (1 to 25), MORILE's impact times likelihood.
- **Risk score** = threat score x (trend + public concern + ORI), from 3 to 375. Trend and public
  concern raise the priority of a threat that is growing or worries people; a high ORI raises the
  priority of a threat partners are poorly placed to tackle.
- **Rank**: by risk score, highest first; ties go to the higher harm, then the higher ORI, then by
  name. An analyst may override a threat's rank, giving a reason; overridden threats take the rank
  they were given and the others fill the remaining places in score order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

COMPONENTS = ("harm", "likelihood", "trend", "public_concern", "capacity", "capability")
MIN_SCORE, MAX_SCORE = 1, 5

FORMULA = (
    "Risk score = harm × likelihood × (trend + public concern + ORI); "
    "ORI = 1 + ⌈((5 − capacity) + (5 − capability)) ÷ 2⌉. "
    "Ranked by risk score, then harm, then ORI; an analyst may override a rank with a reason."
)


def organisational_risk_indicator(capacity: int, capability: int) -> int:
    gap = (MAX_SCORE - capacity) + (MAX_SCORE - capability)
    return 1 + math.ceil(gap / 2)


def threat_score(harm: int, likelihood: int) -> int:
    return harm * likelihood


def risk_score(harm: int, likelihood: int, trend: int, public_concern: int, ori: int) -> int:
    return threat_score(harm, likelihood) * (trend + public_concern + ori)


@dataclass(frozen=True)
class Scored:
    """What the ranking needs to know of one threat."""

    key: object
    name: str
    risk_score: int
    harm: int
    ori: int
    manual_rank: int | None = None


def rank(threats: Sequence[Scored]) -> dict[object, int]:
    """{key: rank from 1}. Overridden threats keep their manual rank (clamped to the number of threats;
    two claiming the same place go in score order); the rest fill the gaps in score order."""
    by_score = sorted(threats, key=lambda t: (-t.risk_score, -t.harm, -t.ori, t.name))
    overridden = sorted((t for t in by_score if t.manual_rank), key=lambda t: t.manual_rank)
    scored = [t for t in by_score if not t.manual_rank]
    count = len(threats)
    places: list[Scored | None] = [None] * count
    for threat in overridden:
        wanted = min(max(threat.manual_rank, 1), count) - 1
        # The nearest free place at or after the one asked for, else before it.
        free = next((i for i in range(wanted, count) if places[i] is None), None)
        if free is None:
            free = next(i for i in range(wanted, -1, -1) if places[i] is None)
        places[free] = threat
    remaining = iter(scored)
    for index in range(count):
        if places[index] is None:
            places[index] = next(remaining)
    return {threat.key: position for position, threat in enumerate(places, start=1)}
