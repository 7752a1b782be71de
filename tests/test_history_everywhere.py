"""History is kept for every change: every model of the product keeps its versions with
django-simple-history, except the technical records below, each of which says why."""

import pytest
from django.apps import apps
from simple_history.models import registered_models

from csp_portal.organisations.models import User
from priorities import services as priority_services
from priorities.models import Score
from tests.priorities.factories import CandidateFactory, CriterionFactory, ExerciseFactory

PRODUCT_APPS = [
    "organisations",
    "notifications",
    "api",
    "assessments",
    "priorities",
    "actionplans",
    "reviews",
    "reports",
]

# Records that are not edited by anyone, so there is no change to keep a history of.
WITHOUT_HISTORY = {
    # The sign-in audit is itself the history of sign-ins; it is written once and never changed.
    "organisations.SignInEvent",
    # A notice sent to someone: written by the portal, then only marked read and its e-mail's delivery.
    "notifications.Notification",
    # A person's own choice of how they are told, about nobody else's work.
    "notifications.Preference",
    # Police.uk street-level figures: re-imported whole from the published files, by the million.
    "assessments.CrimeCount",
    # A background import job's status row: queued, running, done or failed, with its counts.
    "assessments.CrimeImport",
    # An event: who closed which quarter, when. Written once, never changed.
    "actionplans.QuarterClosure",
    # The claim that a reminder e-mail was sent, so that it goes once; written once, never changed.
    "actionplans.ReminderSent",
    # An issued report is immutable (its PDF and checksum are the record); a new issue is a new row.
    "reports.ReportVersion",
    # A background render job's status row, like CrimeImport.
    "reports.ReportJob",
}


def product_models():
    """Every model of the product's apps, leaving out the history tables themselves."""
    for label in PRODUCT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model._meta.model_name.startswith("historical"):
                yield model


def has_history(model) -> bool:
    return any(model is tracked for tracked in registered_models.values())


@pytest.mark.parametrize("model", list(product_models()), ids=lambda m: m._meta.label)
def test_every_product_model_keeps_its_history_or_says_why_not(model):
    label = model._meta.label
    if label in WITHOUT_HISTORY:
        assert not has_history(model), f"{label} keeps history now: take it off WITHOUT_HISTORY"
    else:
        assert has_history(model), f"{label} has no HistoricalRecords: add it, or list it here with a reason"


def test_the_list_of_exceptions_names_only_real_models():
    assert {model._meta.label for model in product_models()} >= WITHOUT_HISTORY


@pytest.mark.django_db
def test_a_sign_in_adds_no_version_but_a_change_to_a_person_does(cast, client):
    user = cast.officer
    versions = User.history.filter(id=user.pk).count()
    client.force_login(user)  # stamps last_login, a bookkeeping save
    assert User.history.filter(id=user.pk).count() == versions
    user.full_name = "Olivia Officer-Smith"
    user.save()
    latest = User.history.filter(id=user.pk).latest("history_id")
    assert latest.full_name == "Olivia Officer-Smith"
    assert not hasattr(latest, "password")  # the password hash is never copied into the history


@pytest.mark.django_db
def test_scores_keep_a_version_for_every_change_with_who_gave_them(cast):
    exercise = ExerciseFactory()
    exercise.participants.add(cast.lead)
    candidate = CandidateFactory(exercise=exercise)
    criterion = CriterionFactory(exercise=exercise)
    key = (candidate.pk, criterion.pk)
    for value in (3, 5, None):
        priority_services.record_scores(exercise, actor=cast.lead, scores={key: value})
    history = Score.history.filter(candidate=candidate).order_by("history_id")
    assert [(r.history_type, r.value, r.history_user) for r in history] == [
        ("+", 3, cast.lead),
        ("~", 5, cast.lead),
        ("-", 5, cast.lead),
    ]
