"""The notifications service: Messages, templates, deliveries and the alerts list."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from mip.core.app import create_service_app
from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings
from services.notifications.activities import activities
from services.notifications.alerts.api import router as alerts
from services.notifications.config import MailSettings
from services.notifications.messages.api import router as messages
from services.notifications.sign_in.api import router as sign_in
from workflows import queues

SPEC = ServiceSpec(
    name="notifications",
    title="Notifications",
    description="Messages, templates, deliveries and the alerts list.",
    task_queue=queues.NOTIFICATIONS,
    workflow_queue=queues.WORKFLOWS,
    migrations=Path(__file__).parent / "migrations",
    port=8004,
    routers=(messages, alerts, sign_in),
    activities=activities,
    config=MailSettings,
)


def create_app(settings: Settings | None = None, config: MailSettings | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, config)
