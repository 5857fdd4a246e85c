"""What the security review of the portal found, each shown fixed: bodies bounded before
anything reads them, one allowance of links per inbox, the confirm page naming who signs
in, an office session ending with the address's place in MIP_OFFICE_EMAILS, and the
portal's own /metrics and /livez for the deployment."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.portal.support.limits import limits
from tests.portal.support.mail import mails_to
from tests.portal.support.portal_http import (
    ask_for_link,
    csrf_of,
    link_for,
    signed_in,
    visitor,
)
from tests.portal.support.stack import PortalStack


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    """A body with no Content-Length: it is counted as it streams in."""
    for part in parts:
        yield part


async def test_a_form_larger_than_any_form_is_refused_before_it_is_read(
    portal_stack: PortalStack,
) -> None:
    address = "huge.form@example.org"
    async with visitor(portal_stack) as http:
        token = csrf_of((await http.get("/sign-in")).text)
        padding = "x" * (256 * 1024)
        sent = await http.post(
            "/sign-in", data={"email": address, "csrf_token": token, "padding": padding}
        )
        streamed = await http.post(
            "/sign-in",
            content=_chunks(b"email=a%40b.org&padding=", b"y" * (256 * 1024)),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert sent.status_code == streamed.status_code == 413
    assert "What you sent is too large" in sent.text
    assert "64 KB" in streamed.text
    await portal_stack.runtime.settle()
    assert mails_to(portal_stack.smtp, address, "sign_in") == []


async def test_plus_tags_share_one_inbox_allowance_of_links(portal_stack: PortalStack) -> None:
    async with visitor(portal_stack) as http:
        with limits(portal_stack, per_client=100, per_address=2):
            for tag in ("one", "two"):
                asked = await ask_for_link(http, f"tagged+{tag}@example.org")
                assert asked.status_code == 303
            refused = await ask_for_link(http, "tagged+three@example.org")
    assert refused.status_code == 429


async def test_the_sign_in_page_of_a_link_names_the_address_it_signs_in(
    portal_stack: PortalStack,
) -> None:
    async with visitor(portal_stack) as http:
        link = await link_for(portal_stack, http, "named@example.org")
        opened = await http.get(link)
    assert opened.status_code == 200
    assert "<strong>named@example.org</strong>" in opened.text


async def test_an_office_session_ends_when_the_address_leaves_the_office_list(
    portal_stack: PortalStack,
) -> None:
    runtime = portal_stack.runtime
    office = "leaving.office@example.org"
    kept = runtime.config
    runtime.config = kept.model_copy(update={"office_emails": (*kept.office_emails, office)})
    try:
        async with signed_in(portal_stack, office) as http:
            assert (await http.get("/office")).status_code == 200
            runtime.config = kept
            after = await http.get("/office")
    finally:
        runtime.config = kept
    assert after.status_code == 303
    assert after.headers["location"].startswith("/sign-in")


async def test_the_portal_serves_metrics_and_a_liveness_answer(portal_stack: PortalStack) -> None:
    async with visitor(portal_stack) as http:
        await http.get("/placements")
        scraped = await http.get("/metrics")
        alive = await http.get("/livez")
    assert scraped.status_code == 200
    assert "mip_http_requests_total{" in scraped.text
    assert 'route="/placements"' in scraped.text
    assert 'mip_health_check{check="database",service="portal"} 1.0' in scraped.text
    assert alive.json()["status"] == "ok"
