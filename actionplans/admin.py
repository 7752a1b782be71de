"""Administration of action plans: funding allocations are edited here; actions and returns are
shown for support and changed only through the service (their pages keep versions and history).
Nothing here deletes an allocation, action or return; an archived action is restored here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csp_portal.archive import ArchivedFilter, KeepRecordsAdmin, restore_each

from . import services
from .models import Action, FundingAllocation, ProgressReturn, QuarterClosure, ReminderSent


@admin.register(FundingAllocation)
class FundingAllocationAdmin(KeepRecordsAdmin, SimpleHistoryAdmin):
    """Actions commit budget from an allocation and reports show it: a wrong one is corrected (its
    history keeps what it said), never deleted."""

    list_display = ["source", "financial_year", "amount", "partnership"]
    list_filter = ["partnership", "year"]
    search_fields = ["source", "partnership__name"]


class ReadOnlyAdmin(KeepRecordsAdmin, SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "priority", "lead_agency", "lead_user", "status", "archived_at"]
    list_filter = [ArchivedFilter, "status", "priority__plan__partnership"]
    search_fields = ["title", "activity", "targets"]
    list_select_related = ["priority", "lead_agency", "lead_user"]
    actions = ["restore"]

    @admin.action(
        description="Restore the selected archived actions (back at the end of their priority's action plan)",
        permissions=["restore"],
    )
    def restore(self, request, queryset):
        restore_each(self, request, queryset, services.restore_action, lambda action: action.is_archived)


@admin.register(ProgressReturn)
class ProgressReturnAdmin(ReadOnlyAdmin):
    list_display = ["action", "year", "number", "rag", "status", "submitted_at", "action_archived"]
    list_filter = ["status", "rag", "year", "number", ("action__archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["action__title", "narrative", "support_needed"]
    list_select_related = ["action"]

    @admin.display(description="action archived", boolean=True)
    def action_archived(self, progress_return: ProgressReturn) -> bool:
        # A return is never archived itself: it leaves current work with its action.
        return progress_return.action.is_archived


@admin.register(QuarterClosure)
class QuarterClosureAdmin(admin.ModelAdmin):
    list_display = ["partnership", "year", "number", "closed_by", "closed_at"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["lead", "partnership", "year", "number", "kind", "sent_at"]
    list_filter = ["kind", "partnership"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
