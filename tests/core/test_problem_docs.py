"""The problems MIP answers are documented where clients look: every operation of every
service's OpenAPI lists them as problem+json, and the README lists every problem type the
code can return (read from the code, so the list cannot drift)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fastapi import FastAPI

from mip.core.settings import Environment, Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app

ROOT = Path(__file__).resolve().parents[2]
APPS = [applications_app, offers_app, expenses_app, notifications_app]


def _slugs_in_code() -> set[str]:
    """Every `slug = "..."` and `slug="..."` in the code, and the HTTP error slugs."""
    found: set[str] = set()
    for package in ("mip", "services", "launcher"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                assigned = isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "slug" for t in node.targets
                )
                passed = isinstance(node, ast.keyword) and node.arg == "slug"
                if not (assigned or passed):
                    continue
                value = node.value  # type: ignore[attr-defined]
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(value.value)
    from mip.core.problems import _HTTP_SLUGS

    return found | set(_HTTP_SLUGS.values())


@pytest.mark.parametrize("factory", APPS, ids=lambda f: f.__module__.split(".")[1])
def test_every_operation_documents_its_problems_as_problem_json(factory: object) -> None:
    app: FastAPI = factory(Settings(environment=Environment.test))  # type: ignore[operator]
    document = app.openapi()
    assert "Problem" in document["components"]["schemas"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            problems = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
            assert {"500", "503"} <= set(problems), f"{method} {path}"
            for status, response in problems.items():
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, status)
            if operation.get("security"):
                assert {"401", "403"} <= set(problems), f"{method} {path}"


def test_the_docs_list_every_problem_type_the_code_returns() -> None:
    readme = (ROOT / "docs" / "architecture.md").read_text()
    errors = readme.split("### Errors", 1)[1].split("\n### ", 1)[0]
    listed = set(re.findall(r"`urn:mip:problem:([a-z0-9-]+)`|\| `([a-z0-9-]+)` \|", errors))
    listed_slugs = {a or b for a, b in listed}
    assert _slugs_in_code() - listed_slugs == set()
    assert listed_slugs - _slugs_in_code() == set()
