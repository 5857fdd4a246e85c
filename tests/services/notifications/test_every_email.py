"""Every kind of e-mail, as the code that sends it builds it, read as its recipient reads it
(issue 20): each link opens a page the portal serves, never a service's API; no id, rule
id, doubled word, "(s)" or time without its zone reaches a person."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from temporalio import workflow

from mip.core import ids
from mip.core.settings import Settings
from services.applications.catalogue import welcome
from services.applications.contract import PlacementFacts
from services.applications.support import service as support
from services.applications.support.schemas import Booker, OfficeSlot
from services.notifications.contract import (
    EmailOutcome,
    EmailRequest,
    EmailStatus,
    Link,
    MessageKind,
)
from services.notifications.mail.compose import compose
from services.notifications.mail.links import alert_links, page_links
from services.notifications.mail.render import Rendered, Renderer
from services.portal.app import create_app
from services.portal.config import PortalSettings
from services.portal.contract import PATHS, Page, PageName, path_parameters
from workflows import application_effects
from workflows.application import ApplicationInput
from workflows.application_effects import Effects

PORTAL_URL = "https://internships.example.ac.uk"
renderer = Renderer(office_email="internships@example.ac.uk")
APPLICATION = "6f1c2a4e-9d0b-4c1e-8f3a-2b7d5e9a1c33"
PLACEMENT = "0b8e7f6d-5c4b-4a39-8271-605f4e3d2c1b"
ROUND = "9a8b7c6d-5e4f-4321-9876-fedcba987654"
CLAIM = "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a"
FACTS = PlacementFacts(
    title="Cataloguing the college silver",
    host_name="St John's College",
    host_contact_name="Dr Helen Marsh",
    host_contact_email="collections@sjc.example.org",
    week_starts_on=date(2027, 1, 11),
    days=[date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 13)],
    mode="in_person",
    preparation="Wear closed shoes.",
    location="Oxford",
)
APP = ApplicationInput(
    application_id=APPLICATION,
    reference="MIP-27A-0042",
    round_id=ROUND,
    placement_id=PLACEMENT,
    applicant_email="ada.okafor@ox.example.ac.uk",
    applicant_name="Ada Okafor",
    deadline_at=datetime(2026, 12, 21, 12, tzinfo=UTC),
    placement=FACTS,
    confirmation={
        "applicant_name": "Ada Okafor",
        "placement_title": FACTS.title,
        "host_name": FACTS.host_name,
        "week_label": "the week of Monday 11 January 2027",
        "reference": "MIP-27A-0042",
        "submitted_at_label": "11:58am on Monday 21 December 2026, UK time",
        "statement_cut": False,
        "word_limit": 300,
        "allowance_warning": None,
    },
    office_email="internships@example.ac.uk",
)


async def _from_effects(monkeypatch: pytest.MonkeyPatch) -> list[EmailRequest]:
    """What ApplicationWorkflow's effects send, captured where they reach the activity."""
    sent: list[EmailRequest] = []

    async def capture(request: EmailRequest) -> EmailOutcome:
        sent.append(request)
        # The first confirmation bounces, so the office's notice is sent too.
        bounced = len(sent) == 1
        refused = {APP.applicant_email: "550 5.1.1 No such user here"} if bounced else {}
        return EmailOutcome(
            message_id=APPLICATION, status=EmailStatus.sent, attempts=1, refused=refused
        )

    monkeypatch.setattr(application_effects, "send_email", capture)
    monkeypatch.setattr(workflow, "patched", lambda _patch: True)
    effects = Effects(APP, ids.application(APPLICATION))
    lapses = datetime(2027, 1, 6, 15, 30, tzinfo=UTC)
    await effects.confirm()
    await effects.email_offer(lapses, timedelta(days=2))
    await effects.email_reminder(lapses)
    await effects.email_lapsed(timedelta(days=2))
    await effects.email_decline_acknowledgement()
    await effects.email_not_successful()
    await effects.introduce()
    await effects.withdrawal_notices("I have been taken ill.", after_acceptance=True)
    return sent


