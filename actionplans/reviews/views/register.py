"""The review register and the case files. The register is a partnership page (its people see the
reviews they have a role on); a case file opens only to the review's own people and site
administrators (404 to anyone else, however senior in the partnership), and changes only by its
officer or chair (403 to its panel members). Each view finds, authorizes, parses, calls one service
and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from csp_portal import pages
from csp_portal.organisations.permissions import partnership_for

from .. import clocks, queries, services
from ..forms import (
    QualityAssuranceRoundForm,
    ReviewDocumentForm,
    ReviewForm,
    ReviewRoleAddForm,
    ReviewRoleForm,
    StartReviewForm,
    TimescalesForm,
    error_links,
)
from ..models import Review

OPEN = "reviews.open_case_file"
CHANGE = "reviews.change_review"
START = "reviews.start_review"


def review_for(request, slug: str, review_id: int, permission: str = OPEN) -> Review:
    """The review the address names, after its authorization: 404 to anyone without a role on it
    (a partnership role alone opens no case file), 403 to one who may read it but not do
    ``permission``."""
    partnership = queries.partnership_named(slug)
    review = pages.one_or_404(queries.reviews_in(partnership), "review", pk=review_id)
    if not request.user.has_perm(OPEN, review):
        raise Http404("No such review among yours.")
    if not request.user.has_perm(permission, review):
        raise PermissionDenied("Only the review's officer or chair changes it.")
    return review


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, form, write, *, done, said, **context):
    """Posted and valid: ``write`` through the service, say ``said`` and go to ``done`` (either may
    be made from what the write returned); else the form with every problem (a service's refusal on
    its fields)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = write()
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, said(result) if callable(said) else said)
            return redirect(done(result) if callable(done) else done)
    return render(request, "reviews/review_form_page.html", {"form": form, "errors": error_links(form), **context})


# -- The register -------------------------------------------------------------------------------------


@login_required
def review_list(request, slug: str):
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "reviews/review_list.html",
        {
            "partnership": partnership,
            "rows": queries.register(partnership, request.user),
            "can_start": request.user.has_perm(START, partnership),
            "is_site_admin": request.user.is_superuser,
        },
    )


@login_required
def review_add(request, slug: str):
    partnership = partnership_for(request.user, slug, START)
    form = StartReviewForm(_posted(request), partnership=partnership)
    write = lambda: services.start_review(partnership, actor=request.user, **form.cleaned_data)  # noqa: E731
    said = lambda review: f"Review {review.reference} started: you are its review officer."  # noqa: E731
    done = lambda review: review.get_absolute_url()  # noqa: E731
    context = {"partnership": partnership, "heading": "Start a review", "button": "Start the review"}
    return _form_page(request, form, write, done=done, said=said, **context)


@login_required
def review_detail(request, slug: str, review_id: int):
    review = review_for(request, slug, review_id)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "partnership": review.partnership,
            "review": review,
            "case": (case := queries.case_file(review)),
            "new_round_refused": services.new_round_problem(case.rounds),
            "can_change": request.user.has_perm(CHANGE, review),
            "working_days_hint": clocks.WORKING_DAYS_HINT,
        },
    )


@login_required
def review_edit(request, slug: str, review_id: int):
    review = review_for(request, slug, review_id, CHANGE)
    form = ReviewForm(_posted(request), instance=review, rounds=list(queries.rounds_of(review)))
    write = lambda: services.change_review(review, actor=request.user, values=form.values())  # noqa: E731
    context = {"partnership": review.partnership, "review": review, "heading": "Change the review", "button": "Save"}
    if not review.is_homicide_review:
        context["intro"] = [clocks.WORKING_DAYS_HINT]
    said = "The review has been saved."
    return _form_page(request, form, write, done=review.get_absolute_url(), said=said, **context)


# -- Quality-assurance rounds -----------------------------------------------------------------------------


def _homicide_review(request, slug: str, review_id: int) -> Review:
    review = review_for(request, slug, review_id, CHANGE)
    if not review.is_homicide_review:
        raise Http404("An ASB Case Review has no quality-assurance rounds.")
    return review


@login_required
def qa_round_add(request, slug: str, review_id: int):
    review = _homicide_review(request, slug, review_id)
    form = QualityAssuranceRoundForm(_posted(request), review=review, rounds=list(queries.rounds_of(review)))
    write = lambda: services.add_qa_round(review, actor=request.user, values=form.cleaned_data)  # noqa: E731
    heading = "Send the report to the Home Office"
    context = {"partnership": review.partnership, "review": review, "heading": heading, "button": "Save the round"}
    said = "The quality-assurance round has been recorded."
    return _form_page(request, form, write, done=review.get_absolute_url(), said=said, **context)


