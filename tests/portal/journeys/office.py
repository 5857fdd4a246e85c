"""The Internship Office's steps through its pages, as a person takes them, for any test
that walks a round (the office's own journey, and the whole-round test).

Each step starts from wherever the page is, goes where the office would, checks every page
it visits with `check` (axe-core: `assert_accessible`), and returns what the office saw.
The page must be signed in as an office address (MIP_OFFICE_EMAILS)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Page

from mip.core import when
from services.portal.office.labels import KINDS, LOCATIONS
from tests.portal.support.browser import Check

LONDON = ZoneInfo("Europe/London")


@dataclass
class HostDetails:
    name: str
    contact_email: str
    contact_name: str = "Kim Curator"
    sector: str = "Museums and heritage"
    kind: str = "non_profit"
    location: str = "oxford"


@dataclass
class RoundDetails:
    """A round on the programme's calendar, its dates given as days (London)."""

    name: str
    first_week: date
    advertising: date
    deadline: date
    outcomes: date

    @classmethod
    def open_now(cls, name: str) -> RoundDetails:
        """Advertised from today's midnight, closing at midday in two weeks, its one
        placement week a little after that."""
        today = datetime.now(LONDON).date()
        monday = today + timedelta(days=28 - today.weekday())
        return cls(
            name=name,
            first_week=monday,
            advertising=today,
            deadline=today + timedelta(days=14),
            outcomes=today + timedelta(days=21),
        )


@dataclass
class PlacementDetails:
    title: str
    days: list[date]
    description: str = "Help catalogue the silver collection."
    places: int = 1
    preparation: str = "Read the museum's annual report."


@dataclass
class RoundSetUp:
    round_id: str
    placement_id: str
    host: HostDetails


@dataclass
class Glance:
    """What the round at a glance showed: the Temporal UI link for the whole round, each
    placement's row by column heading, and the applications by state."""

    round_link: str
    placements: dict[str, dict[str, str]] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    next_step: str = ""


async def fill_date(page: Page, name: str, value: date) -> None:
    """The three boxes of a date question (GOV.UK's date input)."""
    await page.locator(f"#{name}-day").fill(str(value.day))
    await page.locator(f"#{name}-month").fill(str(value.month))
    await page.locator(f"#{name}-year").fill(str(value.year))


async def add_host(page: Page, host: HostDetails, check: Check) -> None:
    await page.goto("/office/hosts")
    await check(page)
    await page.get_by_role("button", name="Add a host").click()
    await page.wait_for_url("**/office/hosts/new")
    await check(page)
    await page.get_by_label("Organisation name").fill(host.name)
    await page.get_by_label("Sector").fill(host.sector)
    await page.get_by_label(KINDS[host.kind], exact=True).check()
    await page.get_by_label(LOCATIONS[host.location], exact=True).check()
    await page.get_by_label("Contact's full name").fill(host.contact_name)
    await page.get_by_label("Contact's email address").fill(host.contact_email)
    await page.get_by_role("button", name="Add host").click()
    await page.get_by_text(f"{host.name} added").wait_for()
    await check(page)


async def create_round(page: Page, spec: RoundDetails, check: Check) -> str:
    """Creates the round through its form; returns its id, read from the page it lands on."""
    await page.goto("/office/rounds")
    await check(page)
    await page.get_by_role("button", name="Create a round").click()
    await page.wait_for_url("**/office/rounds/new")
    await check(page)
    await page.get_by_label("Round name").fill(spec.name)
    await fill_date(page, "week_1", spec.first_week)
    await fill_date(page, "advertising_date", spec.advertising)
    await fill_date(page, "deadline_date", spec.deadline)
    await fill_date(page, "outcomes_by_date", spec.outcomes)
    await page.get_by_role("button", name="Create round").click()
    await page.get_by_text(f"{spec.name} created").wait_for()
    await check(page)
    found = re.search(r"/office/rounds/([0-9a-f-]{36})$", page.url)
    assert found is not None, page.url
    return found.group(1)


