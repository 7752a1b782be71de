"""The one way a service writes a row that keeps a history: check its own fields, count its version,
record who made the change, save, all in the caller's transaction.

Rows people edit from a form they loaded earlier (an action, a progress return) are ``Versioned``:
their ``version`` rises by one on every saved change, because every change goes through ``save``
here. A form carries the version it was loaded at; a service that finds a newer one raises an
``EditConflict`` naming what changed meanwhile, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import models

Row = TypeVar("Row", bound=models.Model)


class Versioned(models.Model):
    """A row edited from forms that may be stale: ``version`` counts its saved changes."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save(obj: models.Model, *, actor, update_fields: Iterable[str] | None = None) -> None:
    """Save ``obj`` as a change made by ``actor``: its own fields checked (lengths, choices, one-line
    text; the caller checked its relations), its version counted, the actor on its history entry.
    With ``update_fields``, only those are checked and written (the version with them)."""
    fields = None if update_fields is None else list(update_fields)
    checked = fields if fields is not None else [f.name for f in obj._meta.concrete_fields if not f.is_relation]
    obj.clean_fields(exclude=[f.name for f in obj._meta.concrete_fields if f.name not in checked or f.is_relation])
    if isinstance(obj, Versioned) and not obj._state.adding:
        obj.version += 1
        if fields is not None:
            fields.append("version")
    obj._history_user = actor
    obj.save(update_fields=fields)


def create(obj: Row, *, actor, then: Callable[[Row], None]) -> Row:
    """Insert ``obj``, let ``then`` add what needs its primary key (many-to-many links), and only
    then record its first version, so that the history's 'Created' entry names those links too.
    The row starts at version 1."""
    obj.clean_fields(exclude=[f.name for f in obj._meta.concrete_fields if f.is_relation])
    obj.skip_history_when_saving = True
    obj.save()
    del obj.skip_history_when_saving
    then(obj)
    obj._history_user = actor
    obj.save()  # an update, so simple-history writes '~'; it is the creation, and says so
    type(obj).history.filter(id=obj.pk).update(history_type="+")
    return obj


def update(obj: models.Model, values: dict, *, actor) -> bool:
    """Set ``values`` on ``obj`` and save it if anything changed, so that the history holds real
    changes only. True if it changed."""
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(obj, name, value)
    save(obj, actor=actor)
    return True


def delete(obj: models.Model, *, actor) -> None:
    """Delete ``obj``; its history keeps a last entry saying who deleted it."""
    obj._history_user = actor
    obj.delete()


# -- Conflicts -----------------------------------------------------------------------------------


@dataclass
class FieldConflict:
    label: str
    yours: str
    saved: str


class EditConflict(Exception):
    """Someone else saved the record since this person opened the form. Nothing was written;
    ``conflicts`` lists each field that changed meanwhile, with this person's value and the saved one."""

    noun = "record"

    def __init__(self, obj: models.Model, conflicts: list[FieldConflict], saved_by: str):
        self.object = obj
        self.conflicts = conflicts
        self.saved_by = saved_by
        super().__init__(f"{obj} was changed by {saved_by} while you were editing it.")


def _display(model: type[models.Model], field_name: str, value) -> str:
    field = model._meta.get_field(field_name)
    if value is None or value == "":
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def last_saved_by(obj: models.Model) -> str:
    last = obj.history.order_by("-history_id").select_related("history_user").first()
    return str(last.history_user) if last and last.history_user else "someone else"


def changed_since(obj: Versioned, loaded_version: int, names: Iterable[str], values: dict) -> list[FieldConflict]:
    """The fields of ``obj`` changed since ``loaded_version`` (read from its history), with the value
    this person submitted and the value saved now. With no such version, every field counts."""
    model = type(obj)
    loaded = model.history.filter(id=obj.pk, version=loaded_version).order_by("-history_id").first()
    conflicts = []
    for name in names:
        field = model._meta.get_field(name)
        if loaded is not None and getattr(loaded, field.attname) == getattr(obj, field.attname):
            continue
        label = str(field.verbose_name)
        conflicts.append(
            FieldConflict(
                label[:1].upper() + label[1:],
                _display(model, name, values.get(name)),
                _display(model, name, getattr(obj, name)),
            )
        )
    return conflicts
