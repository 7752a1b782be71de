"""Someone with no role asks a partnership's officers for one, in the portal; the officers give the
role asked for or decline. Writes named for what people do, the messages they send, and the reads
the pages show.

Who is told is decided in csp_portal.notifications.kinds: every officer of the partnership of a
request, and the person when it is declined. A role given is told as every role given is
(``services.invite``, for someone who already has an account)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from csp_portal import writes
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, quoted, tell

from . import services
from .models import Membership, Partnership, Role, RoleRequest, User
from .notices import WHAT_A_ROLE_DOES
from .notices import _role_name_of as _a

NOTE_LENGTH = 500  # what the person needs to do, in a few lines: the officers read it in an e-mail


def members_page(partnership: Partnership) -> str:
    """Where the partnership's officers answer its requests."""
    return reverse("partnership_members", args=[partnership.slug]) + "#role-requests"


# -- Writes --------------------------------------------------------------------------------------


@transaction.atomic
def ask_for_role(*, actor: User, partnership: Partnership, role: str, note: str = "") -> RoleRequest:
    """The actor asks the partnership's officers for ``role``, saying what they need to do; every
    officer there is told. Refused while an earlier request of theirs to the partnership waits, or
    if they hold the role there already."""
    note = note.replace("\r\n", "\n").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": f"What you need to do must be {NOTE_LENGTH} characters or fewer"})
    # The person's row is locked so that two requests sent at once are checked one after the other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if waiting(actor).filter(partnership=partnership).exists():
        raise ValidationError(
            {"partnership": f"Your request to {partnership.name} is already waiting for its officers to answer"}
        )
    if Role.objects.filter(user=actor, partnership=partnership, role=role).exists():
        raise ValidationError({"role": f"You are already {_a(role)} of {partnership.name}"})
    request = RoleRequest(person=actor, partnership=partnership, role=role, note=note)
    writes.save(request, actor=actor)
    _tell_officers(request)
    return request


def _locked(request: RoleRequest) -> RoleRequest:
    locked = RoleRequest.objects.select_for_update(of=("self",)).select_related("person", "partnership")
    found = locked.get(pk=request.pk)
    if found.outcome != RoleRequest.Outcome.WAITING:
        raise ValidationError(f"{found.person}'s request has already been answered: {found.get_outcome_display()}.")
    return found


def _answer(request: RoleRequest, outcome: str, *, actor: User) -> None:
    writes.update(request, {"outcome": outcome, "answered_at": timezone.now(), "answered_by": actor}, actor=actor)


@transaction.atomic
def give_requested_role(request: RoleRequest, *, actor: User) -> Role:
    """An officer gives the person the role they asked for, through the service that gives every
    role (so the person is told as always), and the request is marked given."""
    locked = _locked(request)
    person = locked.person
    given = services.invite(
        locked.partnership, actor=actor, email=person.email, full_name=person.full_name, role=locked.role
    )
    _answer(locked, RoleRequest.Outcome.GIVEN, actor=actor)
    return given


@transaction.atomic
def decline_role_request(request: RoleRequest, *, actor: User) -> RoleRequest:
    """An officer declines the request; the person is told, and may ask again."""
    locked = _locked(request)
    _answer(locked, RoleRequest.Outcome.DECLINED, actor=actor)
    _tell_declined(locked, actor=actor)
    return locked


# -- What people are told ------------------------------------------------------------------------


def _tell_officers(request: RoleRequest) -> None:
    person, partnership = request.person, request.partnership
    agency = f", {person.agency.name}" if person.agency_id else ""
    said = f"\n\nWhat they need to do, in their words: {quoted(request.note)}" if request.note else ""
    message = Message(
        subject=f"{person.full_name or person.email} asks for a role in {partnership.name}",
        body=(
            f"{person.full_name or person.email} ({person.email}{agency}) asks to be {_a(request.role)} of "
            f"{partnership.name} in CSP Portal, to {WHAT_A_ROLE_DOES[request.role]}.{said}\n\n"
            "Give them the role, or decline, from the partnership's members page. Any of its officers may answer; "
            "the person is told either way."
        ),
        path=members_page(partnership),
    )
    tell(Kind.ROLE_REQUESTED, message, partnership=partnership, actor=person)


def _tell_declined(request: RoleRequest, *, actor: User) -> None:
    partnership = request.partnership
    message = Message(
        subject=f"Your request for a role in {partnership.name} is declined",
        body=(
            f"{actor.full_name or 'A partnership officer'} has declined your request to be {_a(request.role)} of "
            f"{partnership.name} in CSP Portal. If you think this is a mistake, or need another role, talk to the "
            "partnership's officer; you can ask again from CSP Portal's home page."
        ),
        path=reverse("home"),
    )
    tell(Kind.ROLE_DECLINED, message, partnership=partnership, people=[request.person], actor=actor)


# -- Reads ---------------------------------------------------------------------------------------


def waiting(person: User) -> QuerySet[RoleRequest]:
    """The person's requests still waiting for an answer, oldest first, with their partnerships."""
    return RoleRequest.objects.filter(person=person, outcome=RoleRequest.Outcome.WAITING).select_related("partnership")


def waiting_in(partnership: Partnership) -> QuerySet[RoleRequest]:
    """The partnership's requests waiting for its officers, oldest first, in one query."""
    return RoleRequest.objects.filter(partnership=partnership, outcome=RoleRequest.Outcome.WAITING).select_related(
        "person", "person__agency", "partnership"
    )


def requests_in(partnership: Partnership) -> QuerySet[RoleRequest]:
    """Every request to the partnership, answered or not, for finding the one an address names."""
    return RoleRequest.objects.filter(partnership=partnership).select_related("person", "partnership")


def partnerships_to_ask(person: User) -> tuple[list[Partnership], list[Partnership]]:
    """Every partnership, by name, split in two: those on which the person's agency sits, and the
    rest. One query."""
    seat = Membership.objects.filter(partnership=OuterRef("pk"), agency_id=person.agency_id)
    rows = list(Partnership.objects.only("id", "name", "slug").annotate(seated=Exists(seat)).order_by("name"))
    return [p for p in rows if p.seated], [p for p in rows if not p.seated]
