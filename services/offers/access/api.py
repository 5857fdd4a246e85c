"""Subject access (issue 23): a person's own data, and the office's copy of anyone's."""

from __future__ import annotations

from mip.core.access_routes import data_routes
from services.offers.access import service
from services.offers.contract import OffersData

router = data_routes(service.held_about, OffersData)
