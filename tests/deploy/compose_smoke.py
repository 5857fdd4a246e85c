"""A rehearsal round through the published ports of a running compose stack (CI's smoke).

The office creates a round of two placements with one place each, four applicants apply
(each gets a confirmation); an applicant and a host sign in at the portal with the link
mailed to them and their pages load (compose_portal.py); the deadline passes and one
workflow worker container is killed outright; the hosts rank, the two first-ranked accept
and are introduced, the other two hear they were unsuccessful. Then every e-mail the mail
catcher received is counted: each exactly once, none missing; and /metrics of the
applications service and of the workers still running say so too. Exit status 0 only if
all of that held.

    python -m tests.deploy.compose_smoke --project mip-smoke --kill mip-smoke-worker-1

Reads MIP_JWT_SECRET (the stack's) to mint tokens, and MIP_SMOKE_*_PORT for where the
portal, the services and the mail catcher's list are published (deploy/compose.ci.yaml's
defaults; the portal's is MIP_PORTAL_PORT in the stack's .env).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from mip.core.auth import Role, mint_token
from mip.core.settings import Environment, Settings
from tests.deploy.compose_portal import Portal, samples, scrape_workers, total
from tests.support.applying import PROFILE, next_monday, pdf

SAM, KIM = "sam@isis.example.com", "kim@bloomsbury.example.com"
ADA, BOB, CY, DEE = (f"{n}@example.org" for n in ("ada", "bob", "cy", "dee"))
CHOSEN = {SAM: [ADA, BOB], KIM: [CY, DEE]}  # each host's applicants, in the order ranked


def _url(name: str, default: int) -> str:
    return f"http://127.0.0.1:{os.environ.get(f'MIP_SMOKE_{name}_PORT', default)}"


def say(text: str) -> None:
    print(f"[smoke {time.strftime('%H:%M:%S')}] {text}", flush=True)


async def eventually(what: str, check: Callable[[], Awaitable[Any]], within_s: float) -> Any:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{what}: not within {within_s:.0f}s")


class Smoke:
    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings
        self.apps = _url("APPLICATIONS", 18001)
        self.offers = _url("OFFERS", 18002)
        self.mail = _url("MAIL", 18025) + "/messages.json"
        self.portal = Portal(_url("PORTAL", 18000), _url("MAIL", 18025), eventually)
        self.round_id = ""

    def auth(self, role: Role, subject: str = "office@example.org") -> dict[str, str]:
        token = mint_token(self.settings, role=role, subject=subject, ttl_s=3600)
        return {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, url: str, role: Role, who: str, **kw: Any) -> Any:
        answer = await self.http.request(method, url, headers=self.auth(role, who), **kw)
        if answer.status_code >= 300:
            raise AssertionError(f"{method} {url}: {answer.status_code} {answer.text}")
        return answer.json()

    async def setup(self, now: datetime) -> tuple[datetime, dict[str, str]]:
        """The round (its deadline is returned) and a placement per host."""
        monday = next_monday(now.date())
        deadline = now + timedelta(seconds=25)
        clock = {
            "advertise_at": now + timedelta(seconds=2),
            "deadline_at": deadline,
            "outcomes_at": now + timedelta(seconds=70),
        }
        spec = {
            "name": "Compose smoke rehearsal",
            "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
            "acceptance_window_seconds": 60,
            "clock": {k: v.isoformat() for k, v in clock.items()},
        }
        office = (Role.office, "office@example.org")
        the_round = await self.call("POST", f"{self.apps}/v1/rounds", *office, json=spec)
        self.round_id = the_round["id"]
        placements = {}
        for contact, name in ((SAM, "Isis Robotics"), (KIM, "Bloomsbury Science")):
            host = await self.call(
                "POST",
                f"{self.apps}/v1/hosts",
                *office,
                json={
                    "name": name,
                    "sector": "Technology",
                    "kind": "for_profit",
                    "location": "oxford",
                    "contact_name": contact.split("@")[0].title(),
                    "contact_email": contact,
                },
            )
            placement = await self.call(
                "POST",
                f"{self.apps}/v1/rounds/{the_round['id']}/placements",
                *office,
                json={
                    "host_id": host["id"],
                    "title": f"Placement at {name}",
                    "description": "A project",
                    "week_starts_on": str(monday),
                    "days": [str(monday), str(monday + timedelta(days=1))],
                    "places": 1,
                    "preparation": "Read the brief.",
                },
            )
            placements[contact] = placement["id"]
        return deadline, placements

    async def apply(self, person: str, placement_id: str) -> str:
        me = (Role.applicant, person)
        await self.call("PUT", f"{self.apps}/v1/me/profile", *me, json=PROFILE)
        made = await self.call(
            "POST",
            f"{self.apps}/v1/applications",
            *me,
            data={"placement_id": placement_id, "statement": "I would like to learn."},
            files={"cv": ("cv.pdf", pdf(), "application/pdf")},
        )
        return str(made["id"])

    async def status(self, person: str, application_id: str) -> str:
        url = f"{self.apps}/v1/applications/{application_id}"
        found = await self.call("GET", url, Role.applicant, person)
        return str(found["status"])

    async def reach(self, person: str, application_id: str, *wanted: str) -> None:
        async def there() -> bool:
            return await self.status(person, application_id) in wanted

        await eventually(f"{person} {'/'.join(wanted)}", there, within_s=120)

    async def messages(self) -> list[dict[str, str]]:
        found: list[dict[str, str]] = (await self.http.get(self.mail)).raise_for_status().json()
        return found


async def front_door(smoke: Smoke) -> None:
    """An applicant and a host sign in at the portal; their pages list the application and
    the placement, from the applications service, asked with their portal-signed tokens."""
    portal = smoke.portal
    async with portal.signed_in(ADA) as (http, landed):
        await portal.read(http, landed, shows=(ADA, "Your applications</a> (1)"))
        mine = f"{portal.url}/applicant/applications"
        await portal.read(http, mine, shows=("Placement at Isis Robotics", "Isis Robotics"))
    say(f"{ADA} signed in at the portal ({landed}); {mine} lists their application")
    async with portal.signed_in(SAM) as (http, landed):
        shows = ("Placement at Isis Robotics", "Compose smoke rehearsal")
        await portal.read(http, landed, shows=shows)
    say(f"{SAM} signed in at the portal ({landed}), which lists their placement")


async def figures(smoke: Smoke, project: str) -> None:
    """What Prometheus would read: the round's submissions on the applications service,
    the introductions on the workers still running (the killed one's counts died with it,
    and every introduction came after the kill)."""
    scraped = (await smoke.http.get(f"{smoke.apps}/metrics")).raise_for_status()
    submitted = total(
        samples(scraped.text), "mip_applications_submitted_total", round_id=smoke.round_id
    )
    if submitted != sum(len(people) for people in CHOSEN.values()):
        raise AssertionError(f"applications /metrics: {submitted} submitted in the round")
    workers = scrape_workers(f"{project}-portal-1")
    texts = [text for text in workers.values() if text.startswith("#")]
    introduced = sum(
        total(samples(text), "mip_application_transitions", status="introduced") for text in texts
    )
    if not texts or introduced < len(CHOSEN):
        heads = {ip: text[:300] for ip, text in workers.items()}
        raise AssertionError(f"workers' /metrics: {introduced} introduced; scraped {heads}")
    say(
        f"metrics: {submitted:.0f} submitted, {introduced:.0f} introduced on {len(texts)} worker(s)"
    )


def kill(container: str) -> None:
    """SIGKILL: the worker gets no chance to finish anything it holds."""
    subprocess.run(["docker", "kill", "--signal", "KILL", container], check=True)
    say(f"killed {container}")


async def play(
    smoke: Smoke, project: str, kill_container: str | None, sender: str | None
) -> Counter[tuple[str, str]]:
    deadline, placements = await smoke.setup(datetime.now(UTC))
    await asyncio.sleep(3)  # advertised
    ids = {}
    for host, people in CHOSEN.items():
        for person in people:
            ids[person] = await smoke.apply(person, placements[host])
    say("four applications in; waiting for their confirmations")

    async def confirmed() -> bool:
        kinds = [m.get("X-MIP-Kind") for m in await smoke.messages()]
        return kinds.count("confirmation") == len(ids)

    await eventually("four confirmations", confirmed, within_s=60)
    await front_door(smoke)
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()))
    if kill_container:
        kill(kill_container)  # mid-round: forwarding, ranking, offers and outcomes to come
    for person, application_id in ids.items():
        await smoke.reach(person, application_id, "forwarded")
    for host, people in CHOSEN.items():
        await smoke.call(
            "POST",
            f"{smoke.offers}/v1/placements/{placements[host]}/ranking",
            Role.host,
            host,
            json={"application_ids": [ids[p] for p in people]},
        )
    say("ranked; accepting the offers")
    for first, *_ in CHOSEN.values():
        await smoke.reach(first, ids[first], "offered")
        url = f"{smoke.offers}/v1/offers/{ids[first]}/accept"
        await smoke.call("POST", url, Role.applicant, first)
    for first, *rest in CHOSEN.values():
        await smoke.reach(first, ids[first], "introduced")
        for person in rest:
            await smoke.reach(person, ids[person], "not_successful")
    await figures(smoke, project)
    await asyncio.sleep(3)  # a second copy of anything would have arrived by now
    mail = await smoke.messages()
    ids_seen = [m.get("Message-ID") for m in mail]
    if len(set(ids_seen)) != len(ids_seen):
        raise AssertionError(f"an e-mail was sent twice: {ids_seen}")
    senders = {m.get("From") for m in mail}
    if sender is not None and senders != {sender}:
        raise AssertionError(f"sent from {senders}, not MIP_MAIL_SENDER {sender!r}")
    return Counter((m.get("To", ""), m.get("X-MIP-Kind", "")) for m in mail)


def expected() -> Counter[tuple[str, str]]:
    wanted: Counter[tuple[str, str]] = Counter({(ADA, "sign_in"): 1, (SAM, "sign_in"): 1})
    for host, (first, *rest) in CHOSEN.items():
        wanted[host, "host_welcome"] += 1
        wanted[host, "forwarded_digest"] += 1
        wanted[first, "confirmation"] += 1
        wanted[first, "offer"] += 1
        wanted[f"{first}, {host}", "introduction"] += 1
        for person in rest:
            wanted[person, "confirmation"] += 1
            wanted[person, "not_successful"] += 1
    return wanted


async def main(project: str, kill_container: str | None, sender: str | None) -> int:
    secret = os.environ["MIP_JWT_SECRET"]
    # Staging's rules, as the stack runs: its portal is where people follow e-mail links.
    settings = Settings(
        environment=Environment.staging,
        jwt_secret=secret,
        portal_public_url=_url("PORTAL", 8000),
        payload_keys=os.environ["MIP_PAYLOAD_KEYS"],
        search_hash_key=os.environ["MIP_SEARCH_HASH_KEY"],
    )
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30) as http:
        received = await play(Smoke(http, settings), project, kill_container, sender)
    if received != expected():
        say(f"mail received: {sorted(received.items())}")
        say(f"mail expected: {sorted(expected().items())}")
        return 1
    total = sum(received.values())
    say(f"round finished in {time.monotonic() - started:.0f}s; {total} e-mails, each once")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", default="mip-smoke", help="the compose project's name")
    parser.add_argument("--kill", help="the worker container to kill after the deadline")
    parser.add_argument("--sender", help="the From every e-mail must have (MIP_MAIL_SENDER)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.project, args.kill, args.sender)))
