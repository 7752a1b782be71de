"""What the action plan pages share: finding the object the address names, the context every page
about a priority's plan shows, and the action plan table's fragments that htmx swaps in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import rules
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django_htmx.http import retarget

from csp_portal import pages
from csp_portal.forms import error_links
from csp_portal.organisations.models import Partnership
from csp_portal.organisations.permissions import authorize, partnership_for
from csp_portal.quarters import Quarter
from priorities.models import Priority

from .. import queries
from ..models import Action

VIEW = "actionplans.view_actions"
CHANGE = "actionplans.change_actions"
REVIEW = "actionplans.review_returns"
WRITE_RETURN = "actionplans.write_return"

Row = TypeVar("Row", bound=Model)


# -- Finding things ----------------------------------------------------------------------------------


def posted(request):
    """The form data of a POST, or None for a page that shows the form."""
    return request.POST if request.method == "POST" else None


def find(request, slug: str, permission: str, rows: Callable[[Partnership], QuerySet[Row]], what: str, pk: int) -> Row:
    """The object the address names, looked for among ``rows`` of the partnership it names (404
    elsewhere), that the user may ``permission`` (403 if they may only read it)."""
    found = pages.one_or_404(rows(partnership_for(request.user, slug)), what, pk=pk)
    authorize(request.user, permission, found)
    return found


def find_priority(request, slug: str, priority_id: int, permission: str = VIEW) -> Priority:
    # An archived priority's action plan is read, never changed.
    archived_too = permission == VIEW
    return find(
        request,
        slug,
        permission,
        lambda p: queries.priorities_in(p, archived_too=archived_too),
        "priority",
        priority_id,
    )


def find_action(request, slug: str, action_id: int, permission: str = VIEW) -> Action:
    return find(request, slug, permission, queries.actions_in, "action", action_id)


def find_plan_action(request, slug: str, action_id: int, permission: str = CHANGE) -> Action:
    """An action of a priority's plan, for what only a plan's actions do (reorder, move to another
    priority); an action of a recommendation is not found here."""
    return find(request, slug, permission, lambda p: queries.actions_in(p).of_priorities(), "action", action_id)


def saved_again(action: Action) -> Action:
    """The action as it is saved now, after this person's change or someone else's."""
    return pages.one_or_404(queries.actions_in(action.partnership), "action", pk=action.pk)


def may_write_return(user, action: Action) -> bool:
    """Only the action's lead writes its returns: not even a site administrator writes one for them
    (Django grants superusers every permission, so ask the rule itself)."""
    return rules.has_perm(WRITE_RETURN, user, action)


# -- What the pages show -----------------------------------------------------------------------------


def page(about: Priority | Action, *, form=None, **extra) -> dict:
    """The context of a page within a priority's action plan (or about a recommendation's action):
    its partnership, plan and priority or recommendation (the breadcrumbs), the action it is about,
    and the form with its error summary."""
    if isinstance(about, Action) and about.priority_id is None:
        context = {"partnership": about.partnership, "recommendation": about.recommendation}
    else:
        priority = about.priority if isinstance(about, Action) else about
        context = {"partnership": priority.plan.partnership, "plan": priority.plan, "priority": priority}
    if isinstance(about, Action):
        context["action"] = about
    if form is not None:
        context |= {"form": form, "errors": error_links(form)}
    return context | extra


def in_plan(action: Action) -> str:
    """The address of the action's row in its plan (or on its recommendation's page)."""
    return action.in_plan_url()


def neighbours(quarter: Quarter) -> dict:
    """The quarters a quarter's page links to: the one before, and the one after unless it is to come."""
    return {"previous": quarter.previous(), "next": quarter.next() if quarter < Quarter.current() else None}


# -- The action plan table and its fragments ---------------------------------------------------------


def plan_context(request, priority: Priority, focus: tuple[str, int] | None = None) -> dict:
    """The priority's action plan table; ``focus`` names the control the keyboard goes to."""
    quarters = queries.quarters_shown()
    # An archived priority's actions were archived with it: they are shown, and nothing changes.
    archived = request.GET.get("archived") == "1" or priority.is_archived
    return page(
        priority,
        rows=queries.withhold_drafts(queries.action_plan(priority, quarters, archived=archived), request.user),
        quarters=quarters,
        archived=archived,
        can_change=request.user.has_perm(CHANGE, priority) and not priority.is_archived,
        focus_kind=focus[0] if focus else None,
        focus_pk=focus[1] if focus else None,
    )


def plan_section(request, priority: Priority, focus: tuple[str, int] | None = None) -> HttpResponse:
    """The action plan table, to swap in after a change made from it."""
    response = render(request, "actionplans/includes/plan_section.html", plan_context(request, priority, focus))
    return retarget(response, "#action-plan")


def action_row(request, action: Action) -> HttpResponse:
    """The action's row of the table, swapped back in for its edit form, with the keyboard on Edit."""
    quarters = queries.quarters_shown()
    row = queries.withhold_drafts([queries.action_plan_row(action, quarters)], request.user)[0]
    return render(
        request,
        "actionplans/includes/action_row.html",
        page(
            action.priority,
            row=row,
            quarters=quarters,
            can_change=request.user.has_perm(CHANGE, action),
            focus_kind="edit",
            focus_pk=action.pk,
        ),
    )
