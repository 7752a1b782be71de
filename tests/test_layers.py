"""The apps build on one another in one direction: csp_portal (settings, people, partnerships, and
what every app shares) < assessments (the evidence) < priorities (chosen from it) < actionplans
(delivering them) < reports (on all of them). A module never imports from a higher layer, and a
services module never imports a tasks module (tasks are sent by name: csp_portal.queueing).
Read from the source, so that an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["csp_portal", "assessments", "priorities", "actionplans", "reports"]


def modules() -> list[Path]:
    found = []
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found.append(path)
    return found


def imported(path: Path) -> list[tuple[int, str]]:
    return imports_in(path.read_text(), path.relative_to(ROOT).with_suffix("").parts)


def imports_in(source: str, module_path: tuple[str, ...]) -> list[tuple[int, str]]:
    """(line, module) for every import in the source, relative ones resolved from ``module_path``."""
    package = module_path
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                module = ".".join((*base, node.module)) if node.module else ".".join(base)
                names.append((node.lineno, module))
                names += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            else:
                names.append((node.lineno, node.module))
    return names


def layer_of(module: str) -> int | None:
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def test_no_module_imports_from_a_higher_layer():
    upward = []
    for path in modules():
        own = LAYERS.index(path.relative_to(ROOT).parts[0])
        for line, module in imported(path):
            layer = layer_of(module)
            if layer is not None and layer > own:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not upward, "imports running up the layers:\n" + "\n".join(upward)


def test_services_never_import_tasks():
    found = []
    for path in modules():
        if path.stem == "services" or "services" in path.parts:
            found += [
                f"{path.relative_to(ROOT)}:{line} imports {module}"
                for line, module in imported(path)
                if module.split(".")[-1] == "tasks" or ".tasks." in f"{module}."
            ]
    assert not found, "services send tasks by name (csp_portal.queueing.send):\n" + "\n".join(found)


def upward_in(source: str, module_path: tuple[str, ...]) -> list[str]:
    own = LAYERS.index(module_path[0])
    return [module for _, module in imports_in(source, module_path) if (layer_of(module) or 0) > own]


def test_the_check_sees_upward_imports_however_written():
    evidence = ("assessments", "services", "crime")
    assert upward_in("def f():\n    from reports import views\n", evidence) == ["reports"]
    assert upward_in("import priorities.models\n", evidence) == ["priorities.models"]
    assert upward_in("from csp_portal.quarters import Quarter\nfrom ..models import Threat\n", evidence) == []
    assert upward_in("from ...actionplans import services\n", evidence) == ["actionplans", "actionplans.services"]
