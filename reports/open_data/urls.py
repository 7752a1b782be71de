"""Mounted at open-data/: the data dictionary and every dataset's CSV and JSON files, named
``<dataset>-<format>`` (``plans-csv``); a published plan's own actions at ``<slug>/plans.csv``."""

from django.urls import path

from . import views
from .datasets import DATASETS

app_name = "open_data"

urlpatterns = [path("", views.index, name="index")]
for _name, _dataset in DATASETS.items():
    for _format in ("csv", "json"):
        arguments = {"dataset": _name, "file_format": _format}
        urlpatterns.append(path(f"{_name}.{_format}", views.download, arguments, name=f"{_name}-{_format}"))
        if _dataset.per_partnership:
            urlpatterns.append(
                path(f"<slug:slug>/{_name}.{_format}", views.download, arguments, name=f"partnership-{_name}-{_format}")
            )
