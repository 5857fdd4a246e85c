"""`mip dev --demo`: the 2019 round from the source page, with a few hosts and placements.

Two rounds are loaded: the 2019 round on its real dates (long closed: the office's
history), and the same calendar moved forward by whole weeks so that it was advertised
this week and a person can apply now. Loading twice changes nothing.

The 2019 round is history: its workflow is ended before any worker runs it (`mip dev`
starts the workflow worker after the demo is loaded), so none of its long-past dates is
acted on now; the alerts list hears nothing about a round from 2019.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids
from services.applications.client import ApplicationsClient
from services.applications.contract import (
    HostIn,
    HostKind,
    Location,
    PlacementIn,
    PlacementWeek,
    Round,
    RoundIn,
)

ADVERTISED_2019 = date(2019, 3, 13)

HOSTS = [
    HostIn(
        name="St John's College",
        sector="Collections and heritage",
        kind=HostKind.college_or_department,
        location=Location.oxford,
        contact_name="Dr Helen Marsh",
        contact_email="collections@sjc.example.org",
    ),
    HostIn(
        name="Isis Robotics Ltd",
        sector="Technology start-up",
        kind=HostKind.for_profit,
        location=Location.oxford,
        contact_name="Sam Okafor",
        contact_email="sam@isisrobotics.example.com",
    ),
    HostIn(
        name="Abingdon Lab Consulting",
        sector="Consulting",
        kind=HostKind.for_profit,
        location=Location.oxfordshire,
        contact_name="Priya Shah",
        contact_email="priya@abl.example.com",
    ),
    HostIn(
        name="Bloomsbury Science Communications",
        sector="Communications",
        kind=HostKind.for_profit,
        location=Location.london,
        contact_name="Tom Hale",
        contact_email="tom@bloomsbury-sci.example.com",
    ),
    HostIn(
        name="Oxford Festival of Ideas",
        sector="Events",
        kind=HostKind.non_profit,
        location=Location.oxford,
        contact_name="Ruth Bell",
        contact_email="ruth@ofi.example.org",
    ),
]

# (host, title, description, week index, weekday indexes, places, preparation)
PLACEMENTS = [
    (
        "St John's College",
        "Cataloguing the college silver",
        "Handle, photograph and catalogue items from the college's silver collection.",
        0,
        [0, 1, 2, 3, 4],
        1,
        "Wear closed shoes; the collection is handled with gloves.",
    ),
    (
        "Isis Robotics Ltd",
        "Product marketing in a start-up",
        "Help shape the launch of a laboratory robot: customer interviews and a launch plan.",
        0,
        [1, 2, 3],
        2,
        "Read our product brief, sent with your introduction.",
    ),
    (
        "Abingdon Lab Consulting",
        "Lab efficiency review",
        "Join a consulting team reviewing how a university lab runs its equipment booking.",
        1,
        [0, 1, 2, 3],
        1,
        "Bring a laptop; we meet at our Abingdon office at 9:30.",
    ),
    (
        "Bloomsbury Science Communications",
        "Science communication campaign",
        "Write and test short pieces for a campaign on antimicrobial resistance.",
        1,
        [0, 1, 2, 3, 4],
        2,
        "Travel on an Oxford-London week bus pass; keep the receipt.",
    ),
    (
        "Oxford Festival of Ideas",
        "Planning a public lecture series",
        "Plan speakers, venues and publicity for an autumn lecture series.",
        0,
        [3, 4],
        1,
        "We work from the Old Fire Station; lunch is reimbursed on receipts.",
    ),
]


def round_2019(shift: timedelta = timedelta(0), *, name: str) -> RoundIn:
    def on(day: date) -> date:
        return day + shift

    weeks = [date(2019, 6, 3), date(2019, 6, 10)]
    return RoundIn(
        name=name,
        weeks=[PlacementWeek(starts_on=on(w), ends_on=on(w) + timedelta(days=4)) for w in weeks],
        advertising_date=on(ADVERTISED_2019),
        deadline_date=on(date(2019, 4, 1)),
        outcomes_by_date=on(date(2019, 4, 25)),
        second_round_opens_on=on(date(2019, 4, 23)),
        second_round_closes_on=on(date(2019, 4, 29)),
    )


def shift_to(today: date) -> timedelta:
    """Whole weeks that move 13 March 2019 into the seven days ending `today`."""
    return timedelta(weeks=(today - ADVERTISED_2019).days // 7)


async def load_demo(client: ApplicationsClient, today: date) -> list[Round]:
    hosts = {h.name: h.id for h in await client.hosts()}
    for host in HOSTS:
        if host.name not in hosts:
            hosts[host.name] = (await client.create_host(host)).id
    existing = {r.name: r for r in await client.rounds()}
    loaded = []
    for spec in (
        round_2019(name="Micro-internships 2019 (as advertised)"),
        round_2019(shift_to(today), name=f"Micro-internships {today.year} (2019 calendar)"),
    ):
        if spec.name in existing:
            loaded.append(existing[spec.name])
            continue
        created = await client.create_round(spec)
        for host_name, title, description, week, weekdays, places, preparation in PLACEMENTS:
            await add_placement(
                client,
                created,
                PlacementText(hosts[host_name], title, description, preparation),
                week=week,
                weekdays=weekdays,
                places=places,
            )
        loaded.append(created)
    return loaded


@dataclass(frozen=True)
class PlacementText:
    host_id: UUID
    title: str
    description: str
    preparation: str


async def add_placement(
    client: ApplicationsClient,
    the_round: Round,
    text: PlacementText,
    *,
    week: int,
    weekdays: list[int],
    places: int,
) -> UUID:
    """A placement on `weekdays` (0 is Monday) of the round's `week`; its id."""
    monday = the_round.weeks[week].starts_on
    made = await client.create_placement(
        the_round.id,
        PlacementIn(
            host_id=text.host_id,
            title=text.title,
            description=text.description,
            week_starts_on=monday,
            days=[monday + timedelta(days=d) for d in weekdays],
            places=places,
            preparation=text.preparation,
        ),
    )
    return made.id


HISTORY = "history: `mip dev --demo` loads the 2019 round as it was; its dates have passed"


async def keep_as_history(temporal: Client, historic: Round, *, within_s: float = 30.0) -> None:
    """End the historic round's workflow before a worker takes it up: a round from 2019 is
    not advertised, forwarded or announced again. Call it while no workflow worker runs."""
    handle = temporal.get_workflow_handle(ids.round_(str(historic.id)))
    deadline = time.monotonic() + within_s
    while True:  # the applications service starts the workflow just after the round's row
        try:
            described = await handle.describe()
            break
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    if described.status is WorkflowExecutionStatus.RUNNING:
        await handle.terminate(reason=HISTORY)
