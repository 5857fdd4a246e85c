"""Settings only the expenses service reads.

The gazetteer's lists (which names count as Oxford, Oxfordshire, London, or surely
elsewhere) are set with ``MIP_EXPENSES_PLACES_OXFORD`` and its siblings, as a JSON list
(``["Oxford", "Headington"]``) or comma-separated (``Oxford,Headington``); a list set
replaces its default (`services/expenses/places.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from starlette.requests import Request

from mip.core.runtime import ServiceRuntime
from mip.core.settings import names
from services.expenses import places
from services.expenses.places import Gazetteer
from services.expenses.policy import DEFAULT_BUS_PASS_CAP_PENCE

PlaceNames = Annotated[tuple[str, ...], NoDecode]


class ExpensesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIP_EXPENSES_", extra="ignore", frozen=True)

    bus_pass_cap_pence: int = Field(default=DEFAULT_BUS_PASS_CAP_PENCE, ge=0)
    receipt_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # One line of a claim: well above a week's bus pass, far inside an integer column.
    line_max_pence: int = Field(default=50_000, ge=100, le=10_000_000)
    places_oxford: PlaceNames = Field(
        default=places.OXFORD, min_length=1, description="Oxford city and its districts (R24)"
    )
    places_oxfordshire: PlaceNames = Field(
        default=places.OXFORDSHIRE,
        description="Oxfordshire beyond Oxford; Oxford's names count as Oxfordshire too (R25)",
    )
    places_london: PlaceNames = Field(
        default=places.LONDON, min_length=1, description="London and its areas (R24, R26)"
    )
    places_elsewhere: PlaceNames = Field(
        default=places.ELSEWHERE,
        description="names outside all three that would otherwise be read as inside, "
        "such as Stratford-upon-Avon",
    )

    @field_validator(
        "places_oxford", "places_oxfordshire", "places_london", "places_elsewhere", mode="before"
    )
    @classmethod
    def _names(cls, value: Any) -> Any:
        return names(value)

    def gazetteer(self) -> Gazetteer:
        return Gazetteer(
            oxford=self.places_oxford,
            oxfordshire=self.places_oxfordshire,
            london=self.places_london,
            elsewhere=self.places_elsewhere,
        )


def expenses_settings(runtime: ServiceRuntime) -> ExpensesSettings:
    """The settings the expenses service built at start."""
    return runtime.config_as(ExpensesSettings)


def receipt_limit(request: Request) -> int:
    """The receipt size limit, read before the request's body is."""
    return expenses_settings(request.app.state.runtime).receipt_max_bytes
