"""Strategic assessments, their threat rankings and findings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from csp_portal import pages

from .. import queries, scoring
from ..forms import PARTS, AssessmentForm, ThreatForm
from ..models import Recommendation, StrategicAssessment, Threat
from ..services import assessments as services
from .common import CHANGE, assessment_of, evidence_of, may


def _detail_url(assessment: StrategicAssessment, anchor: str = "") -> str:
    url = reverse("assessments:assessment_detail", args=[assessment.partnership.slug, assessment.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def assessment_list(request, slug: str):
    partnership = evidence_of(request, slug)
    assessments = list(queries.assessments_for(partnership))
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "partnership": partnership,
            "own": [a for a in assessments if a.partnership_id == partnership.pk],
            "county": [a for a in assessments if a.partnership_id != partnership.pk],
            "authorities": queries.area_authorities(partnership),
            "can_change": may(request, CHANGE, partnership),
        },
    )


@login_required
def assessment_create(request, slug: str):
    partnership = evidence_of(request, slug, CHANGE)
    form = AssessmentForm(request.POST or None, request.FILES or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        assessment = services.save_assessment(actor=request.user, partnership=partnership, assessment=form.instance)
        messages.success(request, f"'{assessment.title}' has been created. Now add the threats it ranks.")
        return redirect(_detail_url(assessment))
    return render(
        request,
        "assessments/assessment_form.html",
        {"partnership": partnership, "form": form, "heading": "New strategic assessment"},
    )


@login_required
def assessment_edit(request, slug: str, pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    partnership = assessment.partnership
    form = AssessmentForm(request.POST or None, request.FILES or None, instance=assessment, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        services.save_assessment(actor=request.user, partnership=partnership, assessment=form.instance)
        messages.success(request, "The assessment has been saved.")
        return redirect(_detail_url(assessment))
    return render(
        request,
        "assessments/assessment_form.html",
        {"partnership": partnership, "form": form, "assessment": assessment, "heading": "Edit the assessment"},
    )


@login_required
def assessment_detail(request, slug: str, pk: int):
    assessment_of(request, slug, pk)
    page = queries.assessment_page(pk)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "partnership": page.assessment.partnership,
            "assessment": page.assessment,
            "threats": page.threats,
            "findings_by_theme": page.findings_by_theme,
            "formula": scoring.FORMULA,
            "parts": PARTS,
            "can_change": may(request, CHANGE, page.assessment),
            "changes": page.changes,
        },
    )


@login_required
def assessment_document(request, slug: str, pk: int):
    assessment = assessment_of(request, slug, pk)
    if not assessment.document:
        raise Http404("This assessment has no document attached.")
    return FileResponse(
        assessment.document.open("rb"),
        as_attachment=False,
        filename=f"{assessment.title}.pdf",
        content_type="application/pdf",
    )


def _threat_form(request, assessment, threat=None):
    form = ThreatForm(request.POST or None, instance=threat, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        saved = services.save_threat(actor=request.user, threat=form.instance)
        messages.success(request, f"'{saved.name}' is ranked {saved.rank} with a risk score of {saved.risk_score}.")
        return redirect(_detail_url(assessment, "threats"))
    return render(
        request,
        "assessments/threat_form.html",
        {
            "partnership": assessment.partnership,
            "assessment": assessment,
            "form": form,
            "threat": threat,
            "formula": scoring.FORMULA,
        },
    )


@login_required
def threat_create(request, slug: str, pk: int):
    return _threat_form(request, assessment_of(request, slug, pk, CHANGE))


@login_required
def threat_edit(request, slug: str, pk: int, threat_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    return _threat_form(request, assessment, _threat(assessment, threat_pk))


@login_required
@require_POST
def threat_delete(request, slug: str, pk: int, threat_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    threat = _threat(assessment, threat_pk)
    services.delete_threat(actor=request.user, threat=threat)
    messages.success(request, f"'{threat.name}' has been removed from the ranking.")
    return redirect(_detail_url(assessment, "threats"))


def _threat(assessment: StrategicAssessment, threat_pk: int) -> Threat:
    return pages.one_or_404(queries.threats_in(assessment), "threat", pk=threat_pk)


def _part(part: str):
    if part not in PARTS:
        raise Http404("No such part of an assessment.")
    return PARTS[part]


def _item(assessment: StrategicAssessment, kind, item_pk: int):
    return pages.one_or_404(queries.parts_in(kind.model, assessment), kind.singular, pk=item_pk)


def _part_form(request, assessment, kind, instance):
    form = kind.form(request.POST or None, instance=instance)
    article = "an" if kind.singular[0] in "aeiou" else "a"
    if request.method == "POST" and form.is_valid():
        services.save_part(actor=request.user, part=form.instance, lines=getattr(form, "lines", None))
        messages.success(request, f"The {kind.singular} has been saved.")
        return redirect(_detail_url(assessment, kind.anchor))
    return render(
        request,
        "assessments/part_form.html",
        {
            "partnership": assessment.partnership,
            "assessment": assessment,
            "form": form,
            "kind": kind,
            "heading": f"{'Edit' if instance.pk else 'Add'} {article} {kind.singular}",
        },
    )


@login_required
def part_create(request, slug: str, pk: int, part: str):
    assessment = assessment_of(request, slug, pk, CHANGE)
    kind = _part(part)
    instance = kind.model(assessment=assessment)
    if kind.model is Recommendation and request.method == "GET":
        instance.number = queries.next_recommendation_number(assessment)
    return _part_form(request, assessment, kind, instance)


@login_required
def part_edit(request, slug: str, pk: int, part: str, item_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    kind = _part(part)
    return _part_form(request, assessment, kind, _item(assessment, kind, item_pk))


@login_required
@require_POST
def part_delete(request, slug: str, pk: int, part: str, item_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    kind = _part(part)
    services.delete_part(actor=request.user, part=_item(assessment, kind, item_pk))
    messages.success(request, f"The {kind.singular} has been removed.")
    return redirect(_detail_url(assessment, kind.anchor))
