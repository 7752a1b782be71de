"""The search page: what the person may open that matches the words typed in the header's box."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .queries import search


@login_required
@require_GET
def search_page(request):
    results = search(request.user, request.GET.get("q", ""))
    return render(request, "reports/search/results.html", {"results": results, "asked": "q" in request.GET})
