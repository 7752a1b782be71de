"""Crime data: per-authority monthly counts, imports, share of harm, and local profiles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from csp_portal.organisations.models import Authority, Partnership
from csp_portal.organisations.permissions import authorize

from .. import charts
from ..analysis import analyse
from ..forms import CrimeUploadForm, HarmWeightForm, HarmWeightsUploadForm
from ..models import CrimeImport, Indicator
from ..queries import (
    area_authorities,
    crime_count_rows,
    crime_summary,
    indicator_values,
    latest_months,
    write_crime_counts_csv,
)
from ..queries import (
    harm_weights as weights_in_force,
)
from ..services import crime as crime_services
from ..services import harm as harm_services
from .common import CHANGE, IMPORT, VIEW, evidence_of, may


def _share_chart(summary: dict, title: str) -> str | None:
    if not summary["types"]:
        return None
    return charts.share_chart(
        [t["crime_type"] for t in summary["types"]],
        [t["volume_share"] for t in summary["types"]],
        [t["harm_share"] for t in summary["types"]],
        title=title,
    )


@login_required
def crime_data(request, slug: str):
    partnership = evidence_of(request, slug)
    authorities = area_authorities(partnership)
    months = latest_months(12, authorities)
    summary = crime_summary(partnership, authorities, months)
    rows = [
        {
            "authority": a,
            "count": summary["by_authority"].get(a.pk, 0),
            "harm": summary["harm_by_authority"].get(a.pk, 0),
            "share": 100 * summary["by_authority"].get(a.pk, 0) / summary["total"] if summary["total"] else 0,
        }
        for a in authorities
    ]
    # The partnership's own uploads and the command-line imports every partnership's counts come
    # from; another partnership's uploads (who sent which files) are theirs.
    imports = (
        CrimeImport.objects.filter(Q(partnership=partnership) | Q(partnership=None))
        .select_related("requested_by")
        .order_by("-created")[:5]
    )
    return render(
        request,
        "assessments/crime_data.html",
        {
            "partnership": partnership,
            "summary": summary,
            "rows": rows,
            "chart": _share_chart(summary, f"Share of crimes and of harm by crime type, {partnership.name}"),
            "imports": imports if may(request, IMPORT, partnership) else [],
            "can_import": may(request, IMPORT, partnership),
            "can_change": may(request, CHANGE, partnership),
        },
    )


@login_required
def crime_counts_csv(request, slug: str):
    partnership = evidence_of(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="crime-counts-{partnership.slug}.csv"'
    write_crime_counts_csv(response, crime_count_rows(area_authorities(partnership)))
    return response


@login_required
def crime_upload(request, slug: str):
    partnership = evidence_of(request, slug, IMPORT)
    form = CrimeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = crime_services.request_import(
            actor=request.user, partnership=partnership, upload=form.cleaned_data["file"]
        )
        return redirect("assessments:import_detail", slug=partnership.slug, job_pk=job.pk)
    return render(request, "assessments/crime_upload.html", {"partnership": partnership, "form": form})


def _job(request, slug: str, job_pk: int) -> CrimeImport:
    job = get_object_or_404(
        CrimeImport.objects.select_related("partnership", "requested_by"), pk=job_pk, partnership__slug=slug
    )
    authorize(request.user, IMPORT, job)
    return job


def _job_state(job: CrimeImport) -> dict:
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "stage": job.stage,
        "finished": job.is_finished,
        "error": job.error,
        "summary": crime_services.describe(job.summary) if job.summary else [],
    }


@login_required
def import_detail(request, slug: str, job_pk: int):
    job = _job(request, slug, job_pk)
    return render(
        request,
        "assessments/import_detail.html",
        {"partnership": job.partnership, "job": job, "state": _job_state(job)},
    )


@login_required
def import_status(request, slug: str, job_pk: int):
    return JsonResponse(_job_state(_job(request, slug, job_pk)))


@login_required
def harm_weights(request, slug: str):
    partnership = evidence_of(request, slug)
    can_change = may(request, CHANGE, partnership)
    upload_form = HarmWeightsUploadForm(prefix="upload")
    weight_form = HarmWeightForm(prefix="weight")
    if request.method == "POST":
        partnership = evidence_of(request, slug, CHANGE)
        action = request.POST.get("action")
        if action == "upload":
            upload_form = HarmWeightsUploadForm(request.POST, request.FILES, prefix="upload")
            if upload_form.is_valid():
                try:
                    rows = harm_services.parse_weights(
                        upload_form.cleaned_data["file"].read(), upload_form.cleaned_data["source"]
                    )
                except ValidationError as exc:
                    upload_form.add_error("file", exc)
                else:
                    count = harm_services.upload_weights(actor=request.user, partnership=partnership, rows=rows)
                    messages.success(request, f"{count} crime-severity weights have been set.")
                    return redirect("assessments:harm_weights", slug=slug)
        elif action == "weight":
            weight_form = HarmWeightForm(request.POST, prefix="weight")
            if weight_form.is_valid():
                harm_services.set_weight(actor=request.user, partnership=partnership, **weight_form.cleaned_data)
                messages.success(request, f"The weight of '{weight_form.cleaned_data['crime_type']}' has been set.")
                return redirect("assessments:harm_weights", slug=slug)
        elif action == "reset":
            harm_services.reset_weights(actor=request.user, partnership=partnership)
            messages.success(request, "Every crime type weighs 1 again: harm is plain volume.")
            return redirect("assessments:harm_weights", slug=slug)
        else:
            return HttpResponse("Unknown action.", status=400)
    from ..queries import crime_types

    weights = weights_in_force(partnership)
    types = sorted(set(crime_types()) | set(weights))
    return render(
        request,
        "assessments/harm_weights.html",
        {
            "partnership": partnership,
            "rows": [{"crime_type": t, "weight": weights.get(t)} for t in types],
            "can_change": can_change,
            "upload_form": upload_form,
            "weight_form": weight_form,
            "form": upload_form if upload_form.errors else weight_form,
        },
    )


def _county_scope(partnership: Partnership) -> list[Authority]:
    """The authorities a local profile compares with: the county board's area."""
    county = partnership if partnership.kind == Partnership.Kind.COUNTY else partnership.county_board
    return area_authorities(county or partnership)


