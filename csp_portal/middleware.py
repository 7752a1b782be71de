"""Project-wide middleware."""

from csp.constants import UNSAFE_INLINE
from django.urls import reverse


class AdminInlineStyleMiddleware:
    """Let the Django admin's own scripts set inline styles (autocomplete widths, collapsible
    fieldsets). Only site administrators reach those pages; every other page keeps style-src 'self'.
    Sits after django-csp's middleware so that it marks the response before the header is built."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