def _others() -> list[EmailRequest]:
    """The kinds other code sends, built as that code builds them."""
    placement_page = Page(name=PageName.host_placement, params={"placement_id": PLACEMENT})
    claim = {"claim_id": CLAIM}
    alert = {
        "round_name": "Micro-internships, January 2027",
        "placements_count": 1,
        "deadline_label": "12pm (midday) on Monday 21 December 2026, UK time",
    }
    return [
        EmailRequest(
            kind=MessageKind.forwarded_digest,
            to=[FACTS.host_contact_email],
            data={
                "host_contact_name": FACTS.host_contact_name,
                "placement_title": FACTS.title,
                "round_name": "Micro-internships, January 2027",
                "applicants": [{"name": "Ada Okafor", "email": APP.applicant_email}],
            },
            pages={"review_url": placement_page},
            idempotency_key="digest",
        ),
        # One sent after its outcomes instant, forwarding having run late: it no longer
        # asks the host to rank (the one above, asked for without the instant, still does).
        EmailRequest(
            kind=MessageKind.forwarded_digest,
            to=["late@sjc.example.org"],
            data={
                "host_contact_name": FACTS.host_contact_name,
                "placement_title": FACTS.title,
                "round_name": "Micro-internships, January 2026",
                "applicants": [{"name": "Ada Okafor", "email": APP.applicant_email}],
                "outcomes_at": datetime(2026, 1, 7, 17, tzinfo=UTC).isoformat(),
            },
            pages={"review_url": placement_page},
            idempotency_key="late-digest",
        ),
        *(
            EmailRequest(
                kind=MessageKind.expense_update,
                to=[to],
                data={
                    "recipient_name": name,
                    "placement_title": FACTS.title,
                    "claim_reference": "MIP-27A-0042-E1",
                    "intern_name": "Ada Okafor",
                    "status_label": "partly approved",
                    "amount_label": "£12.40 claimed",
                    "note": "A taxi is not local travel.",
                },
                pages={"claim_url": Page(name=page, params=claim)},
                idempotency_key=f"claim-{to}",
            )
            for to, name, page in (
                (APP.applicant_email, "Ada Okafor", PageName.applicant_claim),
                (FACTS.host_contact_email, FACTS.host_contact_name, PageName.host_claim),
            )
        ),
        EmailRequest(
            kind=MessageKind.support_booking,
            to=[APP.applicant_email],
            data={
                "applicant_name": "Ada Okafor",
                "slot_label": "10:15am on Tuesday 15 December 2026, UK time",
                "adviser_name": "Sam Reid",
                "location": "Careers Service",
                "cancelled": False,
            },
            pages={"support_url": Page(name=PageName.applicant_support)},
            idempotency_key="support",
        ),
        *_office_support_emails(),
        EmailRequest(kind=MessageKind.alert_confirm, to=["ada@example.org"], idempotency_key="a"),
        *(
            EmailRequest(
                kind=kind,
                to=["ada@example.org"],
                data=alert,
                pages={"placements_url": Page(name=PageName.placements)},
                idempotency_key=kind.value,
            )
            for kind in (MessageKind.alert_advertised, MessageKind.alert_readvertised)
        ),
        EmailRequest(
            kind=MessageKind.preparation,
            to=[APP.applicant_email],
            data=Effects(APP, "x")._data(),
            idempotency_key="preparation",
        ),
        EmailRequest(
            kind=MessageKind.host_welcome,
            to=[FACTS.host_contact_email],
            data={
                "contact_name": FACTS.host_contact_name,
                "contact_email": FACTS.host_contact_email,
                "host_name": FACTS.host_name,
                "registered_by": "",
            },
            pages=welcome.PAGES,
            idempotency_key="welcome",
        ),
        EmailRequest(
            kind=MessageKind.sign_in,
            to=[APP.applicant_email],
            data={"expires_label": "2:45pm on Saturday 5 December 2026, UK time"},
            idempotency_key="sign-in",
        ),
    ]


