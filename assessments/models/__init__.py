"""The evidence: strategic assessments and their threat rankings and findings, police.uk crime counts
per authority, crime-severity weights, and indicators tracked over time."""

from .crime import CrimeCount, CrimeImport, HarmWeight
from .evidence import (
    AnnualReview,
    CommunityIssue,
    Consultation,
    ContributoryFactor,
    DataRow,
    DataTable,
    KeyFinding,
    Recommendation,
    Source,
    StrategicAssessment,
    Threat,
)
from .indicators import Indicator, IndicatorValue

__all__ = [
    "AnnualReview",
    "CommunityIssue",
    "Consultation",
    "ContributoryFactor",
    "CrimeCount",
    "CrimeImport",
    "DataRow",
    "DataTable",
    "HarmWeight",
    "Indicator",
    "IndicatorValue",
    "KeyFinding",
    "Recommendation",
    "Source",
    "StrategicAssessment",
    "Threat",
]
