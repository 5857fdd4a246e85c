"""Settings only the expenses service reads."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.expenses.policy import DEFAULT_BUS_PASS_CAP_PENCE


class ExpensesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIP_EXPENSES_", extra="ignore", frozen=True)

    bus_pass_cap_pence: int = Field(default=DEFAULT_BUS_PASS_CAP_PENCE, ge=0)
    receipt_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    office_email: str = "internships@mip.example.org"
