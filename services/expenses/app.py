"""The expenses service: Expense claims, claim lines and receipts."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from mip.core.app import create_service_app
from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings
from services.expenses.activities import activities
from services.expenses.claims.api import router as claims
from services.expenses.config import ExpensesSettings
from services.expenses.decisions.api import router as decisions
from services.expenses.figures import figures
from workflows import queues

SPEC = ServiceSpec(
    name="expenses",
    title="Expenses",
    description="Expense claims, claim lines and receipts.",
    task_queue=queues.EXPENSES,
    workflow_queue=queues.WORKFLOWS,
    migrations=Path(__file__).parent / "migrations",
    port=8003,
    routers=(claims, decisions),
    activities=activities,
    figures=figures,
    uses_outbox=True,
    config=ExpensesSettings,
)


def create_app(settings: Settings | None = None, config: ExpensesSettings | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, config)
