"""Authorities, partnerships, partner agencies, people and the roles they hold."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csp_portal.history import RecordsOfChanges
from csp_portal.validators import single_line

from .identity import normalise_email


class PoliceForceArea(models.Model):
    """A police force area (PFA), e.g. Lancashire (E23000003)."""

    code = models.CharField("ONS code", max_length=9, unique=True, validators=[single_line])
    name = models.CharField(max_length=100, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "police force area"

    def __str__(self) -> str:
        return self.name


class PoliceDivision(models.Model):
    """A police division or basic command unit (BCU) grouping several authorities, e.g. 'West'."""

    force = models.ForeignKey(PoliceForceArea, on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField(max_length=100, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["force__name", "name"]
        constraints = [models.UniqueConstraint(fields=["force", "name"], name="unique_division_per_force")]

    def __str__(self) -> str:
        return f"{self.name} ({self.force})"


class Authority(models.Model):
    """A local authority identified by its ONS code."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County council"
        DISTRICT = "district", "District council"
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN = "metropolitan", "Metropolitan borough"
        LONDON = "london", "London borough"

    name = models.CharField(max_length=100, validators=[single_line])
    ons_code = models.CharField("ONS code", max_length=9, unique=True, validators=[single_line])
    kind = models.CharField(max_length=20, choices=Kind.choices)
    county = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="districts",
        limit_choices_to={"kind": Kind.COUNTY},
        help_text="For a district council, the county council above it.",
    )
    police_force = models.ForeignKey(
        PoliceForceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="authorities"
    )
    police_division = models.ForeignKey(
        PoliceDivision, null=True, blank=True, on_delete=models.SET_NULL, related_name="authorities"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(county__isnull=True) | Q(kind="district"),
                name="only_districts_have_a_county",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartnershipQuerySet(models.QuerySet):
    def for_user(self, user) -> PartnershipQuerySet:
        """Partnerships the user may see: where they hold a role, the districts under a county board
        where they hold one (the county sees the roll-up of its CSPs), and the county board above a
        CSP where they hold one (read-only). Mirrors ``permissions.roles_by_partnership``."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        mine = Role.objects.filter(user=user).values("partnership_id")
        counties_above_mine = Partnership.objects.filter(pk__in=mine, county_board__isnull=False).values(
            "county_board_id"
        )
        return self.filter(Q(pk__in=mine) | Q(county_board_id__in=mine) | Q(pk__in=counties_above_mine))


class Partnership(models.Model):
    """A Community Safety Partnership (district or joint) or a county-level board."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "District CSP"
        JOINT = "joint", "Joint CSP"
        COUNTY = "county", "County board"

    name = models.CharField(max_length=150, validators=[single_line])
    slug = models.SlugField(
        "web address name",
        max_length=80,
        unique=True,
        help_text="The partnership's name in its pages' addresses: lower-case letters, digits and hyphens.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ons_code = models.CharField(
        "ONS CSP code",
        max_length=9,
        blank=True,
        help_text="E22… code of the CSP, where it has one.",
        validators=[single_line],
    )
    authorities = models.ManyToManyField(Authority, related_name="partnerships", blank=True)
    county_board = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_partnerships",
        limit_choices_to={"kind": Kind.COUNTY},
        help_text="The county board this partnership reports to.",
    )
    police_force = models.ForeignKey(
        PoliceForceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="partnerships"
    )
    agencies = models.ManyToManyField("Agency", through="Membership", related_name="partnerships")
    history = HistoricalRecords()

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ons_code"], condition=~Q(ons_code=""), name="unique_partnership_ons_code"),
            models.CheckConstraint(
                condition=Q(county_board__isnull=True) | ~Q(kind="county"),
                name="county_board_reports_to_nobody",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership_detail", args=[self.slug])


class Agency(models.Model):
    """A partner agency: a responsible authority under the Crime and Disorder Act 1998, or another partner."""

    class Type(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health (integrated care board)"
        OPCC = "opcc", "Office of the Police and Crime Commissioner"
        HOUSING = "housing", "Housing provider"
        YOUTH_JUSTICE = "youth_justice", "Youth offending team"
        EDUCATION = "education", "Education"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        CRIMINAL_JUSTICE = "criminal_justice", "Courts, prisons and criminal justice"
        OTHER = "other", "Other"

    RESPONSIBLE_TYPES = {Type.LOCAL_AUTHORITY, Type.POLICE, Type.FIRE, Type.PROBATION, Type.HEALTH}

    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    agency_type = models.CharField("type", max_length=30, choices=Type.choices)
    is_responsible_authority = models.BooleanField(
        "responsible authority",
        default=False,
        help_text="A statutory member under the Crime and Disorder Act 1998.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An agency's seat on a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    is_voting = models.BooleanField("voting member", default=True)
    representative = models.CharField(
        max_length=150,
        blank=True,
        help_text="Who sits for the agency, by name or role title.",
        validators=[single_line],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_voting", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "agency"], name="one_membership_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} in {self.partnership}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str):
        # An exact match on the one normalised spelling, the same the lockout counts under.
        return self.get(email=normalise_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, validators=[single_line])
    job_title = models.CharField(max_length=150, blank=True, validators=[single_line])
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    is_superuser = models.BooleanField(
        "site administrator",
        default=False,
        help_text="Manages authorities, partnerships, agencies, people and roles across the site.",
    )
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Counted here, on the row every request loads anyway, so that the navigation's count costs no
    # query: raised when the person is told something, recounted when they open or clear them.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)
    # Who changed a person's name, e-mail, agency, administrator flag or active flag, and when. The
    # password hash is never copied into the history; a password change is a version with no field
    # changed. Sign-ins are in the sign-in audit, not here.
    history = RecordsOfChanges(excluded_fields=["password", "last_login", "unread_notifications"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs) -> None:
        # Every way a person is created or edited (admin, factories, scripts) stores the spelling
        # sign-in looks up.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_staff(self) -> bool:
        """Only site administrators use the Django admin."""
        return self.is_superuser

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.Model):
    """What a person may do in one partnership. A person may hold several roles in several partnerships."""

    class Kind(models.TextChoices):
        OFFICER = "officer", "Partnership officer"
        LEAD = "lead", "Action lead"
        BOARD = "board", "Board member"
        ANALYST = "analyst", "Analyst"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Kind.choices)
    voting = models.BooleanField(
        "votes at board meetings",
        default=True,
        help_text="For a board member: untick for a non-voting member (an adviser or observer).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "partnership", "role"], name="unique_role")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}, {self.partnership}"


class Invitation(models.Model):
    """A one-time link that lets an invited person choose their own password and sign in. Nobody
    else ever chooses a password for them. Only the SHA-256 of the link's secret is kept; sending
    the invitation again replaces the link, and it stops working once used or past ``expires``.
    ``partnership`` is empty when a site administrator made the account in the administration pages."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField("invited as", max_length=20, choices=Role.Kind.choices, blank=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField("SHA-256 of the link's secret", max_length=64, unique=True)
    created = models.DateTimeField("sent", default=timezone.now)
    expires = models.DateTimeField()
    used_at = models.DateTimeField("used", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["person", "partnership"], name="one_invitation_per_partnership")]

    def __str__(self) -> str:
        where = f" to {self.partnership}" if self.partnership_id else ""
        return f"Invitation of {self.person}{where}"

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()


class SignInOrganisation(models.Model):
    """One entry of the allow-list for signing in with an organisation's own account (OpenID Connect):
    a Microsoft Entra ID tenant, or another provider's issuer, tied to the partner agency whose
    people sign in through it. A token from an issuer not on the list is refused."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sign_in_organisations")
    issuer = models.CharField(
        max_length=300,
        unique=True,
        validators=[single_line],
        help_text="The issuer its tokens name. For Microsoft Entra ID: "
        "https://login.microsoftonline.com/<tenant id>/v2.0",
    )
    email_domains = models.CharField(
        "e-mail domains",
        max_length=500,
        blank=True,
        validators=[single_line],
        help_text="The domains this organisation owns (e.g. lancashire.gov.uk), separated by spaces. An "
        "address in one of them counts as verified even when the provider does not say so (Entra ID does not).",
    )
    adds_people = models.BooleanField(
        "adds people at first sign-in",
        default=False,
        help_text="Someone from this organisation with no account here is given one, with no role, and asks a "
        "partnership officer for a role. Otherwise they are refused until a partnership officer invites them.",
    )
    is_allowed = models.BooleanField("allowed", default=True, help_text="Untick to refuse its sign-ins at once.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "issuer"]
        verbose_name = "sign-in organisation"

    def __str__(self) -> str:
        return f"{self.agency} ({self.issuer})"

    @property
    def domains(self) -> set[str]:
        return {normalise_email(d).lstrip("@") for d in self.email_domains.replace(",", " ").split()}


class OrganisationAccount(models.Model):
    """A person's account at a sign-in organisation: the provider's subject (``sub``) linked to one
    person at their first sign-in. Later sign-ins find the person by this link, not by e-mail, so a
    changed or reused address never moves an account to someone else."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_accounts")
    organisation = models.ForeignKey(SignInOrganisation, on_delete=models.CASCADE, related_name="accounts")
    subject = models.CharField(max_length=255, validators=[single_line])
    linked = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "subject"], name="one_person_per_subject"),
            models.UniqueConstraint(fields=["organisation", "person"], name="one_subject_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.organisation.agency}"


class SignInEvent(models.Model):
    """One entry in the sign-in audit: a sign-in, a failed or locked-out attempt, a wrong
    two-factor code, a sign-out, or a request for a password-reset e-mail (sent only if the address
    is a person's). Kept for site administrators; never edited."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILURE = "failure", "Wrong e-mail address or password"
        LOCKED_OUT = "locked_out", "Locked out after too many failures"
        TWO_FACTOR_SUCCESS = "2fa_success", "Two-factor code accepted"
        TWO_FACTOR_FAILURE = "2fa_failure", "Wrong two-factor code"
        SIGN_OUT = "sign_out", "Signed out"
        RESET_ASKED = "reset_asked", "Password reset asked for"
        RESET_REFUSED = "reset_refused", "Password reset refused: too many asked for"
        REFUSED = "refused", "Organisation sign-in refused"

    class Route(models.TextChoices):
        PASSWORD = "password", "E-mail address and password"
        ORGANISATION = "organisation", "Organisation's account (OpenID Connect)"

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_in_events")
    email = models.CharField("e-mail address tried", max_length=254, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created = models.DateTimeField("when", default=timezone.now, db_index=True)
    route = models.CharField("signed in with", max_length=20, choices=Route.choices, default=Route.PASSWORD)
    organisation = models.ForeignKey(
        SignInOrganisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_in_events"
    )
    detail = models.CharField("why refused", max_length=300, blank=True, validators=[single_line])

    class Meta:
        ordering = ["-created"]
        verbose_name = "sign-in event"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.email} at {self.created:%Y-%m-%d %H:%M}"


class RoleRequest(models.Model):
    """Someone signed in without a role asks a partnership's officers for one, in the portal: the
    officers are told, and give the role asked for or decline. One request per person and
    partnership waits at a time; answered ones stay, with who answered and when."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Waiting for an officer"
        GIVEN = "given", "Role given"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_requests")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="role_requests")
    role = models.CharField("role asked for", max_length=20, choices=Role.Kind.choices)
    note = models.TextField(
        "what they need to do", max_length=500, blank=True, help_text="In the person's own words, plain text."
    )
    created = models.DateTimeField("asked", default=timezone.now)
    answered_at = models.DateTimeField("answered", null=True, blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = "request for a role"
        verbose_name_plural = "requests for a role"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "partnership"], condition=Q(outcome="waiting"), name="one_waiting_role_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} asks to be {self.get_role_display().lower()} of {self.partnership}"
