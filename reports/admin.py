"""Issued reports, jobs and decisions for site administrators: issued versions are read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Decision, ReportJob, ReportSettings, ReportVersion


@admin.register(ReportSettings)
class ReportSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "protective_marking", "colour", "drafted_year", "drafted_number"]
    list_select_related = ["partnership"]
    readonly_fields = ["drafted_year", "drafted_number"]
    search_fields = ["partnership__name"]


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ["partnership", "year", "number", "version", "issued_at", "issued_by", "pages", "checksum"]
    list_select_related = ["partnership", "issued_by"]
    list_filter = ["year", "number"]
    search_fields = ["partnership__name", "checksum"]
    exclude = ["snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "partnership", "year", "number", "kind", "status", "attempts", "requested_by", "created"]
    list_select_related = ["partnership", "requested_by"]
    list_filter = ["status", "kind", "scheduled"]
    search_fields = ["partnership__name", "error"]
    readonly_fields = ["created", "started", "finished", "worker", "checksum", "result"]

    def has_add_permission(self, request):
        return False


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["progress_return", "meeting_date", "outcome", "recorded_by"]
    list_select_related = ["progress_return__action", "recorded_by"]
    raw_id_fields = ["progress_return"]
    readonly_fields = ["recorded_by", "recorded_at"]
