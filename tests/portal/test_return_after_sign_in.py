"""Arriving signed out from a link in an e-mail (issue 20 item 2): the sign-in page asks for
the address (filled in with whom the e-mail was for) and brings the person back to the page
they wanted, and only ever to a page of this site: no open redirect, however the other
site's address is dressed up."""

from __future__ import annotations

import pytest

from services.portal.signin.service import safe_next
from tests.portal.support.mail import next_mail, sign_in_link
from tests.portal.support.portal_http import csrf_of, link_for, visitor
from tests.portal.support.stack import PortalStack

OTHER_SITES = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%252F%252Fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("unsafe", OTHER_SITES)
def test_only_a_path_of_this_site_is_returned_to(unsafe: str) -> None:
    assert safe_next(unsafe) is None


def test_the_pages_e_mails_link_to_are_returned_to() -> None:
    for page in (
        "/host/placements/0b8e7f6d-5c4b-4a39-8271-605f4e3d2c1b",
        "/applicant/offers/6f1c2a4e-9d0b-4c1e-8f3a-2b7d5e9a1c33",
        "/placements?week=2027-01-11&sector=Museums%20and%20archives",
    ):
        assert safe_next(page) == page


async def test_a_link_from_an_e_mail_asks_whom_it_was_for_then_returns_to_its_page(
    portal_stack: PortalStack,
) -> None:
    email = "ada.returns@example.org"
    async with visitor(portal_stack) as http:
        sent_away = await http.get("/applicant/applications", params={"email": email})
        assert sent_away.status_code == 303
        where = sent_away.headers["location"]
        assert where == "/sign-in?next=/applicant/applications&email=ada.returns%40example.org"
        form = await http.get(where)
        assert f'value="{email}"' in form.text
        assert 'name="next" value="/applicant/applications"' in form.text
        asked = await http.post(
            "/sign-in",
            data={
                "email": email,
                "next": "/applicant/applications",
                "csrf_token": csrf_of(form.text),
            },
        )
        assert asked.status_code == 303
        link = sign_in_link(await next_mail(portal_stack.smtp, email, "sign_in", after=0))
        assert "next=%2Fapplicant%2Fapplications" in link, link
        confirm = await http.get(link)
        used = await http.post(
            "/sign-in/link",
            data={
                "token": link.split("token=")[1].split("&")[0],
                "next": "/applicant/applications",
                "csrf_token": csrf_of(confirm.text),
            },
        )
    assert used.status_code == 303
    assert used.headers["location"] == "/applicant/applications"


@pytest.mark.parametrize("unsafe", ["//evil.example", "https://evil.example", "/\\evil.example"])
async def test_signing_in_never_sends_a_person_to_another_site(
    portal_stack: PortalStack, unsafe: str
) -> None:
    email = "ada.stays@example.org"
    async with visitor(portal_stack) as http:
        form = await http.get("/sign-in", params={"next": unsafe})
        assert "evil" not in form.text
        link = await link_for(portal_stack, http, email)
        confirm = await http.get(link)
        used = await http.post(
            "/sign-in/link",
            data={
                "token": link.split("token=")[1].split("&")[0],
                "next": unsafe,
                "csrf_token": csrf_of(confirm.text),
            },
        )
    assert used.status_code == 303
    assert used.headers["location"] == "/applicant"
