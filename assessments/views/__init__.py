"""Pages of the evidence app, mounted at /partnerships/<slug>/evidence/."""

from .crime import (
    crime_counts_csv,
    crime_data,
    crime_upload,
    harm_weights,
    import_detail,
    import_list,
    import_status,
    local_profile,
)
from .evidence import (
    assessment_create,
    assessment_detail,
    assessment_document,
    assessment_edit,
    assessment_list,
    part_create,
    part_delete,
    part_edit,
    threat_create,
    threat_delete,
    threat_edit,
)
from .indicators import indicator_create, indicator_detail, indicator_edit, indicator_list

__all__ = [
    "assessment_create",
    "assessment_detail",
    "assessment_document",
    "assessment_edit",
    "assessment_list",
    "crime_counts_csv",
    "crime_data",
    "crime_upload",
    "harm_weights",
    "import_detail",
    "import_list",
    "import_status",
    "indicator_create",
    "indicator_detail",
    "indicator_edit",
    "indicator_list",
    "local_profile",
    "part_create",
    "part_delete",
    "part_edit",
    "threat_create",
    "threat_delete",
    "threat_edit",
]