@login_required
def local_profile(request, slug: str, code: str):
    partnership = evidence_of(request, slug, VIEW)
    authority = partnership.authorities.filter(ons_code=code).first()
    if authority is None:
        raise Http404("That authority is not in this partnership's area.")
    from ..models import StrategicAssessment, Threat

    owners = [partnership.pk] + ([partnership.county_board_id] if partnership.county_board_id else [])
    profiles = list(
        StrategicAssessment.objects.filter(partnership__in=owners, authority=authority).select_related("partnership")
    )
    threats = list(
        Threat.objects.filter(assessment__in=profiles).select_related("assessment").order_by("assessment", "rank")
    )
    indicators = list(
        Indicator.objects.filter(partnership__in=owners, authority=authority)
        .select_related("partnership", "authority")
        .prefetch_related("values")
    )
    indicator_rows = []
    for indicator in indicators:
        values = indicator_values(indicator, indicator.partnership)
        indicator_rows.append(
            {
                "indicator": indicator,
                "analysis": analyse(values, indicator.frequency, indicator.desired_direction, indicator.target),
            }
        )
    scope = _county_scope(partnership)
    months = latest_months(12, scope)
    county = crime_summary(partnership, scope, months)
    count = county["by_authority"].get(authority.pk, 0)
    harm = county["harm_by_authority"].get(authority.pk, 0)
    local = crime_summary(partnership, [authority], months)
    return render(
        request,
        "assessments/local_profile.html",
        {
            "partnership": partnership,
            "authority": authority,
            "profiles": profiles,
            "threats": threats,
            "indicator_rows": indicator_rows,
            "months": months,
            "count": count,
            "harm": harm,
            "county": county,
            "crime_share": 100 * count / county["total"] if county["total"] else None,
            "harm_share": float(100 * harm / county["total_harm"]) if county["total_harm"] else None,
            "local": local,
            "chart": _share_chart(local, f"Share of crimes and of harm by crime type, {authority.name}"),
            "scope_size": len(scope),
            "indicators_url": reverse("assessments:indicator_list", args=[partnership.slug]),
        },
    )
