"""Which partnership the user is working in: chosen with the switcher, remembered in the session."""

from django.utils.functional import SimpleLazyObject

from .queries import current_partnership


class CurrentPartnershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = SimpleLazyObject(lambda: current_partnership(request))
        return self.get_response(request)
