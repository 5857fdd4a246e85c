"""Production logs (issue 16 item 4): one JSON object a line, joined to the trace, the
workflow and the application; never a token, a statement, a CV, a person's name or
address (issue 23 item 6), even at DEBUG, with every request logged by the real HTTP
server; nor any of them in a span as an exporter gets it."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pypdf import PdfWriter

from launcher.mailcatcher import MailCatcher
from mip.core import ids
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import apply, make_profile, make_round, open_round
from tests.support.auth import auth
from tests.support.stack import Stack, running_stack
from tests.support.tracing import captured_spans
from tests.support.waiting import eventually

NOBODY = "nobody@example.org"  # the `smtp` fixture refuses it for good
NAME = "Zebedee Quillfeather"
FAN = "fan.logs@example.org"
STATEMENT = "Quetzalcoatl-statement-words: I would like to see how a start-up launches."
CV_TITLE = "Xylophone-cv-title"
FORGED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def _cv() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": CV_TITLE})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@contextmanager
def _root_logging_restored() -> Iterator[None]:
    """The services reconfigure the root logger at start; leave it as it was found."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def _subscribe_and_confirm(stack: Stack, smtp: MailCatcher) -> str:
    notifications = stack.http["notifications"]
    fan = FAN
    joined = await notifications.post("/v1/alerts/subscriptions", json={"email": fan})
    assert joined.status_code in (200, 201, 202), joined.text

    async def invite() -> Any:
        return next((m for m in smtp.store.messages() if m["To"] == fan), None)

    body = (await eventually(invite)).get_body(("plain",)).get_content()
    link = re.search(r"/alerts/confirm\?token=(\S+)", body)
    assert link is not None
    # What the portal's confirm page does when its button is pressed.
    confirmed = await notifications.post("/v1/alerts/confirm", params={"token": link.group(1)})
    assert confirmed.status_code == 200
    return link.group(1)


async def test_json_logs_join_trace_workflow_and_application_and_never_hold_a_secret(
    mail_settings: Settings, smtp: MailCatcher, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = mail_settings.model_copy(update={"log_json": True, "log_level": "DEBUG"})
    with _root_logging_restored(), captured_spans() as spans:
        async with running_stack(
            settings, applications=applications_app, notifications=notifications_app
        ) as stack:
            logging.getLogger("uvicorn.access").setLevel(logging.INFO)  # every request
            http = stack.http["applications"]
            _, [placement] = await make_round(http, settings, open_round())
            me = await make_profile(http, settings, NOBODY, name=NAME)
            answer = await apply(http, me, placement["id"], statement=STATEMENT, cv=_cv())
            assert answer.status_code == 201, answer.text
            application_id = answer.json()["id"]
            refused = await apply(http, me, placement["id"], statement=STATEMENT + "\x00")
            assert refused.status_code == 422
            forged = await http.get(
                "/v1/me",
                headers={
                    "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
                },
            )
            assert forged.status_code == 401
            alert_token = await _subscribe_and_confirm(stack, smtp)

            captured: list[str] = []

            async def failed_for_good() -> bool:
                captured.append(capsys.readouterr().err)
                return "failed for good" in "".join(captured)

            await eventually(failed_for_good, timeout_s=30)
            office_token = auth(settings, Role.office)["Authorization"].split()[1]
            await http.get("/v1/admin/status", headers=auth(settings, Role.office))
        logged = "".join(captured) + capsys.readouterr().err
        traced = {
            format(s.context.trace_id, "032x") for s in spans.get_finished_spans() if s.context
        }
        exported = "".join(s.to_json() for s in spans.get_finished_spans())

    lines = [json.loads(line) for line in logged.splitlines() if line.strip()]
    assert len(lines) > 50, "DEBUG logs of two services and their servers"
    # The access log of the real server, through our format, its query string scrubbed.
    assert any(
        line["logger"] == "uvicorn.access" and "/v1/alerts/confirm?token=***" in line["message"]
        for line in lines
    )
    # The notifications activity's warning names the workflow, the application, the trace.
    [failure] = [line for line in lines if "failed for good" in line["message"]]
    assert failure["workflow_id"] == ids.application(application_id)
    assert failure["application_id"] == application_id
    assert failure["trace_id"] in traced
    for secret in (
        STATEMENT[:20],
        CV_TITLE,
        alert_token,
        office_token,
        me["Authorization"].split()[1],
        "c2lnbmF0dXJl",
    ):
        assert secret not in logged, secret
    # People: the applicant's name and address (the mail server's refusal repeats it) and
    # the alerts list's member; the lines still name the application.
    assert "550" in failure["message"]
    for personal in (NAME, "Quillfeather", NOBODY, FAN, STATEMENT[:20]):
        assert personal not in logged, personal
        assert personal not in exported, personal
    assert application_id in exported
