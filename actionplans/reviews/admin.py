"""Administration of statutory reviews, for support: a review's case file, its people, rounds,
documents and the partnerships' timescales are shown here with their history; they are changed in
the portal's own pages, which check the rules and name who changed what. Nothing here deletes a
review's records, one by one or in bulk."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csp_portal.archive import KeepRecordsAdmin

from .models import QualityAssuranceRound, Review, ReviewDocument, ReviewRole, ReviewTimescales


class ReadOnlyAdmin(KeepRecordsAdmin, SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "partnership", "closed_on"]
    list_filter = ["kind", "partnership"]
    search_fields = ["reference"]
    list_select_related = ["partnership"]


@admin.register(ReviewRole)
class ReviewRoleAdmin(ReadOnlyAdmin):
    list_display = ["review", "user", "role", "added_at"]
    list_filter = ["role", "review__partnership"]
    search_fields = ["review__reference", "user__email", "user__full_name"]
    list_select_related = ["review", "user"]


@admin.register(QualityAssuranceRound)
class QualityAssuranceRoundAdmin(ReadOnlyAdmin):
    list_display = ["review", "submitted_on", "outcome", "outcome_on"]
    list_filter = ["outcome"]
    search_fields = ["review__reference"]
    list_select_related = ["review"]


@admin.register(ReviewDocument)
class ReviewDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "review", "uploaded_by", "uploaded_at"]
    search_fields = ["title", "review__reference"]
    list_select_related = ["review", "uploaded_by"]


@admin.register(ReviewTimescales)
class ReviewTimescalesAdmin(ReadOnlyAdmin):
    list_display = ["partnership", "dhr_decision_days", "dhr_report_days", "asb_threshold_days"]
    list_select_related = ["partnership"]
