"""What workflows carry about a placement: enough for every e-mail, no lookups later."""

from __future__ import annotations

from services.applications.catalogue.schemas import Location, Placement
from services.applications.contract import PlacementFacts

_PLACES = {
    Location.oxford: "Oxford",
    Location.oxfordshire: "Oxfordshire",
    Location.london: "London",
    Location.elsewhere: "",
}


def facts_of(placement: Placement) -> PlacementFacts:
    host = placement.host
    where = _PLACES[host.location]
    return PlacementFacts(
        title=placement.title,
        host_name=host.name,
        host_contact_name=host.contact_name,
        host_contact_email=str(host.contact_email),
        week_starts_on=placement.week_starts_on,
        days=placement.days,
        mode=placement.mode.value,
        preparation=placement.preparation,
        location=f"{host.name}, {where}" if where else host.name,
    )
