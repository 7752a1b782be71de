"""Issued reports, jobs, decisions and board meetings for site administrators: issued versions are
read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendance, Decision, Meeting, ReportJob, ReportSettings, ReportVersion


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
    list_display = ["progress_return", "meeting", "outcome", "recorded_by"]
    list_select_related = ["progress_return__action", "recorded_by", "meeting__partnership"]
    raw_id_fields = ["progress_return", "meeting"]
    readonly_fields = ["recorded_by", "recorded_at"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "starts", "place", "year", "number"]
    list_select_related = ["partnership"]
    list_filter = ["year", "number"]
    search_fields = ["partnership__name", "place"]
    readonly_fields = ["updated"]
    inlines = [AttendanceInline]