async def create_rehearsal_round(page: Page, name: str, check: Check) -> str:
    """A rehearsal round through its form, with the durations it suggests (applications
    close in 10 minutes, outcomes 5 minutes later, offers last 15 minutes, a second round
    5 minutes after outcomes for 10 minutes); returns its id, from the page it lands on."""
    await page.goto("/office/rounds")
    await check(page)
    await page.get_by_role("button", name="Create a rehearsal round").click()
    await page.wait_for_url("**/office/rounds/new-rehearsal")
    await check(page)
    await page.get_by_label("Round name").fill(name)
    await page.get_by_role("button", name="Create rehearsal round").click()
    await page.get_by_text(f"{name} created and advertised").wait_for()
    await check(page)
    found = re.search(r"/office/rounds/([0-9a-f-]{36})$", page.url)
    assert found is not None, page.url
    return found.group(1)


async def rehearsal_steps(page: Page, round_id: str, check: Check) -> list[str]:
    """The round's page, and the next steps it offers (none on a real round)."""
    await page.goto(f"/office/rounds/{round_id}")
    await check(page)
    steps = page.locator("#rehearsal-steps .button")
    return [text.strip() for text in await steps.all_inner_texts()]


async def take_rehearsal_step(page: Page, round_id: str, action: str, check: Check) -> str:
    """From the round's page, one next step (e.g. "Close applications now") through the
    page that asks first; returns what that page said would happen."""
    await rehearsal_steps(page, round_id, check)
    await page.get_by_role("button", name=action, exact=True).click()
    await page.get_by_role("heading", level=1, name=f"{action}?").wait_for()
    await check(page)
    said = await page.locator("main").inner_text()
    confirm = f"Yes, {action[:1].lower()}{action[1:]}"
    await page.get_by_role("button", name=confirm).click()
    await page.wait_for_url(f"**/office/rounds/{round_id}")
    await check(page)
    return said


async def add_placement(
    page: Page, round_id: str, placement: PlacementDetails, host_name: str, check: Check
) -> str:
    """Adds the placement from its round's page; returns its id (from its Change link)."""
    await page.goto(f"/office/rounds/{round_id}")
    await check(page)
    await page.get_by_role("button", name="Add a placement").click()
    await page.wait_for_url(f"**/office/rounds/{round_id}/placements/new")
    await check(page)
    await page.get_by_label("Host", exact=True).select_option(label=host_name)
    await page.get_by_label("Title", exact=True).fill(placement.title)
    await page.get_by_label("What will the intern do?").fill(placement.description)
    for day in placement.days:
        await page.get_by_label(when.day(day), exact=True).check()
    await page.get_by_label("Number of places").fill(str(placement.places))
    await page.get_by_label("In person", exact=True).check()
    await page.get_by_label("Preparation (optional)").fill(placement.preparation)
    await page.get_by_role("button", name="Add placement").click()
    await page.get_by_text(f"{placement.title} added").wait_for()
    await check(page)
    change = page.get_by_role("link", name=f"Change {placement.title}")
    href = await change.get_attribute("href")
    assert href is not None
    return href.rsplit("/", 1)[-1]


async def set_up_round(
    page: Page,
    host: HostDetails,
    spec: RoundDetails,
    placement: PlacementDetails,
    check: Check,
) -> RoundSetUp:
    """P7's groundwork, R1-R5: a host, a round and one placement, all through the pages."""
    await add_host(page, host, check)
    round_id = await create_round(page, spec, check)
    placement_id = await add_placement(page, round_id, placement, host.name, check)
    return RoundSetUp(round_id=round_id, placement_id=placement_id, host=host)


async def _table(page: Page, table_id: str) -> list[dict[str, str]]:
    headings = [
        (await cell.inner_text()).strip()
        for cell in await page.locator(f"#{table_id} thead th").all()
    ]
    rows = []
    for row in await page.locator(f"#{table_id} tbody tr").all():
        cells = [(await c.inner_text()).strip() for c in await row.locator("th, td").all()]
        rows.append(dict(zip(headings, cells, strict=False)))
    return rows


