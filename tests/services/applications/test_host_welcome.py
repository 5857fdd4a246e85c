"""A host's contact is welcomed: registering a host, or giving it a new contact address,
e-mails the contact who named them, what micro-internships are, the portal's address and
how to sign in; the office can send it again. Against the applications and notifications
services, a real SMTP server and Temporal."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from launcher.mailcatcher import MailCatcher
from mip.core import outbox
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.applications.client import ApplicationsClient
from services.applications.contract import HostIn
from services.notifications.app import create_app as notifications_app
from tests.support.applying import HOST
from tests.support.auth import RunApp, auth, token
from tests.support.stack import running_stack
from tests.support.waiting import eventually

PORTAL = "https://mip.example.org/portal"
JO = "jo.office@mip.example.org"  # an office person, signed in with their own address
SAM = HOST["contact_email"]
LEE = "lee@isisrobotics.example.com"
# Long enough for a second copy of a message to arrive, were one sent.
SETTLE_S = 1.5


def _welcomes(smtp: MailCatcher, to: str) -> list[EmailMessage]:
    return [m for m in smtp.store.messages() if m["X-MIP-Kind"] == "host_welcome" and m["To"] == to]


async def _welcomed(smtp: MailCatcher, to: str, n: int) -> list[EmailMessage]:
    async def arrived() -> list[EmailMessage] | None:
        found = _welcomes(smtp, to)
        return found if len(found) >= n else None

    return await eventually(arrived, timeout_s=30)


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text: str = part.get_content()
    return text.replace("\r\n", "\n")


def _portal(settings: Settings) -> Settings:
    return settings.model_copy(update={"portal_public_url": PORTAL})


async def test_registering_a_host_emails_its_contact_the_portal_address_and_how_to_sign_in(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _portal(mail_settings)
    async with running_stack(
        settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        made = await stack.http["applications"].post(
            "/v1/hosts", json=HOST, headers=auth(settings, Role.office, JO)
        )
        [welcome] = await _welcomed(smtp, SAM, 1)
        await asyncio.sleep(SETTLE_S)
        every = _welcomes(smtp, SAM)
    assert made.status_code == 201, made.text
    assert len(every) == 1
    assert welcome["Subject"] == "You are the micro-internships contact for Isis Robotics Ltd"
    text = _text(welcome)
    assert text.startswith("Dear Sam Okafor,\n")
    assert f"The Internship Office ({JO}) has made you the contact for Isis Robotics Ltd" in text
    assert "work experience placements of 2 to 5 days for university research staff" in text
    assert f"Enter this email address, {SAM}." in text
    assert "no password" in text
    [link] = re.findall(r"https?://\S+", text)
    assert link.startswith(f"{PORTAL}/")
    assert urlsplit(link).path == "/portal/sign-in"
    html = welcome.get_body(("html",))
    assert html is not None
    assert f'<a href="{link}">' in html.get_content()


async def test_a_new_contact_address_is_welcomed_once_however_often_the_form_is_saved(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _portal(mail_settings)
    # The office's shared address: the e-mail names no one but the office.
    office = auth(settings, Role.office, settings.office_email)
    async with running_stack(
        settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        host = (await http.post("/v1/hosts", json=HOST, headers=office)).json()
        await _welcomed(smtp, SAM, 1)
        url = f"/v1/hosts/{host['id']}"
        moved = {
            **HOST,
            "contact_name": "Lee Chan",
            "contact_email": "Lee@IsisRobotics.example.com",
        }
        saved = [await http.put(url, json=moved, headers=office) for _ in range(2)]
        renamed = await http.put(
            url, json={**moved, "contact_name": "Lee Chan-Okafor"}, headers=office
        )
        [welcome] = await _welcomed(smtp, LEE, 1)
        await asyncio.sleep(SETTLE_S)
        to_lee, to_sam = _welcomes(smtp, LEE), _welcomes(smtp, SAM)
    assert [r.status_code for r in (*saved, renamed)] == [200, 200, 200]
    assert (len(to_lee), len(to_sam)) == (1, 1)
    text = _text(welcome)
    assert text.startswith("Dear Lee Chan,\n")
    assert "The Internship Office has made you the contact for Isis Robotics Ltd" in text
    assert f"Enter this email address, {LEE}." in text
    assert f"{PORTAL}/sign-in" in text


async def test_the_office_sends_the_welcome_again_to_the_contact_as_it_is_now(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    settings = _portal(mail_settings)
    async with running_stack(
        settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        office = token(settings, Role.office, JO)
        async with ApplicationsClient(stack.settings.applications_url, office) as apps:
            host = await apps.create_host(HostIn.model_validate(HOST))
            await _welcomed(smtp, SAM, 1)
            first = await apps.welcome_host(host.id)
            second = await apps.welcome_host(host.id)
            await _welcomed(smtp, SAM, 3)
            await apps.update_host(host.id, HostIn.model_validate({**HOST, "contact_email": LEE}))
            await _welcomed(smtp, LEE, 1)
            third = await apps.welcome_host(host.id)
            await _welcomed(smtp, LEE, 2)
            await asyncio.sleep(SETTLE_S)
            to_sam, to_lee = _welcomes(smtp, SAM), _welcomes(smtp, LEE)
    assert (first.to, second.to, third.to) == (SAM, SAM, LEE)
    assert len({first.idempotency_key, second.idempotency_key, third.idempotency_key}) == 3
    assert (len(to_sam), len(to_lee)) == (3, 2)
    assert len({m["Message-ID"] for m in to_sam + to_lee}) == 5
    assert all(f"{PORTAL}/sign-in" in _text(m) for m in to_sam + to_lee)


async def test_the_welcome_sent_again_still_goes_once_the_outbox_has_forgotten_the_last(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    """The retention schedule deletes started workflows' outbox rows: a resend after that
    is still a new message (resends were once numbered by counting those rows, so the
    next took the number of one already sent, and nothing went)."""
    settings = _portal(mail_settings)
    async with running_stack(
        settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        office = token(settings, Role.office, JO)
        pool = stack.apps["applications"].state.runtime.pool
        async with ApplicationsClient(stack.settings.applications_url, office) as apps:
            host = await apps.create_host(HostIn.model_validate(HOST))
            first = await apps.welcome_host(host.id)
            await _welcomed(smtp, SAM, 2)

            async def forgotten() -> bool:
                async with pool.acquire() as conn:
                    await outbox.prune_started(conn, datetime.now(UTC) + timedelta(seconds=1))
                return not await pool.fetchval("SELECT count(*) FROM workflow_outbox")

            await eventually(forgotten)
            second = await apps.welcome_host(host.id)
            await _welcomed(smtp, SAM, 3)
    assert first.idempotency_key != second.idempotency_key


async def test_only_the_office_sends_a_welcome_again(settings: Settings, run_app: RunApp) -> None:
    office = auth(settings, Role.office, JO)
    async with run_app(applications_app(settings)) as http:
        host = (await http.post("/v1/hosts", json=HOST, headers=office)).json()
        url = f"/v1/hosts/{host['id']}/welcome"
        by_host = await http.post(url, headers=auth(settings, Role.host, SAM))
        by_applicant = await http.post(url, headers=auth(settings, Role.applicant))
        anonymous = await http.post(url)
        unknown = await http.post(
            "/v1/hosts/00000000-0000-0000-0000-000000000000/welcome", headers=office
        )
        by_office = await http.post(url, headers=office)
    for refused in (by_host, by_applicant):
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "urn:mip:problem:permission-denied"
    assert anonymous.status_code == 401
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "urn:mip:problem:not-found"
    assert by_office.status_code == 202, by_office.text
    assert by_office.json()["to"] == SAM
