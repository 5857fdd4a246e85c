"""The offers service: Selections, host rankings and offers."""

from __future__ import annotations

from fastapi import FastAPI

from mip.core.app import create_service_app, service_spec
from mip.core.settings import Settings
from services.offers.access.api import router as access
from services.offers.activities import OfferActivities
from services.offers.decisions.api import router as decisions
from services.offers.figures import figures
from services.offers.round_view.api import router as round_view
from services.offers.selection.api import router as selection
from workflows import queues

SPEC = service_spec(
    __file__,
    "Selections, host rankings and offers.",
    (queues.OFFERS, queues.WORKFLOWS),
    port=8002,
    routers=(selection, decisions, round_view, access),
    activities=OfferActivities.serving,
    figures=figures,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(SPEC, settings)
