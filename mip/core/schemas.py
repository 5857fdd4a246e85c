"""Response bodies every service shares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Health(BaseModel):
    service: str
    status: str
    checks: dict[str, str]


class Me(BaseModel):
    subject: str
    role: str


class Status(BaseModel):
    service: str
    schema_name: str
    task_queue: str
    migrations: list[dict[str, Any]]
    temporal_connected: bool
    worker_running: bool
