"""One log format for every MIP process: readable lines in development, one JSON object a
line in production, each joined to its trace and, where there is one, to its workflow and
application, so a collector can put a request, its workflow and its e-mails side by side.

Nothing personal is logged by MIP's code (never a statement or a CV; messages name ids);
every line is also scrubbed of tokens, passwords, addresses and labelled names and words
(mip.core.scrub) in case a library's or an exception's words carry one.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from opentelemetry import trace
from temporalio import activity

from mip.core import ids, telemetry
from mip.core.scrub import scrub

# The application a request is about, set where a handler learns it (mip.core.app binds
# every route's `application_id`; a new application binds its own id).
current_application: ContextVar[str | None] = ContextVar("mip_application_id", default=None)


def bind_application(application_id: object) -> None:
    """This request (or task) is about `application_id`: its log lines and span say so."""
    current_application.set(str(application_id))
    telemetry.annotate(application_id=str(application_id))


async def bind_path_ids(request: Request) -> None:
    """A dependency of every route: a path naming an application binds it."""
    application_id = request.path_params.get("application_id")
    if application_id:
        bind_application(application_id)


def _workflow_ids(record: logging.LogRecord) -> dict[str, str]:
    """The workflow (and application) a line was logged for, from Temporal's context."""
    details = getattr(record, "temporal_workflow", None) or getattr(
        record, "temporal_activity", None
    )
    if not isinstance(details, dict) and activity.in_activity():
        info = activity.info()
        details = {"workflow_id": info.workflow_id, "activity_type": info.activity_type}
    if not isinstance(details, dict) or not details.get("workflow_id"):
        return {}
    workflow_id = str(details["workflow_id"])
    found = {"workflow_id": workflow_id}
    if details.get("activity_type"):
        found["activity"] = str(details["activity_type"])
    application_id = ids.application.of(workflow_id)
    if application_id:
        found["application_id"] = application_id
    return found


def context_of(record: logging.LogRecord) -> dict[str, str]:
    """Trace, workflow and application ids for a line, those that there are."""
    found: dict[str, str] = {}
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        found["trace_id"] = format(span.trace_id, "032x")
        found["span_id"] = format(span.span_id, "016x")
    found.update(_workflow_ids(record))
    application = current_application.get()
    if application and "application_id" not in found:
        found["application_id"] = application
    return found


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            **context_of(record),
        }
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry)


class TextFormatter(logging.Formatter):
    """The development line, with the workflow or application it is about when known."""

    def __init__(self, service: str) -> None:
        super().__init__(f"%(asctime)s %(levelname)-7s {service} %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = scrub(super().format(record))
        ids = context_of(record)
        about = ids.get("workflow_id") or ids.get("application_id")
        return f"{line} [{about}]" if about else line


# uvicorn's loggers have handlers of their own and do not propagate; their lines (the
# access log names paths with their query strings) go through ours instead.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
# Libraries that write what a message says at DEBUG, a line at a time, where no scrubbing
# can find a name in a sentence: aiosmtpd (the mail catcher) logs every line of every
# e-mail it receives. Held at INFO, where they log only who connected.
_CONTENT_LOGGERS = ("mail.log",)


def configure_logging(service: str, *, level: str = "INFO", as_json: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if as_json else TextFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _CONTENT_LOGGERS:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
    for name in _SERVER_LOGGERS:
        server = logging.getLogger(name)
        server.handlers[:] = []
        server.propagate = True