def _office_support_emails() -> list[EmailRequest]:
    """The office moving one booked session and cancelling another (R29), as the
    applications service builds them."""
    starts = datetime(2026, 12, 15, 10, 15, tzinfo=UTC)

    def slot(at: datetime, adviser: str, booker: str) -> OfficeSlot:
        return OfficeSlot(
            id=uuid.uuid4(),
            starts_at=at,
            ends_at=at + timedelta(minutes=15),
            adviser_name=adviser,
            location="Careers Service",
            available=False,
            booked_by=Booker(
                booking_id=uuid.uuid4(), email=booker, name="Grace Hopper", booked_at=starts
            ),
        )

    moved = slot(starts, "Sam Reid", "grace@example.org")
    to = moved.model_copy(update={"starts_at": starts + timedelta(hours=1)})
    return [
        support.changed_email(moved, to, 1),
        support.cancelled_email(slot(starts, "Pat Lee", "alan@example.org")),
    ]


def _render(request: EmailRequest) -> Rendered:
    secrets = alert_links(PORTAL_URL, "Zk3x_9aQ-7rT2mW8vB4nC6yH")
    if request.kind is MessageKind.sign_in:
        secrets = {"sign_in_url": f"{PORTAL_URL}/sign-in/link?token=Zk3x_9aQ-7rT2mW8vB4nC6yH"}
    return renderer.render(
        request.kind, {**request.data, **page_links(request, PORTAL_URL), **secrets}
    )


@pytest.fixture
async def every_email(monkeypatch: pytest.MonkeyPatch) -> dict[str, Rendered]:
    requests = [*await _from_effects(monkeypatch), *_others()]
    assert {r.kind for r in requests} == set(MessageKind), "a kind of e-mail is not checked"
    return {f"{r.kind.value} to {r.to[0]}": _render(r) for r in requests}


def _portal_serves(path: str) -> bool:
    """Whether `path` is one of the pages the portal serves by name (the next test shows
    the portal serves each of those names at that path)."""
    return any(
        re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(pattern)), path)
        for pattern in PATHS.values()
    )


def _links(rendered: Rendered) -> list[str]:
    return re.findall(r'href="([^"]+)"', rendered.html) + re.findall(r"https?://\S+", rendered.text)


async def test_every_link_opens_a_portal_page(every_email: dict[str, Rendered]) -> None:
    for name, rendered in every_email.items():
        for link in _links(rendered):
            if link.startswith("mailto:"):
                continue
            parts = urlsplit(link.replace("&amp;", "&"))
            assert f"{parts.scheme}://{parts.netloc}" == PORTAL_URL, (name, link)
            assert "/v1/" not in link, (name, link)
            assert _portal_serves(parts.path), (name, link)


def test_every_page_an_email_names_is_a_portal_route_of_that_name() -> None:
    portal = create_app(Settings(), PortalSettings())
    for name, path in PATHS.items():
        params = {p: "x" for p in path_parameters(name)}
        assert portal.url_path_for(name.value, **params) == path.format(**params), name


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
RULE_ID = re.compile(r"\b[RP]\d{1,2}\b")
DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.I)
TIME = re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.I)


def _words(rendered: Rendered) -> list[str]:
    """What a person reads: the subject, the text, and the HTML without its tags."""
    html = re.sub(r"<[^>]+>", " ", rendered.html)
    return [rendered.subject, rendered.text, html]


async def test_no_ids_rule_ids_doubled_words_or_plural_s(every_email: dict[str, Rendered]) -> None:
    for name, rendered in every_email.items():
        for text in _words(rendered):
            readable = re.sub(r"https?://\S+", " ", text)
            assert not UUID_TEXT.search(readable), (name, UUID_TEXT.search(readable))
            assert not RULE_ID.search(readable), (name, RULE_ID.search(readable))
            assert not DOUBLED.search(readable), (name, DOUBLED.search(readable))
            assert "(s)" not in readable, name
            assert "e-mail" not in readable.lower(), name


