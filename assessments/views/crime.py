"""Crime data: per-authority monthly counts, imports, share of harm, and local profiles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from csp_portal import pages

from .. import charts, filters, queries
from ..forms import CrimeUploadForm, HarmWeightForm, HarmWeightsUploadForm
from ..models import CrimeImport
from ..services import crime as crime_services
from ..services import harm as harm_services
from .common import CHANGE, IMPORT, VIEW, evidence_of, found_at, may


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
    authorities = queries.area_authorities(partnership)
    summary = queries.crime_summary(partnership, authorities, queries.latest_months(12, authorities))
    can_import = may(request, IMPORT, partnership)
    return render(
        request,
        "assessments/crime_data.html",
        {
            "partnership": partnership,
            "summary": summary,
            "rows": queries.authority_rows(summary, authorities),
            "chart": _share_chart(summary, f"Share of crimes and of harm by crime type, {partnership.name}"),
            "imports": queries.recent_imports(partnership) if can_import else [],
            "can_import": can_import,
            "can_change": may(request, CHANGE, partnership),
        },
    )


@login_required
def crime_counts_csv(request, slug: str):
    partnership = evidence_of(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="crime-counts-{partnership.slug}.csv"'
    queries.write_crime_counts_csv(response, queries.crime_count_rows(queries.area_authorities(partnership)))
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


@login_required
def import_list(request, slug: str):
    """Every import the partnership's analysts follow, filtered and sorted as they ask."""
    partnership = evidence_of(request, slug, IMPORT)
    table, listed = filters.imports_listed(partnership, request.GET)
    return render(
        request, "assessments/import_list.html", {"partnership": partnership, "table": table, "listed": listed}
    )


def _job(request, slug: str, job_pk: int) -> CrimeImport:
    return found_at(request, queries.imports_at(slug), "import", job_pk, IMPORT)


def _job_state(job: CrimeImport) -> dict:
    status_label = job.get_status_display()
    return {
        "status": job.status,
        "status_label": status_label,
        "progress": job.progress,
        # A finished job's last stage is said once, by the status tag, unless it says more than the tag.
        "stage": "" if job.is_finished and job.stage.casefold() == status_label.casefold() else job.stage,
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
    return render(
        request,
        "assessments/harm_weights.html",
        {
            "partnership": partnership,
            "rows": queries.weight_rows(partnership),
            "can_change": can_change,
            "upload_form": upload_form,
            "weight_form": weight_form,
            "form": upload_form if upload_form.errors else weight_form,
        },
    )


@login_required
def local_profile(request, slug: str, code: str):
    partnership = evidence_of(request, slug, VIEW)
    authority = pages.one_or_404(queries.authorities_in(partnership), "authority", ons_code=code)
    page = queries.local_profile(partnership, authority)
    return render(
        request,
        "assessments/local_profile.html",
        {
            "partnership": partnership,
            "authority": authority,
            "page": page,
            "chart": _share_chart(page.local, f"Share of crimes and of harm by crime type, {authority.name}"),
            "indicators_url": reverse("assessments:indicator_list", args=[partnership.slug]),
        },
    )
