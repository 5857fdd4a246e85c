"""The applications service: hosts, rounds, placements, applicants, applications, CVs and
support sessions."""

from __future__ import annotations

from fastapi import FastAPI

from mip.core.app import create_service_app, service_spec
from mip.core.settings import Settings
from services.applications.access.api import router as access
from services.applications.activities import ApplicationActivities
from services.applications.applicants.api import router as applicants
from services.applications.catalogue.api import router as catalogue
from services.applications.config import ApplicationsSettings
from services.applications.erasure.api import router as erasure
from services.applications.figures import figures
from services.applications.forwarded.api import router as hosts
from services.applications.retention.service import start_missing_schedules
from services.applications.submissions.api import router as submissions
from services.applications.support.api import router as support
from workflows import queues

SPEC = service_spec(
    __file__,
    "Hosts, rounds, placements, applicants, applications, CVs and support sessions.",
    (queues.APPLICATIONS, queues.WORKFLOWS),
    port=8001,
    routers=(catalogue, applicants, submissions, hosts, support, access, erasure),
    activities=ApplicationActivities.serving,
    figures=figures,
    uses_outbox=True,
    config=ApplicationsSettings,
    # Rounds made before the retention schedule existed are given theirs, once.
    background=lambda runtime: [start_missing_schedules(runtime)],
)


def create_app(
    settings: Settings | None = None, config: ApplicationsSettings | None = None
) -> FastAPI:
    return create_service_app(SPEC, settings, config)
