"""Today's report snapshot of a partnership and quarter, built once and read from the cache until its
data changes: what the dashboard, the report quarter page and the preview show.

``snapshot.build`` reads about twenty queries and, for a partnership of a hundred actions, takes
about a tenth of a second; the dashboard is the page board members open most. The cached copy is
keyed on the partnership's data token (``csp_portal.freshness``), which every save or deletion of
what the snapshot reads replaces once it commits (``watch``, connected when the app is ready), and on
today's date. A district's change marks its county too: the county's report rolls its districts up.
Issued reports never read this: issuing builds from the database, in its own transaction.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from actionplans.models import Action, FundingAllocation, ProgressReturn, QuarterClosure
from assessments.models import Indicator, IndicatorValue
from csp_portal import freshness
from csp_portal.organisations.models import Agency, Authority, Partnership, User
from csp_portal.quarters import Quarter
from priorities.models import Outcome, Plan, Priority

from . import snapshot
from .models import Decision, Meeting, ReportSettings

# A bound on how long a change the signals cannot see (a bulk update) stays unseen.
CACHE_SECONDS = 10 * 60


def current(partnership: Partnership, quarter: Quarter) -> dict:
    """The snapshot ``snapshot.build`` gives for today's data, dated now."""
    today = timezone.localdate()
    key = f"report-snapshot:{partnership.pk}:{quarter.slug}:{today.isoformat()}:{freshness.token(partnership.pk)}"
    data = cache.get(key)
    if data is None:
        data = snapshot.build(partnership, quarter)
        cache.set(key, data, CACHE_SECONDS)
        return data
    now = timezone.now()
    data["document"] |= {
        "date": snapshot.day(now),
        "timestamp": timezone.localtime(now).isoformat(timespec="seconds"),
    }
    return data


# -- What the snapshot reads, and whose it is ------------------------------------------------------


def _of_action(action_id: int) -> list[int]:
    return list(Action.objects.filter(pk=action_id).values_list("partnership_id", flat=True))


def _of_plan(plan_id: int) -> list[int]:
    return list(Plan.objects.filter(pk=plan_id).values_list("partnership_id", flat=True))


def _of_indicator(indicator_id: int) -> list[int]:
    return list(Indicator.objects.filter(pk=indicator_id).values_list("partnership_id", flat=True))


def _of_priority(priority_id: int) -> list[int]:
    return list(Priority.objects.filter(pk=priority_id).values_list("plan__partnership_id", flat=True))


def _of_decision(decision: Decision) -> list[int]:
    if decision.meeting_id:
        return list(Meeting.objects.filter(pk=decision.meeting_id).values_list("partnership_id", flat=True))
    return list(
        ProgressReturn.objects.filter(pk=decision.progress_return_id).values_list("action__partnership_id", flat=True)
    )


OWNERS = {
    Action: lambda row: [row.partnership_id],
    FundingAllocation: lambda row: [row.partnership_id],
    QuarterClosure: lambda row: [row.partnership_id],
    Plan: lambda row: [row.partnership_id],
    Meeting: lambda row: [row.partnership_id],
    ReportSettings: lambda row: [row.partnership_id],
    Indicator: lambda row: [row.partnership_id],
    Partnership: lambda row: [row.pk],
    ProgressReturn: lambda row: _of_action(row.action_id),
    Priority: lambda row: _of_plan(row.plan_id),
    Outcome: lambda row: _of_priority(row.priority_id),
    IndicatorValue: lambda row: _of_indicator(row.indicator_id),
    Decision: _of_decision,
}
# What every partnership's report reads: the councils, the agencies, people's names.
EVERYWHERE = (Authority, Agency, User)
# The fields of a person the report shows; a sign-in only writes last_login.
PERSON_FIELDS = {"full_name", "job_title", "agency", "email"}


def _with_counties(partnership_ids: list[int]) -> list[int]:
    counties = Partnership.objects.filter(pk__in=partnership_ids, county_board__isnull=False).values_list(
        "county_board_id", flat=True
    )
    return [*partnership_ids, *counties]


# The fields of an action the report never shows: an edit of these alone (at quarter end, officers
# keep the resources and the activity up to date) leaves the snapshot as it was. ``version`` counts
# every save. tests/reports/test_live_snapshot.py checks that a rebuild agrees.
ACTION_FIELDS_NOT_IN_REPORT = {"activity", "resources", "version"}


def _remember_stored(sender, instance, **kwargs) -> None:
    """What ``_unseen_by_snapshot`` compares of a return or an action about to be saved, as stored:
    a return's status; every column of an action."""
    fields = ["status"] if sender is ProgressReturn else [field.attname for field in sender._meta.concrete_fields]
    instance._stored = sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None


def _unseen_by_snapshot(sender, instance, **kwargs) -> bool:
    """A save the report cannot show: a lead's draft saved as a draft again (or begun), which at
    quarter end is what is saved most often; an action whose changed fields the report never shows."""
    if "created" not in kwargs:  # a deletion
        return False
    stored = getattr(instance, "_stored", None)
    if sender is ProgressReturn:
        draft = ProgressReturn.Status.DRAFT
        return instance.status == draft and (stored is None or stored["status"] == draft)
    if sender is Action and stored is not None:
        changed = {name for name, value in stored.items() if getattr(instance, name) != value}
        return changed <= ACTION_FIELDS_NOT_IN_REPORT
    return False


def _row_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw") or _unseen_by_snapshot(sender, instance, **kwargs):
        return
    if sender in EVERYWHERE:
        fields = kwargs.get("update_fields")
        if fields is None or PERSON_FIELDS & set(fields) or sender is not User:
            freshness.changed_everywhere()
        return
    owners = [pk for pk in OWNERS[sender](instance) if pk is not None]
    if owners:
        freshness.changed(_with_counties(owners))


def _authorities_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        freshness.changed_everywhere()


def watch() -> None:
    """Replace the token of a partnership whenever a row its snapshot reads is saved or deleted."""
    for model in (*OWNERS, *EVERYWHERE):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"live-snapshot-save-{model._meta.label}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"live-snapshot-delete-{model._meta.label}")
    for model in (ProgressReturn, Action):
        pre_save.connect(_remember_stored, sender=model, dispatch_uid=f"live-snapshot-stored-{model._meta.label}")
    m2m_changed.connect(
        _authorities_changed, sender=Partnership.authorities.through, dispatch_uid="live-snapshot-authorities"
    )
