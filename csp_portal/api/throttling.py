"""Rate limits on the API, counted per token (in the cache, Redis)."""

from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    """DRF's per-user limit, counted for each token: a person's two tools each get the rate set as
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None:
            return super().get_cache_key(request, view)
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token.pk}"}
