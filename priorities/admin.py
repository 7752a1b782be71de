"""Site administrators' view of plans, priorities and priority setting. Partnership officers use
the service's own pages; the admin is for putting things right and for the shared vocabulary of
contributory factors. Nothing here deletes a plan, priority or exercise: archived ones are restored,
and the change history names the administrator who did it."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csp_portal.archive import ArchivedFilter, KeepRecordsAdmin, restore_each

from . import services
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
    can_delete = False  # a priority is archived from its own page, never deleted


@admin.register(Plan)
class PlanAdmin(KeepRecordsAdmin, SimpleHistoryAdmin):
    list_display = ["title", "partnership", "period_start", "period_end", "status"]
    list_filter = ["status", "partnership__kind", "partnership"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    raw_id_fields = ["assessment"]
    inlines = [PriorityInline]
    actions = ["restore"]

    @admin.action(
        description="Restore the selected archived plans (back to draft, for the partnership to agree again)",
        permissions=["restore"],
    )
    def restore(self, request, queryset):
        restore_each(
            self,
            request,
            queryset.select_related("partnership"),
            lambda plan, actor: services.update_plan(plan, actor=actor, status=Plan.Status.DRAFT),
            lambda plan: plan.status == Plan.Status.ARCHIVED,
        )


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


class PriorityAdminForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = [
            "plan",
            "title",
            "why",
            "status",
            "order",
            "lead_role",
            "lead_user",
            "lead_agency",
            "owner",
            "supports",
        ]

    def clean(self):
        cleaned = super().clean()
        # Django checks the unique title with the default manager, which does not see archived
        # priorities; they keep their titles, so look at every priority of the plan.
        plan, title = cleaned.get("plan"), cleaned.get("title")
        if plan is not None and title:
            clash = Priority.all_objects.filter(plan=plan, title__iexact=title).exclude(pk=self.instance.pk)
            if clash.filter(archived_at__isnull=False).exists():
                self.add_error("title", "An archived priority of this plan has this title: restore it instead.")
        return cleaned


@admin.register(Priority)
class PriorityAdmin(KeepRecordsAdmin, SimpleHistoryAdmin):
    form = PriorityAdminForm
    readonly_fields = ["archived_at"]  # archived from the priority's page, restored with the action below
    list_display = ["title", "plan", "status", "order", "lead_role", "lead_agency", "archived_at"]
    list_filter = [ArchivedFilter, "status", "plan__partnership"]
    search_fields = ["title", "plan__title", "plan__partnership__name", "lead_role"]
    list_select_related = ["plan", "lead_agency"]
    autocomplete_fields = ["lead_agency", "lead_user"]
    raw_id_fields = ["plan", "supports"]
    inlines = [OutcomeInline, CurrentWorkInline, CommitmentInline]
    actions = ["restore"]

    def get_queryset(self, request):
        # Archived priorities too: the admin lists, filters and restores them.
        return Priority.all_objects.get_queryset().select_related(*self.list_select_related)

    @admin.action(
        description="Restore the selected archived priorities (back on their plan, with their actions)",
        permissions=["restore"],
    )
    def restore(self, request, queryset):
        restore_each(self, request, queryset.select_related("plan"), services.restore_priority, lambda p: p.is_archived)


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
class ExerciseAdmin(KeepRecordsAdmin, SimpleHistoryAdmin):
    """An exercise's scores are the record of why the priorities were chosen: it is closed, never deleted."""

    list_display = ["title", "plan", "status", "created"]
    list_filter = ["status"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]
    autocomplete_fields = ["participants"]
    inlines = [CriterionInline, CandidateInline]
