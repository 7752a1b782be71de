"""Nothing the partnerships wrote is deleted from the admin either: plans, priorities, actions,
progress returns, exercises and funding allocations are archived (or corrected) and restored, and
their history says who did it. These pieces give the admin pages that rule."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError


class KeepRecordsAdmin(admin.ModelAdmin):
    """No delete page and no bulk delete: records are archived, restored or corrected instead."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_restore_permission(self, request) -> bool:
        """Restoring is for site administrators, who may change these records."""
        return request.user.is_active and request.user.is_superuser


class ArchivedFilter(admin.SimpleListFilter):
    """Archived or current, for models with an ``archived_at`` time."""

    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Current"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


def restore_each(model_admin: admin.ModelAdmin, request, objects, restore, is_archived) -> None:
    """Call ``restore(obj, actor=...)`` for each archived object, one transaction each, and tell
    the administrator what was restored and what was refused (with the service's reason)."""
    restored, refused = [], []
    for obj in objects:
        if not is_archived(obj):
            refused.append(f"“{obj}” is not archived")
            continue
        try:
            restore(obj, actor=request.user)
        except ValidationError as error:
            refused.append(f"“{obj}”: {' '.join(error.messages)}")
        else:
            restored.append(f"“{obj}”")
    if restored:
        model_admin.message_user(request, f"Restored {', '.join(restored)}.", messages.SUCCESS)
    if refused:
        model_admin.message_user(request, f"Not restored: {'; '.join(refused)}.", messages.WARNING)
