"""The packages form layers, and every import points down them (issue 12):

    launcher            the dev stack and the `mip` command line
    services.<name>     one FastAPI service each; another only through its contract
    workflows           definitions, deterministic; the worker that runs them
    mip.core            settings, database, auth, errors, outbox: depends on nothing above

Each service publishes `contract.py` (its activities' names and payloads, its HTTP types)
and `client.py`. Workflows import a service's contract and nothing else of it; a contract
imports no workflow, so that import never makes a cycle (issue 22).

Walked with `ast`, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from workflows.worker import ALL_WORKFLOWS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("mip", "workflows", "services", "launcher")
ABOVE_CORE = ("workflows", "services", "launcher")
# What another service may import of a service: its client and the types beside it.
PUBLISHED = ("client", "contract")
# What the launcher, which runs and provisions services, may import besides: each one's
# app, and the portal's signing-key tooling.
TOOLING = ("app", "keys")
# Libraries that reach outside the process; a workflow's effects go through activities.
IO_LIBRARIES = (
    "aiosmtpd",
    "aiosmtplib",
    "asyncpg",
    "fastapi",
    "http",
    "httpx",
    "smtplib",
    "socket",
    "starlette",
    "subprocess",
    "temporalio.client",
    "temporalio.worker",
    "urllib",
    "uvicorn",
)
# The worker process, not a workflow: it connects to Temporal and runs the definitions.
WORKFLOW_PROCESSES = ("workflows.worker",)


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(module: str, path: Path) -> set[str]:
    """Every module `module` imports, `from a import b` read as `a.b` when b is a module."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if _is_module(full) else base)
    return found


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def upward_arrows() -> list[str]:
    wrong = []
    for module, path in _modules():
        for target in sorted(imports_of(module, path)):
            why = _why_wrong(module, target)
            if why:
                wrong.append(f"{module} -> {target}: {why}")
    return wrong


def _why_wrong(module: str, target: str) -> str | None:
    if _under(module, "mip") and _under(target, *ABOVE_CORE):
        return "the core depends on nothing above it"
    if _under(module, "workflows", "services") and _under(target, "launcher"):
        return "only the launcher and tests stand above services and workflows"
    in_contract = _published(target, ("contract",))
    if _under(module, "workflows") and _under(target, "services") and not in_contract:
        return "workflows reach services through activities named in their contract.py"
    if _published(module, ("contract",)) and _under(target, "workflows"):
        return "a contract imports no workflow: workflows import contracts"
    for_launcher = _published(target, (*PUBLISHED, *TOOLING))
    if _under(module, "launcher") and _under(target, "services") and not for_launcher:
        return "the launcher uses a service's app, client and contract, not its internals"
    in_workflow = _under(module, "workflows") and not _under(module, *WORKFLOW_PROCESSES)
    if in_workflow and _under(target, *IO_LIBRARIES):
        return "workflow code does no I/O; activities do"
    if _under(module, "services") and _under(target, "services"):
        mine, theirs = module.split(".")[:2], target.split(".")
        if len(theirs) > 1 and theirs[1] != mine[1] and not _published(target, PUBLISHED):
            return "another service is reached through its client.py and contract.py"
    return None


def _published(name: str, kinds: tuple[str, ...]) -> bool:
    """Whether `name` is one of a service's modules of these kinds (or inside one)."""
    parts = name.split(".")
    return len(parts) > 2 and parts[0] == "services" and parts[2] in kinds


def test_every_import_between_layers_points_down() -> None:
    assert upward_arrows() == []


def test_the_walk_sees_an_arrow_that_points_up() -> None:
    """The checks themselves: each kind of wrong arrow is named."""
    assert _why_wrong("mip.core.runtime", "workflows.queues")
    assert _why_wrong("mip.core.app", "launcher.stack")
    assert _why_wrong("services.offers.app", "launcher.cli")
    assert _why_wrong("workflows.round", "services.offers.client")
    assert _why_wrong("workflows.round", "services.offers.decisions.repository")
    assert _why_wrong("workflows.round", "services.offers.contract") is None
    assert _why_wrong("services.offers.contract", "workflows.placement")
    assert _why_wrong("launcher.demo", "services.applications.catalogue.schemas")
    assert _why_wrong("launcher.demo", "services.applications.contract") is None
    assert _why_wrong("workflows.round", "asyncpg")
    assert _why_wrong("workflows.round", "temporalio.client")
    assert _why_wrong("services.expenses.policy", "services.applications.catalogue.schemas")
    assert _why_wrong("services.expenses.policy", "services.applications.contract") is None
    assert _why_wrong("services.offers.peers", "services.applications.client") is None
    assert _why_wrong("services.offers.app", "services.offers.selection.api") is None
    assert _why_wrong("workflows.worker", "temporalio.client") is None
    assert _why_wrong("launcher.stack", "services.offers.app") is None


def test_the_walk_reads_from_imports_as_modules() -> None:
    module, path = "services.offers.activities", ROOT / "services/offers/activities.py"
    assert "services.offers.decisions.repository" in imports_of(module, path)


def _fields(model: type[BaseModel], seen: set[type]) -> Iterator[tuple[str, str]]:
    """Every field of `model` and of the models inside it, as (model, field)."""
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        yield model.__name__, name
        for inner in _models_in(info.annotation):
            yield from _fields(inner, seen)


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def test_no_workflow_input_carries_a_url() -> None:
    """Histories live for months: deployment details stay out of them (links are built
    where the e-mail is composed, from that service's public URL)."""
    inputs = []
    for definition in ALL_WORKFLOWS:
        hints = typing.get_type_hints(vars(definition)["run"])  # each one's @workflow.run
        inputs += [t for name, t in hints.items() if name != "return"]
    seen: set[type] = set()
    fields = [f for model in inputs for inner in _models_in(model) for f in _fields(inner, seen)]
    assert len(fields) > 20
    assert [f for f in fields if "url" in f[1].lower()] == []


def test_tests_find_their_helpers_in_support_not_conftest() -> None:
    """conftest.py holds fixtures; what tests share is imported from tests/support/."""
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found = imports_of(module, path)
        wrong += [f"{module} -> {t}" for t in found if t == "tests.conftest" or ".test_" in t]
    assert wrong == []


def local_imports_of_the_portal(source: str, where: str) -> list[str]:
    """The portal's own modules imported inside a function: a sign that something low
    (rendering, errors) was placed above what uses it, hiding an import cycle."""
    found = []
    for scope in ast.walk(ast.parse(source, where)):
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(scope):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = ["services.portal" if node.level else node.module or ""]
            else:
                continue
            found += [
                f"{where}:{node.lineno} imports {n}" for n in names if _under(n, "services.portal")
            ]
    return found


def test_the_portal_imports_its_own_modules_at_the_top() -> None:
    portal = ROOT / "services" / "portal"
    found = [
        line
        for path in sorted(portal.rglob("*.py"))
        for line in local_imports_of_the_portal(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_walk_sees_an_import_inside_a_function() -> None:
    source = (
        "from services.portal.forms import FormErrors\n"
        "def page():\n"
        "    from services.portal.rendering import render\n"
        "    import json\n"
        "async def other():\n"
        "    from . import web\n"
    )
    assert local_imports_of_the_portal(source, "x.py") == [
        "x.py:3 imports services.portal.rendering",
        "x.py:6 imports services.portal",
    ]
