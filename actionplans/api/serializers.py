"""What the API answers, field by field: the schema's descriptions come from the help texts here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from assessments.models import Indicator
from csp_portal.quarters import Quarter

from ..models import Action, ProgressReturn


class AuthoritySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The council's name.")
    ons_code = serializers.CharField(help_text="Its ONS local authority code, such as E07000121.")


class PartnershipSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The partnership's short name, used in the addresses below.")
    name = serializers.CharField(help_text="The partnership's name.")
    kind = serializers.CharField(help_text="district, joint or county.")
    county_board = serializers.CharField(
        source="county_board.slug",
        default=None,
        allow_null=True,
        help_text="The slug of the county board above it, if any.",
    )
    authorities = AuthoritySerializer(many=True, read_only=True, help_text="The councils it covers.")
    actions_url = serializers.SerializerMethodField(help_text="Where its actions are read.")
    returns_url = serializers.SerializerMethodField(help_text="Where its accepted progress returns are read.")
    indicators_url = serializers.SerializerMethodField(help_text="Where its indicators and their figures are read.")

    def get_actions_url(self, partnership) -> str:
        return reverse("api_actions", args=[partnership.slug], request=self.context.get("request"))

    def get_returns_url(self, partnership) -> str:
        return reverse("api_returns", args=[partnership.slug], request=self.context.get("request"))

    def get_indicators_url(self, partnership) -> str:
        return reverse("api_indicators", args=[partnership.slug], request=self.context.get("request"))


@extend_schema_field({"type": "string", "nullable": True, "example": "2025-26-Q3"})
class QuarterSlugField(serializers.Field):
    """A quarter as the API's filters take it: '2025-26-Q3'."""

    def __init__(self, year: str, number: str, **kwargs):
        self.year_name, self.number_name = year, number
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        year, number = getattr(obj, self.year_name), getattr(obj, self.number_name)
        return Quarter(year, number).slug if year and number else None


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The action's number in the portal.")
    title = serializers.CharField(help_text="The action, as the plan words it.")
    priority = serializers.CharField(
        source="priority.title",
        default=None,
        allow_null=True,
        help_text="The priority it delivers (empty for a review's action).",
    )
    priority_id = serializers.IntegerField(allow_null=True, help_text="The priority's number, to filter by.")
    plan = serializers.CharField(
        source="priority.plan.title", default=None, allow_null=True, help_text="The plan of the priority."
    )
    lead = serializers.CharField(source="lead_name", help_text="The lead person and lead agency.")
    due_date = serializers.DateField(allow_null=True, help_text="When it is due, if a date is set.")
    timescale = serializers.CharField(help_text="The timescale as the plan words it.")
    status = serializers.ChoiceField(choices=Action.Status.choices, help_text="The action's status.")
    latest_rag = serializers.ChoiceField(
        choices=ProgressReturn.Rag.choices,
        allow_null=True,
        help_text="RAG status of its latest accepted progress return (up to the quarter asked for); "
        "null if none was accepted.",
    )
    latest_quarter = QuarterSlugField(
        "latest_year", "latest_number", help_text="The quarter of that return, such as 2025-26-Q3."
    )


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The return's number in the portal.")
    action = serializers.IntegerField(source="action_id", help_text="The action's number (see the actions list).")
    action_title = serializers.CharField(source="action.title", help_text="The action, as the plan words it.")
    quarter = QuarterSlugField("year", "number", help_text="The quarter it reports on, such as 2025-26-Q3.")
    rag = serializers.ChoiceField(choices=ProgressReturn.Rag.choices, help_text="The RAG status the lead gave.")
    percent_complete = serializers.IntegerField(allow_null=True, help_text="Percentage complete, if given.")
    status = serializers.ChoiceField(
        choices=ProgressReturn.Status.choices, help_text="Always 'accepted': the API shows no other return."
    )
    commentary = serializers.CharField(source="narrative", help_text="The progress the lead reported.")
    accepted_at = serializers.DateTimeField(
        source="reviewed_at", allow_null=True, help_text="When the partnership officer accepted it."
    )


class FigureSerializer(serializers.Serializer):
    period_start = serializers.DateField(
        help_text="The first day of the period: a month, a financial quarter or a financial year (April)."
    )
    value = serializers.DecimalField(
        max_digits=14, decimal_places=3, coerce_to_string=False, help_text="The figure for that period."
    )
    note = serializers.CharField(help_text="What was written beside a typed-in figure; empty for crime counts.")

    def to_representation(self, figure) -> dict:
        # Hundreds of figures a page: written directly rather than field by field (the same answer).
        return {"period_start": figure.period_start.isoformat(), "value": float(figure.value), "note": figure.note}


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The indicator's number in the portal.")
    name = serializers.CharField(help_text="The indicator's name, such as 'Vehicle offences, South Ribble'.")
    unit = serializers.CharField(help_text="What the figures count: offences, incidents, %, per 1,000 people...")
    source = serializers.CharField(help_text="Where the figures come from, such as 'MADE' or 'police.uk'.")
    desired_direction = serializers.ChoiceField(
        choices=Indicator.Direction.choices, help_text="down: a lower figure is better; up: a higher one is."
    )
    target = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        coerce_to_string=False,
        allow_null=True,
        help_text="The target for each period; null if none is set.",
    )
    frequency = serializers.ChoiceField(
        choices=Indicator.Frequency.choices, help_text="The length of its periods: month, quarter or year."
    )
    authority = serializers.CharField(
        source="authority.ons_code",
        default=None,
        allow_null=True,
        help_text="The ONS code of the council it measures; null for the partnership's whole area.",
    )
    crime_type = serializers.CharField(
        help_text="The police.uk crime type its figures are counted from; empty when they are typed in."
    )
    values = FigureSerializer(
        source="figures",
        many=True,
        read_only=True,
        help_text="Its figures, oldest first (within since and until, when given): period_start, value, note.",
    )
