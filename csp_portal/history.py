"""Change history shown to users: who changed what, when, with the values before and after.

django-simple-history keeps a row per saved version. ``changes`` turns the versions of one or
more objects into readable entries, in a fixed number of queries however long the history is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Change:
    when: datetime
    who: str
    kind: str
    subject: str
    fields: list[FieldChange] = field(default_factory=list)


def _display(model_field: models.Field, value, related_names: dict) -> str:
    if value is None or value == "":
        return "(empty)"
    if model_field.is_relation:
        return related_names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):  # as every page writes a moment: '7 December 2026, 14:05'
        return dateformat.format(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y, H:i")
    if isinstance(value, date):
        return dateformat.format(value, "j F Y")
    return str(value)


def _related_names(records: list, tracked: list[models.Field]) -> dict:
    """str() of every object the versions point at, one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for record in records:
        for model_field in tracked:
            if model_field.is_relation:
                value = getattr(record, model_field.attname)
                if value is not None:
                    wanted[model_field.related_model].add(value)
    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    return names


def changes(history: models.QuerySet, subject=str, limit: int = 200, exclude: tuple[str, ...] = ()) -> list[Change]:
    """Newest first. ``history`` is a simple-history queryset (e.g. ``Plan.history.filter(id=...)``)
    and ``subject`` names the object a version belongs to."""
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        return []
    model = records[0].instance_type
    tracked = [
        f
        for f in model._meta.concrete_fields
        if f.name not in exclude and not f.primary_key and f.name not in {"version"}
    ]
    related_names = _related_names(records, tracked)
    previous_by_object: dict = {}
    entries: list[Change] = []
    for record in records:
        previous = previous_by_object.get(record.id)
        entry = Change(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "System",
            kind=KINDS.get(record.history_type, record.history_type),
            subject=subject(record),
        )
        for model_field in tracked:
            after = getattr(record, model_field.attname)
            before = getattr(previous, model_field.attname) if previous is not None else None
            if previous is None and record.history_type == "+" and after in (None, ""):
                continue
            if previous is None or before != after:
                entry.fields.append(
                    FieldChange(
                        label=str(capfirst(model_field.verbose_name)),  # 'RAG status', never 'Rag status'
                        before=_display(model_field, before, related_names) if previous is not None else "",
                        after=_display(model_field, after, related_names),
                    )
                )
        previous_by_object[record.id] = record
        if entry.fields or record.history_type != "~":
            entries.append(entry)
    entries.reverse()
    return entries[:limit]


def merged(*lists: list[Change], limit: int = 200) -> list[Change]:
    """Several objects' changes as one list, newest first."""
    combined = [entry for entries in lists for entry in entries]
    combined.sort(key=lambda entry: entry.when, reverse=True)
    return combined[:limit]


class RecordsOfChanges(HistoricalRecords):
    """HistoricalRecords for a model some of whose saves are bookkeeping: a save that writes only
    excluded fields (a sign-in stamping ``last_login``, a password hash upgraded) adds no version."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)
