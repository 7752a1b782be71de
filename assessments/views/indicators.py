"""Indicators: figures over time with their trend, direction of travel and RAG."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from csp_portal.organisations.permissions import authorize

from .. import charts, queries
from ..analysis import period_code
from ..forms import IndicatorForm, IndicatorValueForm, IndicatorValuesUploadForm
from ..models import Indicator
from ..services import indicators as services
from .common import CHANGE, ENTER_VALUES, VIEW, evidence_of, found_at, may


def _indicator(request, slug: str, pk: int, permission: str = VIEW) -> Indicator:
    return found_at(request, queries.indicators_at(slug), "indicator", pk, permission)


def chart_for(indicator: Indicator, analysis) -> str | None:
    """The indicator's chart: the same SVG in the page and in PDF reports."""
    if not analysis.rows:
        return None
    return charts.line_chart(
        [r.label for r in analysis.rows],
        [float(r.value) for r in analysis.rows],
        title=indicator.name,
        unit=indicator.unit,
        target=float(indicator.target) if indicator.target is not None else None,
    )


@login_required
def indicator_list(request, slug: str):
    partnership = evidence_of(request, slug)
    rows = queries.indicator_rows(partnership)
    return render(
        request,
        "assessments/indicator_list.html",
        {"partnership": partnership, "rows": rows, "can_change": may(request, CHANGE, partnership)},
    )


def _indicator_form(request, partnership, indicator=None):
    form = IndicatorForm(
        request.POST or None, instance=indicator, partnership=partnership, crime_types=queries.crime_types()
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_indicator(
            actor=request.user, indicator=form.instance, threats=form.cleaned_data["threats"]
        )
        messages.success(request, f"The indicator '{saved.name}' has been saved.")
        return redirect("assessments:indicator_detail", slug=partnership.slug, pk=saved.pk)
    return render(
        request,
        "assessments/indicator_form.html",
        {"partnership": partnership, "form": form, "indicator": indicator},
    )


@login_required
def indicator_create(request, slug: str):
    return _indicator_form(request, evidence_of(request, slug, CHANGE))


@login_required
def indicator_edit(request, slug: str, pk: int):
    indicator = _indicator(request, slug, pk, CHANGE)
    return _indicator_form(request, indicator.partnership, indicator)


@login_required
def indicator_detail(request, slug: str, pk: int):
    indicator = _indicator(request, slug, pk)
    partnership = indicator.partnership
    can_enter = may(request, ENTER_VALUES, indicator) and not indicator.is_from_crime_data
    value_form = IndicatorValueForm(prefix="value", indicator=indicator)
    upload_form = IndicatorValuesUploadForm(prefix="upload")
    if request.method == "POST":
        authorize(request.user, ENTER_VALUES, indicator)
        if indicator.is_from_crime_data:
            messages.error(request, "This indicator's figures come from police.uk data; they cannot be typed in.")
            return redirect("assessments:indicator_detail", slug=slug, pk=pk)
        if request.POST.get("action") == "upload":
            upload_form = IndicatorValuesUploadForm(request.POST, request.FILES, prefix="upload")
            if upload_form.is_valid():
                try:
                    rows = services.parse_values(upload_form.cleaned_data["file"].read(), indicator.frequency)
                except ValidationError as exc:
                    upload_form.add_error("file", exc)
                else:
                    count = services.upload_values(actor=request.user, indicator=indicator, rows=rows)
                    messages.success(request, f"{count} figures have been recorded.")
                    return redirect("assessments:indicator_detail", slug=slug, pk=pk)
        else:
            value_form = IndicatorValueForm(request.POST, prefix="value", indicator=indicator)
            if value_form.is_valid():
                services.set_value(
                    actor=request.user,
                    indicator=indicator,
                    period_start=value_form.cleaned_data["period"],
                    value=value_form.cleaned_data["value"],
                    note=value_form.cleaned_data["note"],
                )
                messages.success(request, "The figure has been recorded.")
                return redirect("assessments:indicator_detail", slug=slug, pk=pk)
    analysis = queries.indicator_analysis(indicator)
    return render(
        request,
        "assessments/indicator_detail.html",
        {
            "partnership": partnership,
            "indicator": indicator,
            "analysis": analysis,
            "chart": chart_for(indicator, analysis),
            "threats": queries.threats_measured_by(indicator),
            "can_change": may(request, CHANGE, indicator),
            "can_enter": can_enter,
            "value_form": value_form,
            "upload_form": upload_form,
            "form": upload_form if upload_form.errors else value_form,
            "example_period": period_code(analysis.latest.start, indicator.frequency) if analysis.latest else "",
        },
    )
