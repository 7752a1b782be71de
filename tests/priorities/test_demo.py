"""load_demo: the seed plans, with their priorities, lists and county links, and no real names."""

import pytest

from priorities import services
from priorities.models import Commitment, CurrentWork, Outcome, Plan, Priority
from tests.demo_copy import load_demo, load_demo_again

pytestmark = pytest.mark.django_db

# People named in the seed documents: the demo gives role titles instead.
SEED_NAMES = ["Mullin", "Cooper", "O'Gara", "Emery", "Dawson", "Ronson", "Burton", "Jones", "Brokenshire", "Binks"]


def lists(priority) -> tuple[int, int, int]:
    return priority.outcomes.count(), priority.current_work.count(), priority.commitments.count()


def check_chorley_and_south_ribbles_plan_has_its_four_priorities_and_their_lists():
    plan = Plan.objects.get(partnership__slug="chorley-south-ribble")
    assert (plan.title, plan.period_label, plan.status) == (
        "Chorley and South Ribble Community Safety Partnership Plan 2022-2025",
        "2022-2025",
        "agreed",
    )
    assert [(p.title, lists(p)) for p in plan.priorities.all()] == [
        ("Anti-social behaviour", (3, 8, 11)),
        ("Vulnerability and exploitation", (4, 5, 9)),
        ("Domestic abuse and violence against women and girls", (4, 5, 12)),
        ("Road safety and vehicle crime", (4, 10, 8)),
    ]
    forums = plan.priorities.get(title="Anti-social behaviour").current_work.first()
    assert forums.sub_points[0] == "Lancashire Reducing Re-offending Board"
    assert "Police and Crime Plan" in plan.related_strategy_list
    assert "61%" in plan.priorities.get(title="Road safety and vehicle crime").why


def check_lancasters_five_priorities_have_their_leads_roles_and_outcomes():
    plan = Plan.objects.get(partnership__slug="lancaster")
    assert [(p.title, p.lead_label, p.outcomes.count()) for p in plan.priorities.all()] == [
        ("Domestic violence and abuse", "Domestic Abuse Lead, Lancashire County Council", 2),
        ("Violence against the person", "Chief Inspector, Lancashire Constabulary", 1),
        ("Road safety", "Road Safety Lead, Lancashire Fire and Rescue Service", 3),
        ("Anti-social behaviour", "Community Safety Manager, Lancaster City Council", 3),
        ("Serious acquisitive crime", "Chief Inspector, Lancashire Constabulary", 3),
    ]
    assert plan.period_label == "2011/12"


def check_district_priorities_support_the_community_safety_agreements():
    agreement = Plan.objects.get(partnership__slug="lancashire")
    assert agreement.is_agreement
    assert [p.title for p in agreement.priorities.all()] == [
        "Violence against the person",
        "Domestic abuse",
        "Child sexual exploitation (CSE)",
        "Anti-social behaviour (ASB)",
        "Road safety",
    ]
    supporters = {
        p.title: sorted(s.plan.partnership.slug for s in p.supported_by.all()) for p in agreement.priorities.all()
    }
    assert supporters == {
        "Violence against the person": ["lancaster"],
        "Domestic abuse": ["chorley-south-ribble", "lancaster"],
        "Child sexual exploitation (CSE)": ["chorley-south-ribble"],
        "Anti-social behaviour (ASB)": ["chorley-south-ribble", "lancaster"],
        "Road safety": ["chorley-south-ribble", "lancaster"],
    }


def check_the_demo_names_no_real_person():
    texts = [
        *Plan.objects.values_list("summary", flat=True),
        *Priority.objects.values_list("why", flat=True),
        *Priority.objects.values_list("lead_role", flat=True),
        *Outcome.objects.values_list("text", flat=True),
        *CurrentWork.objects.values_list("text", flat=True),
        *Commitment.objects.values_list("text", flat=True),
    ]
    for name in SEED_NAMES:
        assert not [text for text in texts if name in text], name


def test_running_it_again_changes_nothing():
    load_demo()
    counts = [model.history.count() for model in (Plan, Priority, Outcome, CurrentWork, Commitment)]
    load_demo_again()
    assert [model.history.count() for model in (Plan, Priority, Outcome, CurrentWork, Commitment)] == counts
    assert Priority.objects.count() == 14


def test_loading_it_again_brings_back_a_priority_someone_archived():
    load_demo()
    archived = Priority.objects.get(title="Road safety and vehicle crime")
    services.archive_priority(archived, actor=None)
    load_demo_again()
    assert Priority.objects.get(pk=archived.pk).order == 4
    assert Priority.objects.count() == 14


def check_the_chorley_plan_cites_the_2022_assessment_and_its_threats():
    """The assessments app's demo step (order 450) loads the assessment; this one (600) links to it."""
    plan = Plan.objects.get(partnership__slug="chorley-south-ribble")
    assert plan.assessment.title == "Lancashire Strategic Assessment 2022-2025"
    evidence = {p.title: sorted(t.name for t in p.evidence.all()) for p in plan.priorities.all()}
    assert evidence == {
        "Anti-social behaviour": ["Anti-Social Behaviour"],
        "Vulnerability and exploitation": [
            "Child Criminal Exploitation",
            "Child Sexual Exploitation",
            "County Lines",
            "Modern Day Slavery/Trafficking",
        ],
        "Domestic abuse and violence against women and girls": ["Domestic Abuse"],
        "Road safety and vehicle crime": ["Road Safety"],
    }


def test_the_demo_loads_the_three_seed_plans():
    """One load (it takes seconds), every check."""
    load_demo()
    check_chorley_and_south_ribbles_plan_has_its_four_priorities_and_their_lists()
    check_lancasters_five_priorities_have_their_leads_roles_and_outcomes()
    check_district_priorities_support_the_community_safety_agreements()
    check_the_chorley_plan_cites_the_2022_assessment_and_its_threats()
    check_the_demo_names_no_real_person()
