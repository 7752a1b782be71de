"""Forms for plans, priorities and priority setting. They parse and validate what people type;
the services in ``services.py`` do the writing."""

from .common import error_links
from .exercises import (
    AddCandidatesForm,
    ConvertForm,
    CriterionFormSet,
    ExerciseEditForm,
    ExerciseForm,
    ScoreSheetForm,
)
from .plans import ConfirmForm, MoveForm, OutcomeFormSet, PlanForm, PriorityForm
from .points import format_points, parse_points

__all__ = [
    "AddCandidatesForm",
    "ConvertForm",
    "CriterionFormSet",
    "ConfirmForm",
    "ExerciseEditForm",
    "ExerciseForm",
    "MoveForm",
    "OutcomeFormSet",
    "PlanForm",
    "PriorityForm",
    "ScoreSheetForm",
    "error_links",
    "format_points",
    "parse_points",
]
