"""How a priority-setting exercise ranks its candidates. Pure: no database, so that a test can check
it against a hand computation.

The formula
-----------
Each participant scores each candidate against each criterion from 1 (not at all) to 5 (very much);
a participant may leave a question unscored.

1. For candidate *c* and criterion *k*, the **criterion mean** m(c, k) is the mean of the scores
   participants gave, over those who scored it.
2. An **inverse** criterion ("Is this a single agency issue?") counts against the candidate, so its
   mean is turned round: a(c, k) = 6 - m(c, k). Otherwise a(c, k) = m(c, k).
3. The candidate's **score** is the weighted mean of a(c, k) over the criteria anyone scored for it:
   S(c) = sum(w_k * a(c, k)) / sum(w_k). It stays on the 1-5 scale whatever the weights.
   A candidate nobody scored has no score.
4. Candidates are ranked by score, highest first; equal scores are ordered by title (A to Z), and
   candidates without a score come last, by title.

Arithmetic is exact (fractions), so equal scores are equal and ties are broken only by title.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

SCORE_MIN, SCORE_MAX = 1, 5


@dataclass(frozen=True)
class CriterionWeight:
    id: Hashable
    weight: int
    inverse: bool = False


@dataclass(frozen=True)
class Vote:
    """One score: who gave it, to which candidate, against which criterion."""

    participant: Hashable
    candidate: Hashable
    criterion: Hashable
    value: int


@dataclass
class Ranked:
    candidate: Hashable
    title: str
    rank: int = 0
    score: Fraction | None = None
    criterion_means: dict[Hashable, Fraction] = field(default_factory=dict)
    scorers: int = 0

    @property
    def score_display(self) -> str:
        return "Not scored" if self.score is None else f"{float(self.score):.2f}"


def rank(
    candidates: Sequence[tuple[Hashable, str]], criteria: Sequence[CriterionWeight], votes: Iterable[Vote]
) -> list[Ranked]:
    """``candidates`` are (id, title); the result has one entry per candidate, best first, ranks 1..n.
    Votes for unknown candidates or criteria are ignored."""
    by_criterion = {criterion.id: criterion for criterion in criteria}
    titles = dict(candidates)
    values: dict[tuple[Hashable, Hashable], list[int]] = defaultdict(list)
    scorers: dict[Hashable, set] = defaultdict(set)
    for vote in votes:
        if vote.candidate not in titles or vote.criterion not in by_criterion:
            continue
        if not SCORE_MIN <= vote.value <= SCORE_MAX:
            raise ValueError(f"a score must be {SCORE_MIN} to {SCORE_MAX}, not {vote.value}")
        values[vote.candidate, vote.criterion].append(vote.value)
        scorers[vote.candidate].add(vote.participant)

    results = []
    for candidate_id, title in candidates:
        entry = Ranked(candidate=candidate_id, title=title, scorers=len(scorers[candidate_id]))
        weighted, total_weight = Fraction(0), 0
        for criterion in criteria:
            given = values.get((candidate_id, criterion.id))
            if not given:
                continue
            mean = Fraction(sum(given), len(given))
            entry.criterion_means[criterion.id] = mean
            adjusted = (SCORE_MIN + SCORE_MAX) - mean if criterion.inverse else mean
            weighted += criterion.weight * adjusted
            total_weight += criterion.weight
        if total_weight:
            entry.score = weighted / total_weight
        results.append(entry)

    results.sort(key=lambda r: (r.score is None, -(r.score or 0), r.title.casefold(), r.title))
    for position, entry in enumerate(results, start=1):
        entry.rank = position
    return results
