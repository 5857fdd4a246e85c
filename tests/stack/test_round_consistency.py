"""A round's workflows agree with each other on the real stack (PostgreSQL, Temporal, SMTP),
its dates seconds apart (issue 10, items 2-4):

- R18: the never-offered candidates hear at the outcomes-by date while an offer is open;
- R3: an outcomes-by date moved after the deadline reaches the running placement workflow,
  a passed date cannot move, and the round's workflow lives until its last date;
- R4: a second-round ranking racing the first round's cascade never offers a place twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from temporalio.client import WorkflowExecutionStatus

from launcher.mailcatcher import MailCatcher
from mip.core import ids as workflow_ids
from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import HOST, apply, make_profile, make_round, next_monday
from tests.support.auth import auth
from tests.support.rehearsal import status_of, wait_status
from tests.support.stack import Stack, round_stack
from tests.support.waiting import eventually
from workflows.closing import ranking_closes_at
from workflows.round import RoundWorkflow

T = TypeVar("T")
ADA, BOB, CY = (f"{n}@example.org" for n in ("ada", "bob", "cy"))
LONG_WINDOW = 600  # seconds: an offer made in these tests stays open to the end
HOST_EMAIL = HOST["contact_email"]  # every placement made by make_round is this host's


def _spec(name: str, now: datetime, at: dict[str, datetime]) -> dict[str, Any]:
    """A rehearsal round advertised a minute ago, with the given instants."""
    monday = next_monday(now.date())
    clock = {"advertise_at": now - timedelta(minutes=1), **at}
    return {
        "name": name,
        "advertising_date": str(now.date()),
        "deadline_date": str(now.date()),
        "outcomes_by_date": str(now.date()),
        "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
        "acceptance_window_seconds": LONG_WINDOW,
        "clock": {k: v.isoformat() for k, v in clock.items()},
    }


async def _until(moment: datetime) -> None:
    await asyncio.sleep(max((moment - datetime.now(UTC)).total_seconds(), 0))


async def _after(delay: float, call: Awaitable[T]) -> T:
    await asyncio.sleep(delay)
    return await call


def _kinds(smtp: MailCatcher, to: str) -> list[str]:
    return [str(m["X-MIP-Kind"]) for m in smtp.store.messages() if m["To"] == to]


async def _first_mail(smtp: MailCatcher, to: str, kind: str, timeout_s: float) -> datetime:
    """When an e-mail of `kind` to `to` was first seen (polled every 0.1 s)."""

    async def arrived() -> datetime | None:
        return datetime.now(UTC) if kind in _kinds(smtp, to) else None

    return await eventually(arrived, timeout_s=timeout_s)


async def _three_applicants(
    stack: Stack, name: str, at: dict[str, datetime]
) -> tuple[dict[str, Any], str, dict[str, str], dict[str, dict[str, str]]]:
    """One placement with one place; Ada, Bob and Cy apply before the deadline."""
    apps, settings = stack.http["applications"], stack.settings
    the_round, (placement,) = await make_round(apps, settings, _spec(name, datetime.now(UTC), at))
    people = {p: await make_profile(apps, settings, p) for p in (ADA, BOB, CY)}
    ids = {}
    for person in (ADA, BOB, CY):
        response = await apply(apps, people[person], placement["id"])
        assert response.status_code == 201, response.text
        ids[person] = response.json()["id"]
    return the_round, placement["id"], ids, people


async def _rank(stack: Stack, placement_id: str, host: str, ids: list[str]) -> httpx.Response:
    return await stack.http["offers"].post(
        f"/v1/placements/{placement_id}/ranking",
        json={"application_ids": ids},
        headers=auth(stack.settings, Role.host, host),
    )


async def test_r18_never_offered_applicants_hear_by_the_outcomes_date_while_an_offer_is_open(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        now = datetime.now(UTC)
        deadline, outcomes = now + timedelta(seconds=7), now + timedelta(seconds=17)
        apps, offers, settings = stack.http["applications"], stack.http["offers"], stack.settings
        _, placement_id, ids, people = await _three_applicants(
            stack, "R18 round", {"deadline_at": deadline, "outcomes_at": outcomes}
        )
        for person, application_id in ids.items():
            await wait_status(stack, application_id, person, "forwarded")
        ranked = await _rank(stack, placement_id, HOST_EMAIL, [ids[ADA], ids[BOB], ids[CY]])
        assert ranked.status_code == 200, ranked.text
        await wait_status(stack, ids[ADA], ADA, "offered")

        await _until(outcomes - timedelta(seconds=1))
        for person in (BOB, CY):  # nobody is told early
            assert await status_of(apps, settings, ids[person], person) == "forwarded"
            assert "not_successful" not in _kinds(smtp, person)

        heard = await asyncio.gather(
            *(_first_mail(smtp, p, "not_successful", timeout_s=15) for p in (BOB, CY))
        )
        # Ranking closes ahead of the date by the time telling takes (workflows/closing.py).
        closes = ranking_closes_at(deadline, outcomes, len(ids))
        for person, at in zip((BOB, CY), heard, strict=True):
            assert closes <= at <= outcomes + timedelta(seconds=5), (person, at - outcomes)
            assert await status_of(apps, settings, ids[person], person) == "not_successful"
        # Ada's offer is still open past the outcomes date and runs its course.
        assert await status_of(apps, settings, ids[ADA], ADA) == "offered"
        offer = (await offers.get(f"/v1/offers/{ids[ADA]}", headers=people[ADA])).json()
        assert offer["status"] == "offered"
        assert datetime.fromisoformat(offer["expires_at"]) > datetime.now(UTC)
        assert "not_successful" not in _kinds(smtp, ADA)
        accepted = await offers.post(f"/v1/offers/{ids[ADA]}/accept", headers=people[ADA])
        assert accepted.status_code == 200, accepted.text
        await wait_status(stack, ids[ADA], ADA, "introduced")
        await asyncio.sleep(1)  # a second copy of anything would have arrived by now
    for person in (BOB, CY):
        assert sorted(_kinds(smtp, person)) == ["confirmation", "not_successful"]
    assert sorted(_kinds(smtp, ADA)) == ["confirmation", "offer"]


async def test_r3_the_outcomes_date_moved_after_the_deadline_reaches_the_running_placement(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        now = datetime.now(UTC)
        deadline, outcomes = now + timedelta(seconds=7), now + timedelta(seconds=15)
        moved = outcomes + timedelta(seconds=15)
        apps, settings = stack.http["applications"], stack.settings
        office = auth(settings, Role.office)
        the_round, placement_id, ids, _ = await _three_applicants(
            stack, "R3 round", {"deadline_at": deadline, "outcomes_at": outcomes}
        )
        round_wf = stack.temporal.get_workflow_handle(workflow_ids.round_(the_round["id"]))
        for person, application_id in ids.items():
            await wait_status(stack, application_id, person, "forwarded")
        ranked = await _rank(stack, placement_id, HOST_EMAIL, [ids[ADA]])
        assert ranked.status_code == 200, ranked.text
        # R17, R18: the host is told who the ranking leaves out, and so who hears "no".
        left_out = {c["application_id"] for c in ranked.json()["left_out"]}
        assert left_out == {ids[BOB], ids[CY]}
        await wait_status(stack, ids[ADA], ADA, "offered")
        assert datetime.now(UTC) > deadline
        # The round's workflow outlives its deadline: the outcomes date is still to come.
        assert (await round_wf.describe()).status is WorkflowExecutionStatus.RUNNING

        clock = {**the_round["clock"], "outcomes_at": moved.isoformat()}
        put = await apps.put(
            f"/v1/rounds/{the_round['id']}/clock", json={"clock": clock}, headers=office
        )
        assert put.status_code == 200, put.text
        assert datetime.fromisoformat(put.json()["clock"]["outcomes_at"]) == moved

        later_deadline = {**clock, "deadline_at": (deadline + timedelta(seconds=3)).isoformat()}
        refused = await apps.put(
            f"/v1/rounds/{the_round['id']}/clock", json={"clock": later_deadline}, headers=office
        )
        assert refused.status_code == 409, refused.text
        assert "application deadline" in refused.json()["detail"], refused.json()
        assert "has passed" in refused.json()["detail"]

        async def rescheduled() -> bool:
            step = await round_wf.query(RoundWorkflow.next_step)
            return step.step == "outcomes" and step.at == moved

        await eventually(rescheduled, timeout_s=5)

        # The old date passes: nobody hears, and the round is still running.
        await _until(outcomes + timedelta(seconds=4))
        for person in (BOB, CY):
            assert await status_of(apps, settings, ids[person], person) == "forwarded"
            assert "not_successful" not in _kinds(smtp, person)
        assert (await round_wf.describe()).status is WorkflowExecutionStatus.RUNNING
        placement_wf = stack.temporal.get_workflow_handle(
            workflow_ids.placement(placement_id, "first")
        )
        assert (await placement_wf.describe()).status is WorkflowExecutionStatus.RUNNING

        # The new date: they hear within seconds of it.
        heard = await asyncio.gather(
            *(_first_mail(smtp, p, "not_successful", timeout_s=25) for p in (BOB, CY))
        )
        closes = ranking_closes_at(deadline, moved, len(ids))
        for person, at in zip((BOB, CY), heard, strict=True):
            assert closes <= at <= moved + timedelta(seconds=5), (person, at - moved)
            assert await status_of(apps, settings, ids[person], person) == "not_successful"
        assert await status_of(apps, settings, ids[ADA], ADA) == "offered"

        async def round_over() -> bool:
            return (await round_wf.describe()).status is WorkflowExecutionStatus.COMPLETED

        await eventually(round_over, timeout_s=10)  # every date of the round has passed
        assert await round_wf.result() == ["advertise", "forward_first", "outcomes"]
    for person in (BOB, CY):
        assert sorted(_kinds(smtp, person)) == ["confirmation", "not_successful"]


# The second-round host ranks this long (seconds) after the first-round candidate declines
# (< 0: before); each of the round's placements races at one of these offsets. A decline
# reaches the place ledger some 0.3-0.5 s after it is sent and the next ranked candidate
# holds the place some 0.1 s later, so the ladder lands the second round's hold before the
# release (it is refused), in the gap (it wins, the cascade is refused) and after the
# cascade's hold, whatever the machine's pace.
RACES = (-0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


class _Watch:
    """Polls both read models and the place ledger while the races run: the most open or
    accepted offers, and the most active holds, any placement ever had at one moment."""

    def __init__(self, stack: Stack) -> None:
        self._offers = stack.apps["offers"].state.runtime.pool
        self._apps = stack.apps["applications"].state.runtime.pool
        self.most: dict[str, dict[str, int]] = {"offers": {}, "holds": {}, "applications": {}}
        self.polls = 0

    async def once(self) -> None:
        found = {
            "offers": await self._offers.fetch(
                "SELECT placement_id, count(*) AS n FROM offers"
                " WHERE status IN ('offered', 'accepted') GROUP BY placement_id"
            ),
            "holds": await self._offers.fetch(
                "SELECT placement_id, count(*) AS n FROM place_holds"
                " WHERE released_at IS NULL GROUP BY placement_id"
            ),
            "applications": await self._apps.fetch(
                "SELECT placement_id, count(*) AS n FROM applications"
                " WHERE status IN ('offered', 'accepted', 'introduced') GROUP BY placement_id"
            ),
        }
        for what, rows in found.items():
            for row in rows:
                key = str(row["placement_id"])
                self.most[what][key] = max(self.most[what].get(key, 0), row["n"])
        self.polls += 1

    async def run(self) -> None:
        while True:
            await self.once()
            await asyncio.sleep(0.01)


async def test_r4_a_second_round_ranking_racing_the_first_round_cascade_never_overfills_the_last_place(  # noqa: E501
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        now = datetime.now(UTC)
        at = {
            "deadline_at": now + timedelta(seconds=6),
            "second_round_opens_at": now + timedelta(seconds=8),
            "second_round_deadline_at": now + timedelta(seconds=16),
            # The first round's placements still take offers long after the second round.
            "outcomes_at": now + timedelta(seconds=300),
        }
        apps, offers, settings = stack.http["applications"], stack.http["offers"], stack.settings
        office = auth(settings, Role.office)
        the_round, placements = await make_round(
            apps, settings, _spec("R4 round", now, at), placements=len(RACES)
        )
        wanted = [p["id"] for p in placements]
        first = [(f"a{n}@example.org", f"b{n}@example.org") for n in range(len(RACES))]
        late = [f"c{n}@example.org" for n in range(len(RACES))]
        everyone = [p for pair in first for p in pair] + late
        people = {p: await make_profile(apps, settings, p) for p in everyone}
        ids: dict[str, str] = {}
        for placement_id, pair in zip(wanted, first, strict=True):
            for person in pair:
                response = await apply(apps, people[person], placement_id)
                assert response.status_code == 201, response.text
                ids[person] = response.json()["id"]
        for person, application_id in ids.items():
            await wait_status(stack, application_id, person, "forwarded")

        # Nobody ranked yet when the second round opens: every place is re-advertised.
        async def readvertised() -> list[str] | None:
            listed = (
                await apps.get(f"/v1/rounds/{the_round['id']}/placements", headers=office)
            ).json()
            found = sorted(p["id"] for p in listed if p["readvertised"])
            return found if found == sorted(wanted) else None

        await eventually(readvertised, timeout_s=20)
        # Now the first round's host ranks, and the top candidate of each holds the place.
        for placement_id, (a, b) in zip(wanted, first, strict=True):
            ranked = await _rank(stack, placement_id, HOST_EMAIL, [ids[a], ids[b]])
            assert ranked.status_code == 200, ranked.text
        for a, _ in first:
            await wait_status(stack, ids[a], a, "offered")
        # A second-round candidate applies for each re-advertised place.
        for placement_id, c in zip(wanted, late, strict=True):
            response = await apply(apps, people[c], placement_id)
            assert response.status_code == 201, response.text
            ids[c] = response.json()["id"]
        for c in late:
            await wait_status(stack, ids[c], c, "forwarded")
        for placement_id in wanted:
            second = stack.temporal.get_workflow_handle(
                workflow_ids.placement(placement_id, "second")
            )
            assert (await second.describe()).status is WorkflowExecutionStatus.RUNNING

        watch = _Watch(stack)
        await watch.once()
        watching = asyncio.create_task(watch.run())
        try:
            answers = []
            for placement_id, (a, _), c, delay in zip(wanted, first, late, RACES, strict=True):
                decline = offers.post(
                    f"/v1/offers/{ids[a]}/decline", json={"reason": "A clash"}, headers=people[a]
                )
                rank = _rank(stack, placement_id, HOST_EMAIL, [ids[c]])
                answers.append(
                    await asyncio.gather(
                        _after(max(-delay, 0), decline), _after(max(delay, 0), rank)
                    )
                )

            # Whoever wins, the place goes on to one of the two who were waiting for it.
            winners: dict[str, str] = {}
            for placement_id, (a, b), c in zip(wanted, first, late, strict=True):

                async def taken_by(b: str = b, c: str = c) -> str | None:
                    for p in (b, c):
                        if await status_of(apps, settings, ids[p], p) == "offered":
                            return p
                    return None

                winners[placement_id] = await eventually(taken_by, timeout_s=20)
                assert await status_of(apps, settings, ids[a], a) == "declined"
            await asyncio.sleep(1.5)  # a second offer, were there one, would be made by now
        finally:
            watching.cancel()
            with suppress(asyncio.CancelledError):
                await watching
        await watch.once()
        pool = stack.apps["offers"].state.runtime.pool
        final = {
            placement_id: (
                await pool.fetch(
                    "SELECT application_id FROM offers WHERE placement_id = $1"
                    " AND status IN ('offered', 'accepted')",
                    placement_id,
                ),
                await pool.fetch(
                    "SELECT application_id FROM place_holds WHERE placement_id = $1"
                    " AND released_at IS NULL",
                    placement_id,
                ),
            )
            for placement_id in wanted
        }
        statuses = {p: await status_of(apps, settings, ids[p], p) for p in ids}
    for declined, ranked in answers:
        assert declined.status_code == 200, declined.text
        assert ranked.status_code == 200, ranked.text
    assert watch.polls > 20
    # Which way each race went, for the failure message: b* the cascade, c* the second round.
    races = dict(zip(RACES, winners.values(), strict=True))
    for placement_id in wanted:
        for what in ("offers", "holds", "applications"):
            assert watch.most[what].get(placement_id, 0) <= 1, (what, watch.most, races)
        open_offers, holds = final[placement_id]
        winner = ids[winners[placement_id]]
        assert [str(r["application_id"]) for r in open_offers] == [winner], races
        assert [str(r["application_id"]) for r in holds] == [winner], races
    offered = sorted(p for p, s in statuses.items() if s == "offered")
    assert offered == sorted(winners.values()), statuses
