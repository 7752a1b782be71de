"""Rate limits on the API, counted per token (in the cache, Redis). The rate is API_RATE_LIMIT
(settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]), 600/hour unless set."""

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    """DRF's per-user limit, counted for each token: a person's two tools each get the rate. A
    request past it is answered 429 with Retry-After, the seconds until the next one is let in."""

    scope = "token"

    def get_rate(self) -> str:
        # Read when asked, not copied when the class is first imported: the setting now in force.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None:
            return super().get_cache_key(request, view)
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token.pk}"}


def rate_in_words() -> str:
    """The rate as the documentation says it: '600 requests an hour'."""
    number, period = api_settings.DEFAULT_THROTTLE_RATES[TokenRateThrottle.scope].split("/")
    return f"{number} request{'' if number == '1' else 's'} {'an' if period == 'hour' else 'a'} {period}"
