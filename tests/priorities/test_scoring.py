"""The ranking formula, against a hand computation with three participants.

Criteria: c1 'Do we add value as a partnership?' (weight 2), c2 'Is this a single agency issue?'
(weight 1, scored inversely), c3 'If we don't tackle it, who does?' (weight 1).

Scores from Ann, Ben and Cat, and the working:

  Domestic abuse  c1: 4 4 4 -> 4     c2: 1 2 3 -> 2, inverted 6-2 = 4   c3: 5 5 5 -> 5
                  (2*4 + 1*4 + 1*5) / 4 = 17/4 = 4.25
  ASB             c1: 4 4 4 -> 4     c2: 2 2 2 -> 2, inverted 4          c3: 4 4 4 -> 4
                  (2*4 + 4 + 4) / 4 = 16/4 = 4.00
  Knife crime     c1: 5 4 3 -> 4     c2: 2 2 2 -> 2, inverted 4          c3: 4 5 3 -> 4
                  (2*4 + 4 + 4) / 4 = 16/4 = 4.00   (ties with ASB: 'ASB' comes first by title)
  Fraud           c1: 3 2 - -> 2.5   c2: 5 4 3 -> 4, inverted 2          c3: 3 3 3 -> 3
                  (2*2.5 + 2 + 3) / 4 = 10/4 = 2.50  (Cat left c1 unscored: the mean is of two)
  Shoplifting     nobody scored it: no score, last.
"""

from fractions import Fraction

import pytest

from priorities.scoring import CriterionWeight, Vote, rank

CRITERIA = [CriterionWeight("c1", 2), CriterionWeight("c2", 1, inverse=True), CriterionWeight("c3", 1)]
CANDIDATES = [("ka", "Knife crime"), ("da", "Domestic abuse"), ("fr", "Fraud"), ("asb", "ASB"), ("sh", "Shoplifting")]
SCORES = {
    "da": {"c1": (4, 4, 4), "c2": (1, 2, 3), "c3": (5, 5, 5)},
    "asb": {"c1": (4, 4, 4), "c2": (2, 2, 2), "c3": (4, 4, 4)},
    "ka": {"c1": (5, 4, 3), "c2": (2, 2, 2), "c3": (4, 5, 3)},
    "fr": {"c1": (3, 2, None), "c2": (5, 4, 3), "c3": (3, 3, 3)},
}
PARTICIPANTS = ("ann", "ben", "cat")
HAND_COMPUTED = [
    (1, "Domestic abuse", Fraction(17, 4)),
    (2, "ASB", Fraction(4)),
    (3, "Knife crime", Fraction(4)),
    (4, "Fraud", Fraction(5, 2)),
    (5, "Shoplifting", None),
]


def votes():
    for candidate, by_criterion in SCORES.items():
        for criterion, values in by_criterion.items():
            for participant, value in zip(PARTICIPANTS, values, strict=True):
                if value is not None:
                    yield Vote(participant, candidate, criterion, value)


def test_three_participants_rank_as_computed_by_hand():
    result = rank(CANDIDATES, CRITERIA, votes())
    assert [(r.rank, r.title, r.score) for r in result] == HAND_COMPUTED
    assert [r.score_display for r in result] == ["4.25", "4.00", "4.00", "2.50", "Not scored"]


def test_criterion_means_are_kept_before_inverting():
    fraud = next(r for r in rank(CANDIDATES, CRITERIA, votes()) if r.title == "Fraud")
    assert fraud.criterion_means == {"c1": Fraction(5, 2), "c2": Fraction(4), "c3": Fraction(3)}
    assert fraud.scorers == 3


def test_weights_change_the_order():
    heavy_c3 = [CriterionWeight("c1", 1), CriterionWeight("c2", 1, inverse=True), CriterionWeight("c3", 10)]
    result = rank(CANDIDATES, heavy_c3, votes())
    # ASB: (4 + 4 + 40) / 12 = 4; Knife crime the same; Domestic abuse (4 + 4 + 50) / 12 = 58/12.
    assert [r.title for r in result][:3] == ["Domestic abuse", "ASB", "Knife crime"]
    assert result[0].score == Fraction(58, 12)


def test_an_unscored_criterion_does_not_count_against_a_candidate():
    result = rank([("x", "X")], CRITERIA, [Vote("ann", "x", "c3", 5)])
    assert result[0].score == 5


def test_ties_are_broken_by_title_whatever_the_input_order():
    same = [Vote("ann", key, "c1", 3) for key in ("b", "a", "c")]
    result = rank([("b", "Burglary"), ("a", "arson"), ("c", "County lines")], CRITERIA, same)
    assert [r.title for r in result] == ["arson", "Burglary", "County lines"]


def test_a_score_outside_one_to_five_is_refused():
    with pytest.raises(ValueError):
        rank([("x", "X")], CRITERIA, [Vote("ann", "x", "c1", 6)])


def test_votes_for_unknown_candidates_or_criteria_are_ignored():
    result = rank([("x", "X")], CRITERIA, [Vote("ann", "y", "c1", 5), Vote("ann", "x", "c9", 1)])
    assert result[0].score is None
