"""Ports for a `mip dev` a test starts: an offset whose every port is free now, so the test
runs beside a developer's own stack (offset 0) and beside another test's."""

from __future__ import annotations

import os

from launcher.stack import (
    MAIL_WEB_PORT,
    POSTGRES_PORT,
    SERVICES,
    SMTP_PORT,
    TEMPORAL_PORT,
    TEMPORAL_UI_PORT,
    port_free,
)
from services.portal.app import SPEC as PORTAL

STACK_PORTS = [
    POSTGRES_PORT,
    TEMPORAL_PORT,
    TEMPORAL_UI_PORT,
    SMTP_PORT,
    MAIL_WEB_PORT,
    PORTAL.port,
    *(spec.port for spec in SERVICES),
]


def free_offset(avoid: tuple[int, ...] = ()) -> int:
    """A port offset, never 0, whose ports are all free. Each test process starts looking
    at a place of its own, so two test runs at once rarely try the same offset."""
    step = 29
    start = 211 + (os.getpid() % 64) * step
    for n in range(200):
        offset = 211 + (start - 211 + n * step) % (step * 200)
        if offset in avoid:
            continue
        if all(port_free(port + offset) for port in STACK_PORTS):
            return offset
    raise AssertionError("no port offset with every port free")
