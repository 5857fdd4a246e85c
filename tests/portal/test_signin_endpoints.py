"""The service endpoints sign-in adds (issue 14 item 2): whose address is a host contact
(applications), and mailing a sign-in link once per link with the link kept nowhere
(notifications). Both are for services only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mip.core.auth import Role
from mip.core.settings import Settings
from services.notifications.app import create_app as notifications_app
from tests.portal.support.api import ApiAs
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.mail import mails_to
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.auth import RunApp, auth
from tests.support.servers import free_port


async def test_only_a_service_may_ask_whose_address_is_a_host_contact(
    portal_stack: PortalStack, api_as: Any
) -> None:
    office: ApiAs = api_as("office", OFFICE)
    the_round = await advertised_round(office, "Contacts round")
    host, _ = await host_with_placement(
        office, the_round, name="Contact Lab", contact="cora@contact.example.com", title="Contact"
    )
    applications = portal_stack.http["applications"]
    service = auth(portal_stack.settings, Role.service, "service:portal")
    found = await applications.get(
        "/v1/hosts/by-contact", params={"email": "Cora@Contact.example.com"}, headers=service
    )
    assert [h["id"] for h in found.json()] == [host["id"]]
    nobody = await applications.get(
        "/v1/hosts/by-contact", params={"email": "nobody@example.com"}, headers=service
    )
    assert nobody.json() == []
    refused = await office.applications.get(
        "/v1/hosts/by-contact", params={"email": "cora@contact.example.com"}
    )
    assert refused.status_code == 403


def _mail(link_id: str, **changes: object) -> dict[str, object]:
    return {
        "to": "mailed@example.org",
        "link": f"http://127.0.0.1:8000/sign-in/link?token=secret-{link_id}",
        "expires_at": (datetime.now(UTC) + timedelta(minutes=15)).isoformat(),
        "link_id": link_id,
        **changes,
    }


async def test_a_sign_in_link_is_mailed_once_per_link_and_only_for_a_service(
    portal_stack: PortalStack,
) -> None:
    notifications = portal_stack.http["notifications"]
    service = auth(portal_stack.settings, Role.service, "service:portal")
    applicant = auth(portal_stack.settings, Role.applicant, "mailed@example.org")
    refused = await notifications.post("/v1/sign-in-mail", json=_mail("l-1"), headers=applicant)
    assert refused.status_code == 403
    bad = await notifications.post(
        "/v1/sign-in-mail", json=_mail("l-1", link="javascript:alert(1)"), headers=service
    )
    assert bad.status_code == 422
    first = await notifications.post("/v1/sign-in-mail", json=_mail("l-1"), headers=service)
    again = await notifications.post("/v1/sign-in-mail", json=_mail("l-1"), headers=service)
    assert first.json() == again.json()
    assert first.json()["status"] == "sent"
    mailed = [
        m
        for m in mails_to(portal_stack.smtp, "mailed@example.org", "sign_in")
        if "secret-l-1" in str(m)
    ]
    assert len(mailed) == 1


async def test_while_the_mail_server_is_down_the_attempt_is_recorded_and_503_asks_for_a_retry(
    settings: Settings, run_app: RunApp
) -> None:
    down = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    async with run_app(notifications_app(down)) as http:
        service = auth(down, Role.service, "service:portal")
        answer = await http.post("/v1/sign-in-mail", json=_mail("l-2"), headers=service)
        assert answer.status_code == 503
        assert answer.json()["unavailable"] == "mail server"
        office = auth(down, Role.office, OFFICE)
        [message] = (
            await http.get("/v1/messages", params={"kind": "sign_in"}, headers=office)
        ).json()
        assert (message["status"], message["attempts"]) == ("pending", 1)
        detail = (await http.get(f"/v1/messages/{message['id']}", headers=office)).json()
        assert "secret-l-2" not in str(detail)
