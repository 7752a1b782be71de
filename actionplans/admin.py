"""Administration of action plans: funding allocations are edited here; actions and returns are
shown for support and changed only through the service (their pages keep versions and history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, FundingAllocation, ProgressReturn, QuarterClosure, ReminderSent


@admin.register(FundingAllocation)
class FundingAllocationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "financial_year", "amount", "partnership"]
    list_filter = ["partnership", "year"]
    search_fields = ["source", "partnership__name"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "priority", "lead_agency", "lead_user", "status", "archived_at"]
    list_filter = ["status", "priority__plan__partnership"]
    search_fields = ["title", "activity", "targets"]
    list_select_related = ["priority", "lead_agency", "lead_user"]


@admin.register(ProgressReturn)
class ProgressReturnAdmin(ReadOnlyAdmin):
    list_display = ["action", "year", "number", "rag", "status", "submitted_at"]
    list_filter = ["status", "rag", "year", "number"]
    search_fields = ["action__title", "narrative", "support_needed"]
    list_select_related = ["action"]


@admin.register(QuarterClosure)
class QuarterClosureAdmin(admin.ModelAdmin):
    list_display = ["partnership", "year", "number", "closed_by", "closed_at"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["lead", "partnership", "year", "number", "kind", "sent_at"]
    list_filter = ["kind", "partnership"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
