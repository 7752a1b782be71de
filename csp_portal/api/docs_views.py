"""The API's OpenAPI schema and its documentation page. The page is written on the server from the
same schema, because the site's Content-Security-Policy allows no script from elsewhere (Swagger UI
and Redoc load theirs from a CDN)."""

from __future__ import annotations

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from .throttling import rate_in_words


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema, readable without a token: it describes the API, not the data."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


def _operations(schema: dict) -> list[dict]:
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation["responses"]["200"]["content"]["application/json"]["schema"]
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "operation": operation,
                    "parameters": operation.get("parameters", []),
                    "fields": _fields(schema, content),
                }
            )
    return found


def _fields(schema: dict, content: dict) -> list[tuple[str, dict]]:
    """The fields of one row of a (paged) list answer."""
    name = content["$ref"].rsplit("/", 1)[-1]
    page = schema["components"]["schemas"][name]
    row = page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    return list(schema["components"]["schemas"][row]["properties"].items())


def docs(request):
    """Every endpoint, its parameters and the fields of its answer, from the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request, "api/docs.html", {"schema": schema, "operations": _operations(schema), "rate": rate_in_words()}
    )
