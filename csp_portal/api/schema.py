"""What the OpenAPI schema says of signing in: a bearer token (a personal access token)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "csp_portal.api.authentication.AccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token made on your account page (/account/tokens/), sent as "
            "'Authorization: Bearer <token>'.",
        }