async def test_every_time_says_its_zone(every_email: dict[str, Rendered]) -> None:
    for name, rendered in every_email.items():
        for text in _words(rendered):
            for found in TIME.finditer(text):
                after = text[found.end() : found.end() + 60]
                assert "UK time" in after, (name, text[found.start() : found.end() + 60])


async def test_links_to_signed_in_pages_fill_in_whom_they_are_for(
    every_email: dict[str, Rendered],
) -> None:
    offer = every_email[f"offer to {APP.applicant_email}"]
    assert (
        f"{PORTAL_URL}/applicant/offers/{APPLICATION}?email=ada.okafor%40ox.example.ac.uk"
        in offer.text
    )
    digest = every_email[f"forwarded_digest to {FACTS.host_contact_email}"]
    assert f"{PORTAL_URL}/host/placements/{PLACEMENT}?email=" in digest.text
    welcomed = every_email[f"host_welcome to {FACTS.host_contact_email}"]
    assert f"{PORTAL_URL}/sign-in?email=collections%40sjc.example.org" in welcomed.text


async def test_subjects_name_the_placement_or_the_person(every_email: dict[str, Rendered]) -> None:
    claim = every_email[f"expense_update to {FACTS.host_contact_email}"]
    assert claim.subject == "Expense claim from Ada Okafor: partly approved"
    assert "MIP-27A-0042-E1" in claim.text
    confirmation = every_email[f"confirmation to {APP.applicant_email}"]
    assert "MIP-27A-0042" in confirmation.subject
    digest = every_email[f"forwarded_digest to {FACTS.host_contact_email}"]
    assert digest.subject == "1 application for Cataloguing the college silver"


async def test_the_office_moving_or_cancelling_a_session_says_so_to_its_applicant(
    every_email: dict[str, Rendered],
) -> None:
    moved = every_email["support_booking to grace@example.org"]
    assert moved.subject == (
        "Changed: application support session, now 11:15am on Tuesday 15 December 2026, UK time"
    )
    assert "It was at 10:15am on Tuesday 15 December 2026, UK time, with Sam Reid" in moved.text
    cancelled = every_email["support_booking to alan@example.org"]
    assert cancelled.subject.startswith("Cancelled: application support session, 10:15am")
    assert "the Internship Office has cancelled your" in cancelled.text
    assert "Dear Grace Hopper," in cancelled.text


def test_a_link_recorded_before_portal_pages_opens_the_page_it_stood_for() -> None:
    """A workflow started before this change still holds service links in its history;
    the e-mail it sends now opens the portal all the same."""
    old = EmailRequest(
        kind=MessageKind.offer,
        to=[APP.applicant_email],
        links={
            "respond_url": Link(service="offers", path=f"/v1/offers/{APPLICATION}"),
            "review_url": Link(
                service="applications", path=f"/v1/host/placements/{PLACEMENT}/applications"
            ),
            "placements_url": Link(service="applications", path="/v1/placements"),
        },
        idempotency_key="old",
    )
    links = page_links(old, PORTAL_URL)
    assert links["respond_url"].startswith(f"{PORTAL_URL}/applicant/offers/{APPLICATION}?email=")
    assert links["review_url"].startswith(f"{PORTAL_URL}/host/placements/{PLACEMENT}?email=")
    assert links["placements_url"] == f"{PORTAL_URL}/placements"


def test_a_subject_is_read_back_as_it_was_written_whatever_its_length() -> None:
    """A subject of 71-78 characters was folded onto a line of its own and read back with a
    space in front of it."""
    for length in range(60, 120):
        subject = ("Application support session, 10:15am on Wednesday " + "x" * 80)[:length]
        rendered = Rendered(subject=subject, text="Hello\n", html="<p>Hello</p>")
        mime = compose(
            rendered,
            sender="a@example.org",
            reply_to="a@example.org",
            to=["b@example.org"],
            message_id="<x@example.org>",
            kind="offer",
        )
        read = message_from_bytes(mime.as_bytes(), policy=policy.default)
        assert read["Subject"] == subject