async def open_round(page: Page, round_name: str, check: Check) -> str:
    """From the Rounds page to the round's own page; returns its id."""
    await page.goto("/office/rounds")
    await check(page)
    await page.get_by_role("link", name=round_name, exact=True).click()
    await page.wait_for_url(re.compile(r"/office/rounds/[0-9a-f-]{36}$"))
    await check(page)
    return page.url.rsplit("/", 1)[-1]


async def open_host(page: Page, host_name: str, check: Check) -> dict[str, str]:
    """From the Hosts page to one host's; returns the answers its form holds, by label."""
    await page.goto("/office/hosts")
    await check(page)
    await page.get_by_role("link", name=f"Change {host_name}", exact=True).click()
    await page.get_by_role("heading", level=1, name=f"Change {host_name}").wait_for()
    await check(page)
    labels = ("Organisation name", "Sector", "Contact's full name", "Contact's email address")
    return {label: await page.get_by_label(label).input_value() for label in labels}


async def view_round_at_a_glance(page: Page, round_id: str, check: Check) -> Glance:
    """P7: the round's page, then its glance; what the tables and the Temporal link said."""
    await page.goto(f"/office/rounds/{round_id}")
    await check(page)
    await page.get_by_role("link", name=re.compile("at a glance$")).click()
    await page.wait_for_url(f"**/office/rounds/{round_id}/glance")
    await check(page)
    link = page.get_by_role("link", name=re.compile("^Open this round's workflows"))
    href = await link.get_attribute("href")
    assert href is not None
    glance = Glance(round_link=href)
    glance.next_step = (await page.locator(".inset").first.inner_text()).strip()
    for row in await _table(page, "placements"):
        glance.placements[row["Placement"].splitlines()[0]] = row
    if await page.locator("#states").count():
        for row in await _table(page, "states"):
            glance.states[row["State"]] = int(row["Applications"])
    return glance


async def view_messages(page: Page, check: Check, recipient: str = "") -> list[dict[str, str]]:
    """P4: the message list, newest first, filtered by address if given; each message as
    its card shows it: Subject, Kind, To and State."""
    await page.goto("/office/messages")
    await check(page)
    if recipient:
        await page.get_by_label("Address contains").fill(recipient)
        await page.get_by_role("button", name="Find messages").click()
        await page.wait_for_url("**/office/messages?*")
        await check(page)
    seen = []
    for card in await page.locator("#messages .message").all():
        seen.append(
            {
                "Subject": (await card.locator(".card__title").inner_text()).strip(),
                "Kind": (await card.locator(".message-kind").inner_text()).strip(),
                "To": (await card.locator(".message-to").inner_text()).strip(),
                "State": (await card.locator(".message-state").inner_text()).strip(),
            }
        )
    return seen


async def open_message(page: Page, subject: str, check: Check) -> str:
    """One message from the list on the page: its page's text, as the office reads it."""
    await page.get_by_role("link", name=subject).first.click()
    await page.wait_for_url(re.compile(r"/office/messages/[0-9a-f-]{36}$"))
    await check(page)
    return await page.locator("main").inner_text()


async def resend_overdue_confirmation(page: Page, recipient: str, check: Check) -> str:
    """R15: the overdue confirmations, and "Send again" for the one to `recipient`; returns
    the banner the office sees."""
    await page.goto("/office/messages/overdue")
    await check(page)
    await page.get_by_role("button", name=f"Send again to {recipient}").first.click()
    banner = page.locator(".banner")
    await banner.wait_for()
    await check(page)
    return (await banner.inner_text()).strip()


async def view_equal_opportunities(page: Page, round_name: str, check: Check) -> str:
    """R9: the totals for one round's applicants; returns the page's text."""
    await page.goto("/office/equal-opportunities")
    await check(page)
    await page.get_by_label("Whose answers").select_option(label=round_name)
    await page.get_by_role("button", name="Show totals").click()
    await page.wait_for_url("**/office/equal-opportunities?round=*")
    await check(page)
    return await page.locator("main").inner_text()


