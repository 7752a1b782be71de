"""The demo evidence reproduces seed 003's Table 1 and seed 004's figures; the ranking formula."""

import io

import pytest
from django.core.management import call_command

from assessments import demo, scoring
from assessments.models import CrimeCount, Indicator, StrategicAssessment, Threat

PUBLISHED = [
    ("Gun & Knife Crime", 3),
    ("Domestic Abuse", 3),
    ("Violence Linked to Drug Supply", 3),
    ("County Lines", 3),
    ("Modern Day Slavery/Trafficking", 2),
    ("Child Criminal Exploitation", 3),
    ("Anti-Social Behaviour", 2),
    ("Road Safety", 3),
    ("Cyber Crime", 3),
    ("Fraud", 3),
    ("Child Sexual Exploitation", 3),
    ("Homicide", 2),
    ("Robbery & Burglary", 1),
]


@pytest.mark.django_db
def test_demo_reproduces_the_published_threat_ranking_and_runs_twice(monkeypatch, tmp_path):
    monkeypatch.setattr(demo, "SHARED_STREET", tmp_path / "absent")  # the generated fallback, fast
    for _ in range(2):
        out = io.StringIO()
        call_command("load_demo", "--force", stdout=out)
    assessment = StrategicAssessment.objects.get(title=demo.TITLE)
    ranked = list(Threat.objects.filter(assessment=assessment).order_by("rank").values_list("name", "ori", "rank"))
    assert [(name, ori) for name, ori, _ in ranked] == PUBLISHED
    assert [rank for *_, rank in ranked] == list(range(1, 14))
    assert assessment.recommendations.count() == 3
    assert [r.label for r in assessment.tables.get(title__startswith="Table 2").rows.all()][0] == "10-17"
    assert assessment.consultations.get(sample_size=40000).issues.first().issue.startswith("Anti-Social Behaviour")
    assert "GENERATED" in out.getvalue()
    assert set(CrimeCount.objects.values_list("force", flat=True)) == {demo.GENERATED_FORCE}
    chorley = Indicator.objects.get(name="Vehicle offences, Chorley")
    assert [int(v.value) for v in chorley.values.all()] == [234, 378]


def test_ori_comes_from_capacity_and_capability():
    assert scoring.organisational_risk_indicator(5, 5) == 1
    assert scoring.organisational_risk_indicator(4, 4) == 2
    assert scoring.organisational_risk_indicator(3, 3) == 3
    assert scoring.organisational_risk_indicator(1, 1) == 5


def test_rank_orders_by_score_then_harm_and_honours_overrides():
    threats = [
        scoring.Scored("a", "A", 100, 3, 3),
        scoring.Scored("b", "B", 100, 5, 3),
        scoring.Scored("c", "C", 50, 5, 3, manual_rank=1),
        scoring.Scored("d", "D", 10, 1, 1, manual_rank=99),
    ]
    assert scoring.rank(threats) == {"c": 1, "b": 2, "a": 3, "d": 4}
