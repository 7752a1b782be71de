"""Site administrators' view of plans, priorities and priority setting. Partnership officers use
the service's own pages; the admin is for putting things right and for the shared vocabulary of
contributory factors."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Candidate, Commitment, ContributoryFactor, Criterion, CurrentWork, Exercise, Outcome, Plan, Priority


@admin.register(ContributoryFactor)
class ContributoryFactorAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


class PriorityInline(admin.TabularInline):
    model = Priority
    fields = ["order", "title", "status", "lead_role", "lead_agency"]
    autocomplete_fields = ["lead_agency"]
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "partnership", "period_start", "period_end", "status"]
    list_filter = ["status", "partnership__kind", "partnership"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    raw_id_fields = ["assessment"]
    inlines = [PriorityInline]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    fields = ["order", "text", "measure"]
    extra = 0


class CurrentWorkInline(admin.TabularInline):
    model = CurrentWork
    fields = ["order", "text"]
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    fields = ["order", "text"]
    extra = 0


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "status", "order", "lead_role", "lead_agency"]
    list_filter = ["status", "plan__partnership"]
    search_fields = ["title", "plan__title", "plan__partnership__name", "lead_role"]
    list_select_related = ["plan", "lead_agency"]
    autocomplete_fields = ["lead_agency", "lead_user"]
    raw_id_fields = ["plan", "supports"]
    inlines = [OutcomeInline, CurrentWorkInline, CommitmentInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "text", "weight", "inverse"]
    extra = 0


class CandidateInline(admin.TabularInline):
    model = Candidate
    fields = ["title", "threat", "priority"]
    raw_id_fields = ["threat", "priority"]
    extra = 0


@admin.register(Exercise)
class ExerciseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "status", "created"]
    list_filter = ["status"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]
    autocomplete_fields = ["participants"]
    inlines = [CriterionInline, CandidateInline]