async def view_withdrawals(page: Page, round_id: str, check: Check) -> list[dict[str, str]]:
    """R23: from the round's page, the withdrawals after acceptance: Intern, Placement,
    When and the Reason they gave."""
    await page.goto(f"/office/rounds/{round_id}")
    await check(page)
    await page.get_by_role("link", name="Withdrawals after acceptance").click()
    await page.wait_for_url(f"**/office/rounds/{round_id}/withdrawals")
    await check(page)
    if not await page.locator("#withdrawals").count():
        return []
    return await _table(page, "withdrawals")


@dataclass
class SupportSessions:
    """Support sessions as the office adds them (R29): `count` sessions of 15 minutes, one
    after another from `start` (UK time) on `day`, with one adviser in one place."""

    day: date
    start: time
    count: int = 1
    adviser: str = "Robin Adviser"
    location: str = "Careers Service, room 3"

    def starts(self) -> list[datetime]:
        first = datetime.combine(self.day, self.start, tzinfo=LONDON)
        return [first + timedelta(minutes=15 * i) for i in range(self.count)]


async def _banner(page: Page, check: Check) -> str:
    """The one-shot message in the banner of the page a form led to."""
    banner = page.locator(".banner__heading")
    await banner.wait_for()
    await check(page)
    return (await banner.inner_text()).strip()


async def add_support_sessions(page: Page, sessions: SupportSessions, check: Check) -> str:
    """R29: from the office's home to its support sessions, and the form that adds them;
    returns the banner the office sees."""
    await page.goto("/office")
    await page.get_by_role("link", name="Support sessions").first.click()
    await page.wait_for_url("**/office/support")
    await check(page)
    await page.get_by_role("button", name="Add support sessions").click()
    await page.wait_for_url("**/office/support/new")
    await check(page)
    await fill_date(page, "day", sessions.day)
    await page.get_by_label("Start time of the first session").fill(
        when.clock(sessions.starts()[0])
    )
    await page.get_by_label("How many sessions, one after another?").fill(str(sessions.count))
    await page.get_by_label("Adviser's name").fill(sessions.adviser)
    await page.get_by_label("Where are the sessions?").fill(sessions.location)
    await page.get_by_role("button", name="Add sessions").click()
    return await _banner(page, check)


async def view_support_sessions(page: Page, check: Check) -> list[dict[str, str]]:
    """R29: the sessions to come by column heading (When, With, Where, Booked by)."""
    await page.goto("/office/support")
    await check(page)
    if not await page.locator("#support-sessions").count():
        return []
    return await _table(page, "support-sessions")


async def change_support_session(
    page: Page, at: datetime, check: Check, *, starts: datetime | None = None
) -> str:
    """R29: the session at `at` moved to `starts`; returns the banner the office sees."""
    await page.goto("/office/support")
    await check(page)
    await page.get_by_role("link", name=f"Change the session at {when.when(at)}").click()
    await page.get_by_role(
        "heading", level=1, name=f"Change the session at {when.when(at)}"
    ).wait_for()
    await check(page)
    if starts is not None:
        await fill_date(page, "day", starts.astimezone(LONDON).date())
        await page.get_by_label("Start time", exact=True).fill(when.clock(starts))
    await page.get_by_role("button", name="Save changes").click()
    return await _banner(page, check)


async def cancel_support_session(page: Page, at: datetime, check: Check) -> tuple[str, str]:
    """R29: the session at `at` cancelled, through the page that asks if the office is
    sure; returns what that page said and the banner after."""
    await page.goto("/office/support")
    await check(page)
    await page.get_by_role("link", name=f"Cancel the session at {when.when(at)}").click()
    await page.get_by_role(
        "heading", level=1, name="Are you sure you want to cancel this session?"
    ).wait_for()
    await check(page)
    said = await page.locator("main").inner_text()
    await page.get_by_role("button", name="Yes, cancel the session").click()
    return said, await _banner(page, check)
