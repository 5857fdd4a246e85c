"""The services the offers service calls, each through its published client."""

from __future__ import annotations

from mip.core.runtime import ServiceRuntime
from services.applications.client import ApplicationsClient


def applications(runtime: ServiceRuntime) -> ApplicationsClient:
    return ApplicationsClient(runtime.settings.applications_url, runtime.service_token())
