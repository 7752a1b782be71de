from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from . import notices, services
from .models import (
    Agency,
    Authority,
    Invitation,
    Membership,
    OrganisationAccount,
    Partnership,
    PoliceDivision,
    PoliceForceArea,
    Role,
    SignInEvent,
    SignInOrganisation,
    User,
)

# Nothing is deleted in bulk from a list, for any model: one at a time, from its own page, where
# the admin shows what else would go with it.
admin.site.disable_action("delete_selected")
# Permissions come from roles in partnerships (permissions.py), never from groups.
admin.site.unregister(Group)


class TellsOfRoleChanges:
    """An admin page that gives or ends roles (in a roles inline) tells each person of theirs."""

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Role:
            return
        for role in formset.new_objects:
            notices.role_given(role, actor=request.user)
        for role, changed in formset.changed_objects:
            if "role" in changed or "partnership" in changed or "user" in changed:
                notices.role_given(role, actor=request.user)
        for role in formset.deleted_objects:
            notices.role_ended(role, actor=request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["user"]


class UserRoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["partnership"]
    verbose_name = "role in a partnership"
    verbose_name_plural = "roles in partnerships"


@admin.register(PoliceForceArea)
class PoliceForceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(PoliceDivision)
class PoliceDivisionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "force"]
    list_filter = ["force"]
    search_fields = ["name", "force__name"]
    list_select_related = ["force"]


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ons_code", "kind", "county", "police_force", "police_division"]
    list_filter = ["kind", "police_force"]
    search_fields = ["name", "ons_code"]
    list_select_related = ["county", "police_force", "police_division__force"]
    autocomplete_fields = ["county", "police_force", "police_division"]


@admin.register(Partnership)
class PartnershipAdmin(TellsOfRoleChanges, SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind", "county_board", "ons_code"]
    list_filter = ["kind", "police_force"]
    search_fields = ["name", "slug", "ons_code", "authorities__name"]
    list_select_related = ["county_board"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["authorities", "county_board", "police_force"]
    inlines = [MembershipInline, RoleInline]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agency_type", "is_responsible_authority"]
    list_filter = ["agency_type", "is_responsible_authority"]
    search_fields = ["name"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["role", "partnership__kind", "partnership"]
    search_fields = ["user__full_name", "user__email", "partnership__name"]
    list_select_related = ["user", "partnership"]
    autocomplete_fields = ["user", "partnership"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or {"role", "partnership", "user"} & set(form.changed_data):
            notices.role_given(obj, actor=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        notices.role_ended(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        ended = list(queryset.select_related("user", "partnership"))
        super().delete_queryset(request, queryset)
        for role in ended:
            notices.role_ended(role, actor=request.user)


class UserCreationForm(forms.ModelForm):
    """A new person, without a password: they are sent an invitation to choose their own."""

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "agency"]

    def save(self, commit: bool = True) -> User:
        person = super().save(commit=False)
        person.set_unusable_password()
        if commit:
            person.save()
        return person


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(TellsOfRoleChanges, SimpleHistoryAdmin, BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "agency", "is_superuser", "is_active", "last_login"]
    list_filter = ["is_superuser", "is_active", "agency__agency_type", "roles__role"]
    search_fields = ["full_name", "email", "job_title", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    filter_horizontal = []
    inlines = [UserRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title", "agency"]}),
        ("Access", {"fields": ["is_active", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "job_title", "agency"],
                "description": "The person is e-mailed an invitation with a link to choose their own password. "
                f"It works once, for {services.INVITATION_LASTS.days} days; to send a new one, use the "
                "partnership's Members and agencies page.",
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.send_invitation(obj, partnership=None, role="", actor=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A person's name stays on the returns, scores and versions they wrote; to take away their
        # access, untick "active" (which also signs them out) instead.
        return False


class ReadOnly:
    """Nobody adds, changes or deletes these here."""

    def has_add_permission(self, request, obj=None) -> bool:  # an inline's is asked with obj too
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnly, admin.ModelAdmin):
    """The sign-in audit, read-only: nobody adds, changes or deletes an entry."""

    list_display = ["created", "email", "user", "outcome", "route", "organisation", "ip_address"]
    list_filter = ["outcome", "route", "organisation", "created", "user__is_superuser"]
    search_fields = ["email", "user__full_name", "ip_address", "detail"]
    list_select_related = ["user", "organisation__agency"]
    date_hierarchy = "created"
    readonly_fields = ["created", "email", "user", "outcome", "route", "organisation", "detail", "ip_address"]


class OrganisationAccountInline(ReadOnly, admin.TabularInline):
    """Who has signed in through the organisation. Deleting a link (from the person's side, by
    switching them off) is not offered: a link is how their next sign-in finds them."""

    model = OrganisationAccount
    fields = ["person", "subject", "linked"]
    readonly_fields = fields
    extra = 0


@admin.register(SignInOrganisation)
class SignInOrganisationAdmin(SimpleHistoryAdmin):
    """The allow-list for signing in with an organisation's own account (OpenID Connect)."""

    list_display = ["agency", "issuer", "email_domains", "adds_people", "is_allowed"]
    list_filter = ["is_allowed", "adds_people"]
    search_fields = ["agency__name", "issuer", "email_domains"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    inlines = [OrganisationAccountInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnly, SimpleHistoryAdmin):
    """Invitations, read-only: officers send them (and again) from their partnership's pages."""

    list_display = ["person", "partnership", "role", "invited_by", "created", "expires", "used_at"]
    list_filter = ["role", "used_at", "partnership"]
    search_fields = ["person__full_name", "person__email", "partnership__name"]
    list_select_related = ["person", "partnership", "invited_by"]
    readonly_fields = ["person", "partnership", "role", "invited_by", "created", "expires", "used_at"]
    exclude = ["token_hash"]
