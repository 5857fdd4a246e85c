"""The expenses service: Expense claims, claim lines and receipts."""

from __future__ import annotations

from fastapi import FastAPI

from mip.core.app import create_service_app, service_spec
from mip.core.settings import Settings
from services.expenses.access.api import router as access
from services.expenses.activities import ExpenseActivities
from services.expenses.claims.api import router as claims
from services.expenses.config import ExpensesSettings
from services.expenses.decisions.api import router as decisions
from services.expenses.figures import figures
from workflows import queues

SPEC = service_spec(
    __file__,
    "Expense claims, claim lines and receipts.",
    (queues.EXPENSES, queues.WORKFLOWS),
    port=8003,
    routers=(claims, decisions, access),
    activities=ExpenseActivities.serving,
    figures=figures,
    uses_outbox=True,
    config=ExpensesSettings,
)


def create_app(settings: Settings | None = None, config: ExpensesSettings | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, config)
