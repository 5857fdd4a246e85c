"""The alerts list's bodies (R30): a subscription, its state, an announcement."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from mip.core.links import WebUrl
from services.notifications.contract import SubscribeIn, SubscriptionState

__all__ = ["AnnouncementAccepted", "AnnouncementIn", "SubscribeIn", "SubscriptionState"]


class AnnouncementIn(BaseModel):
    kind: Literal["advertised", "readvertised"]
    announcement_id: str = Field(
        min_length=1, max_length=200, description="the same id twice announces once"
    )
    round_id: str | None = None
    round_name: str
    placements_count: int = Field(ge=0)
    deadline_label: str
    placements_url: WebUrl | None = Field(
        default=None, description="another page than the portal's placements list, if any"
    )


class AnnouncementAccepted(BaseModel):
    workflow_id: str
