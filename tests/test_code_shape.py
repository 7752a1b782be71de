"""The code reads the same in every app, checked from the source: views find, authorize, call one
service and render, so no views module touches the ORM (reads live in queries.py, found with
csp_portal.pages.one_or_404); and no function in the apps runs past 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["csp_portal", "assessments", "priorities", "actionplans", "reports"]
MAX_FUNCTION_LINES = 60
# Methods only a QuerySet or manager has; those also found on lists, strings or dicts (get, values,
# update, count with an argument) are left out, so that a view may use those freely.
QUERYSET_METHODS = {
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values_list",
    "order_by",
    "get_or_create",
    "update_or_create",
    "select_for_update",
    "only",
    "defer",
    "distinct",
    "in_bulk",
    "bulk_create",
    "bulk_update",
    "iterator",
}
# Called with no arguments, these are a queryset's (a list's count and a str's count take one).
QUERYSET_METHODS_WITHOUT_ARGUMENTS = {"all", "count", "exists", "first", "last", "delete"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def database_calls(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.lineno, ".objects"))
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Attribute):
            if function.attr in QUERYSET_METHODS:
                found.append((node.lineno, f".{function.attr}(...)"))
            elif function.attr in QUERYSET_METHODS_WITHOUT_ARGUMENTS and not (node.args or node.keywords):
                found.append((node.lineno, f".{function.attr}()"))
        elif isinstance(function, ast.Name) and function.id in SHORTCUTS:
            found.append((node.lineno, function.id))
    return found


def test_no_views_module_queries_the_database():
    views = [p for p in app_modules() if p.stem.endswith("views") or "views" in p.relative_to(ROOT).parts[:-1]]
    assert len(views) >= 8, views
    found = [
        f"{path.relative_to(ROOT)}:{line} {call}" for path in views for line, call in database_calls(path.read_text())
    ]
    assert not found, "views call queries.py instead:\n" + "\n".join(found)


def test_the_check_sees_queries_written_in_a_view():
    source = "def v(request):\n    Plan.objects.get(pk=1)\n    plan.priorities.all()\n    x.filter(a=1)\n"
    assert sorted(database_calls(source)) == [(2, ".objects"), (3, ".all()"), (4, ".filter(...)")]
    assert database_calls("def v(request):\n    request.GET.get('q')\n    names.count('a')\n") == []


def test_no_function_runs_past_sixty_lines():
    long = []
    for path in app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert not long, f"functions longer than {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)
