"""Forms for plans, priorities and priority setting. They parse and validate what people type;
the services in ``services.py`` do the writing."""

from .common import ErrorLink, error_links
from .exercises import (
    AddCandidatesForm,
    ConvertForm,
    CriterionFormSet,
    ExerciseEditForm,
    ExerciseForm,
    ScoreSheetForm,
)
from .plans import ConfirmForm, MoveForm, OutcomeFormSet, PeriodDateField, PlanForm, PriorityForm
from .points import PointsField, format_points, parse_points

__all__ = [
    "AddCandidatesForm",
    "ConvertForm",
    "CriterionFormSet",
    "ConfirmForm",
    "ErrorLink",
    "ExerciseEditForm",
    "ExerciseForm",
    "MoveForm",
    "OutcomeFormSet",
    "PeriodDateField",
    "PlanForm",
    "PointsField",
    "PriorityForm",
    "ScoreSheetForm",
    "error_links",
    "format_points",
    "parse_points",
]