@login_required
def qa_round_edit(request, slug: str, review_id: int, qa_round_id: int):
    review = _homicide_review(request, slug, review_id)
    rounds = list(queries.rounds_of(review))
    qa_round = next((r for r in rounds if r.pk == qa_round_id), None)
    if qa_round is None:
        raise Http404("No such quality-assurance round on this review.")
    form = QualityAssuranceRoundForm(_posted(request), review=review, rounds=rounds, editing=qa_round)
    write = lambda: services.change_qa_round(qa_round, actor=request.user, values=form.cleaned_data)  # noqa: E731
    number = rounds.index(qa_round) + 1
    heading = f"Quality-assurance round {number}"
    context = {"partnership": review.partnership, "review": review, "heading": heading, "button": "Save the round"}
    said = "The quality-assurance round has been saved."
    return _form_page(request, form, write, done=review.get_absolute_url(), said=said, **context)


# -- People -----------------------------------------------------------------------------------------------


def _roles_page(request, review: Review, form: ReviewRoleAddForm, refusal: list[str] = ()):
    rows = [
        (role, ReviewRoleForm(initial={"role": role.role}, prefix=f"role-{role.pk}"))
        for role in queries.people_on(review)
    ]
    return render(
        request,
        "reviews/review_roles.html",
        {
            "partnership": review.partnership,
            "review": review,
            "form": form,
            "rows": rows,
            "errors": error_links(form),
            "refusal": refusal,
        },
    )


@login_required
def review_roles(request, slug: str, review_id: int):
    review = review_for(request, slug, review_id, CHANGE)
    form = ReviewRoleAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        person = queries.person_with_email(form.cleaned_data["email"])
        try:
            services.add_review_role(review, actor=request.user, person=person, role=form.cleaned_data["role"])
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"{person} now has a role on {review.reference}.")
            return redirect("reviews:review_roles", review.partnership.slug, review.pk)
    return _roles_page(request, review, form)


def _role_of(review: Review, review_role_id: int):
    return pages.one_or_404(queries.roles_on(review), "review role", pk=review_role_id)


@login_required
@require_POST
def review_role_change(request, slug: str, review_id: int, review_role_id: int):
    review = review_for(request, slug, review_id, CHANGE)
    role = _role_of(review, review_role_id)
    form = ReviewRoleForm(request.POST, prefix=f"role-{role.pk}")
    if not form.is_valid():
        return _roles_page(request, review, ReviewRoleAddForm(), [str(m) for m in form.errors["role"]])
    try:
        services.change_review_role(role, actor=request.user, new_role=form.cleaned_data["role"])
    except ValidationError as error:
        return _roles_page(request, review, ReviewRoleAddForm(), error.messages)
    messages.success(request, f"{role.user}'s role on {review.reference} has been saved.")
    return redirect("reviews:review_roles", review.partnership.slug, review.pk)


@login_required
@require_POST
def review_role_remove(request, slug: str, review_id: int, review_role_id: int):
    review = review_for(request, slug, review_id, CHANGE)
    role = _role_of(review, review_role_id)
    try:
        services.remove_review_role(role, actor=request.user)
    except ValidationError as error:
        return _roles_page(request, review, ReviewRoleAddForm(), error.messages)
    messages.success(request, f"{role.user} no longer has a role on {review.reference}.")
    return redirect("reviews:review_roles", review.partnership.slug, review.pk)


# -- Documents --------------------------------------------------------------------------------------------


@login_required
def review_document_add(request, slug: str, review_id: int):
    review = review_for(request, slug, review_id, CHANGE)
    form = ReviewDocumentForm(_posted(request), request.FILES or None)
    write = lambda: services.add_document(review, actor=request.user, **form.cleaned_data)  # noqa: E731
    context = {"partnership": review.partnership, "review": review, "heading": "Add a document", "multipart": True}
    context["button"] = "Upload the document"
    said = "The document has been added to the case file."
    return _form_page(request, form, write, done=review.get_absolute_url(), said=said, **context)


@login_required
def review_document_download(request, slug: str, review_id: int, document_id: int):
    review = review_for(request, slug, review_id)
    document = pages.one_or_404(queries.documents_of(review), "document", pk=document_id)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file of this document is missing: please tell a site administrator.") from None
    name = document.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- The partnership's timescales -------------------------------------------------------------------------


@login_required
def review_timescales(request, slug: str):
    partnership = partnership_for(request.user, slug, START)
    current = queries.timescales_of(partnership)
    form = TimescalesForm(_posted(request), instance=current)
    write = lambda: services.set_timescales(partnership, actor=request.user, values=form.values())  # noqa: E731
    intro = [
        "The clocks of this partnership's reviews count these timescales."
        + (
            " They are the partnership's own."
            if current
            else " These are the statutory guidance's, until you save your own."
        ),
        clocks.WORKING_DAYS_HINT,
    ]
    context = {"partnership": partnership, "heading": "Review timescales", "intro": intro, "button": "Save timescales"}
    said = "The partnership's review timescales have been saved."
    done = reverse("reviews:review_list", args=[partnership.slug])
    return _form_page(request, form, write, done=done, said=said, **context)
