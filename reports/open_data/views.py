"""The open data (no sign-in): the data dictionary page, and each dataset's files."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from priorities import publication

from . import files
from .datasets import DATASETS, LICENCE, TYPES


@require_safe
def index(request):
    """What each dataset is, its files, and a table of its columns."""
    return render(
        request,
        "reports/open_data/index.html",
        {
            "datasets": DATASETS.values(),
            "types": TYPES,
            "licence": LICENCE,
            "plans": publication.public_plans(),
            "user": AnonymousUser(),  # the same page for everyone, as the public plans
        },
    )


@require_safe
def download(request, dataset: str, file_format: str, slug: str | None = None):
    declared = DATASETS[dataset]
    state = declared.state(slug)
    if not state.found:
        raise Http404("This partnership has no published plan.")
    return files.response(declared, file_format, slug, state)
