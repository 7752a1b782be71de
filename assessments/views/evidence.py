"""Strategic assessments, their threat rankings and findings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from csp_portal.history import changes, merged

from .. import scoring
from ..forms import PARTS, AssessmentForm, ThreatForm
from ..models import Recommendation, StrategicAssessment, Threat
from ..queries import assessment_page, assessments_for
from ..services import assessments as services
from .common import CHANGE, assessment_of, evidence_of, may


def _detail_url(assessment: StrategicAssessment, anchor: str = "") -> str:
    url = reverse("assessments:assessment_detail", args=[assessment.partnership.slug, assessment.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def assessment_list(request, slug: str):
    partnership = evidence_of(request, slug)
    assessments = list(assessments_for(partnership))
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "partnership": partnership,
            "own": [a for a in assessments if a.partnership_id == partnership.pk],
            "county": [a for a in assessments if a.partnership_id != partnership.pk],
            "authorities": partnership.authorities.order_by("name"),
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
    assessment = assessment_page(pk)
    threats = list(assessment.threats.all())
    history = merged(
        changes(StrategicAssessment.history.filter(id=assessment.pk), subject=lambda r: "The assessment"),
        changes(Threat.history.filter(assessment_id=assessment.pk), subject=lambda r: f"Threat: {r.name}"),
        changes(
            Recommendation.history.filter(assessment_id=assessment.pk),
            subject=lambda r: f"Recommendation {r.number}",
        ),
        limit=50,
    )
    findings_by_theme: dict[str, list] = {}
    for finding in assessment.findings.all():
        findings_by_theme.setdefault(finding.get_theme_display(), []).append(finding)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "partnership": assessment.partnership,
            "assessment": assessment,
            "threats": threats,
            "findings_by_theme": findings_by_theme,
            "formula": scoring.FORMULA,
            "parts": PARTS,
            "can_change": may(request, CHANGE, assessment),
            "changes": history,
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
    return _threat_form(request, assessment, get_object_or_404(Threat, pk=threat_pk, assessment=assessment))


@login_required
@require_POST
def threat_delete(request, slug: str, pk: int, threat_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    threat = get_object_or_404(Threat, pk=threat_pk, assessment=assessment)
    services.delete_threat(actor=request.user, threat=threat)
    messages.success(request, f"'{threat.name}' has been removed from the ranking.")
    return redirect(_detail_url(assessment, "threats"))


def _part(part: str):
    if part not in PARTS:
        raise Http404("No such part of an assessment.")
    return PARTS[part]


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
        instance.number = assessment.recommendations.count() + 1
    return _part_form(request, assessment, kind, instance)


@login_required
def part_edit(request, slug: str, pk: int, part: str, item_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    kind = _part(part)
    return _part_form(request, assessment, kind, get_object_or_404(kind.model, pk=item_pk, assessment=assessment))


@login_required
@require_POST
def part_delete(request, slug: str, pk: int, part: str, item_pk: int):
    assessment = assessment_of(request, slug, pk, CHANGE)
    kind = _part(part)
    services.delete_part(actor=request.user, part=get_object_or_404(kind.model, pk=item_pk, assessment=assessment))
    messages.success(request, f"The {kind.singular} has been removed.")
    return redirect(_detail_url(assessment, kind.anchor))
