"""The notifications service: Messages, templates, deliveries and the alerts list."""

from __future__ import annotations

from fastapi import FastAPI

from mip.core.app import create_service_app, service_spec
from mip.core.settings import Settings
from services.notifications.access.api import router as access
from services.notifications.activities import NotificationActivities
from services.notifications.alerts.api import router as alerts
from services.notifications.config import MailSettings
from services.notifications.figures import figures
from services.notifications.messages.api import router as messages
from services.notifications.sign_in.api import router as sign_in
from workflows import queues

SPEC = service_spec(
    __file__,
    "Messages, templates, deliveries and the alerts list.",
    (queues.NOTIFICATIONS, queues.WORKFLOWS),
    port=8004,
    routers=(messages, alerts, sign_in, access),
    activities=NotificationActivities.serving,
    figures=figures,
    config=MailSettings,
)


def create_app(settings: Settings | None = None, config: MailSettings | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, config)
