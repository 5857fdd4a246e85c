"""`mip dev --demo`'s rehearsal round: a whole round a newcomer can play in five minutes.

Applications are open now, two hosts have a placement each and three applicants have
applied, so the office can close applications at once from its round page and the rest
follows in minutes: the host ranks, the applicant accepts within the round's 15 minutes,
both are introduced, the intern claims lunch. One such round is made each day the demo
loads (its name carries the date); loading again that day changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from pypdf import PdfWriter

from launcher.demo import PlacementText, add_placement
from mip.core import when
from services.applications.client import (
    ApplicationsClient,
    ContractType,
    Division,
    ProfileIn,
    StaffRole,
    Upload,
)
from services.applications.contract import PlacementWeek, Round, RoundClock, RoundIn

OFFER_WINDOW_S = 15 * 60


@dataclass(frozen=True)
class Applicant:
    email: str
    name: str
    statement: str
    applies_to: tuple[str, ...]


APPLICANTS = (
    Applicant(
        "ada@example.org",
        "Dr Ada Okafor",
        "I build robot arms for cell culture and would like to see how a start-up tests them.",
        ("Testing robot arms", "Planning a public lecture series"),
    ),
    Applicant(
        "bob@example.org",
        "Dr Bob Hooke",
        "I have run public engagement events and would like to learn how a festival plans one.",
        ("Planning a public lecture series", "Testing robot arms"),
    ),
    Applicant(
        "cy@example.org",
        "Dr Cy Twombly",
        "My research uses lab automation; a week in industry would help my next step.",
        ("Testing robot arms",),
    ),
)
# (host, title, description, weekdays, preparation): hosts the 2019 demo also has.
PLACEMENTS = (
    (
        "Isis Robotics Ltd",
        "Testing robot arms",
        "Run the test plan for a new laboratory robot arm with the engineering team.",
        [0, 1, 2],
        "Bring a laptop; safety shoes are provided.",
    ),
    (
        "Oxford Festival of Ideas",
        "Planning a public lecture series",
        "Plan speakers, venues and publicity for an autumn lecture series.",
        [3, 4],
        "We work from the Old Fire Station; lunch is reimbursed on receipts.",
    ),
)


def rehearsal_round(now: datetime) -> RoundIn:
    """Open now; applications close in two hours unless the office closes them sooner, and
    everything after follows the office's controls or the clock."""
    monday = (now + timedelta(days=14 - now.weekday())).date()
    deadline = now + timedelta(hours=2)
    return RoundIn(
        name=f"Rehearsal round, {when.day(now)}",
        weeks=[PlacementWeek(starts_on=monday, ends_on=monday + timedelta(days=4))],
        clock=RoundClock(
            advertise_at=now - timedelta(minutes=1),
            deadline_at=deadline,
            outcomes_at=deadline + timedelta(minutes=30),
        ),
        acceptance_window_seconds=OFFER_WINDOW_S,
    )


def cv_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def load_rehearsal(
    office: ApplicationsClient,
    as_applicant: Callable[[str], ApplicationsClient],
    hosts: dict[str, UUID],
    now: datetime,
) -> Round | None:
    """The day's rehearsal round with its placements and applications; None if it exists."""
    spec = rehearsal_round(now)
    if spec.name in {r.name for r in await office.rounds()}:
        return None
    made = await office.create_round(spec)
    placements = {}
    for host_name, title, description, weekdays, preparation in PLACEMENTS:
        text = PlacementText(hosts[host_name], title, description, preparation)
        placements[title] = await add_placement(
            office, made, text, week=0, weekdays=weekdays, places=1
        )
    for person in APPLICANTS:
        async with as_applicant(person.email) as applicant:
            await applicant.save_profile(_profile(person, now))
            for title in person.applies_to:
                await applicant.submit_application(
                    placements[title], person.statement, Upload("cv.pdf", cv_pdf())
                )
    return made


def _profile(person: Applicant, now: datetime) -> ProfileIn:
    return ProfileIn(
        name=person.name,
        department="Engineering Science",
        division=Division.mpls,
        role=StaffRole.postdoctoral_researcher,
        contract_type=ContractType.fixed_term,
        contract_end_date=(now + timedelta(days=300)).date(),
    )
