"""A whole round, compressed to minutes: submissions, the deadline, rankings for every
placement, a mix of accepts, declines and lapses, the cascade, introductions and
"not successful" e-mails. Reports the time from the deadline until every applicant has an
outcome e-mail and every accepted intern an introduction, and checks nothing was doubled.

    python -m benchmarks.whole_round                   # 100 placements, 1,500 applicants
    python -m benchmarks.whole_round --applicants 150 --placements 10
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import default
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import (
    Retries,
    Target,
    bounded,
    print_table,
    send_once,
    two_page_cv,
    write_json,
)
from benchmarks.mail import Received, received_since
from benchmarks.setup_round import Round, create_round
from mip.core.auth import Role
from mip.core.temporal import connect

# The offer e-mail's link opens the applicant's offer page in the portal.
OFFER_LINK = re.compile(r"/applicant/offers/([0-9a-f-]{36})")


async def _submit_all(
    target: Target, http: httpx.AsyncClient, rnd: Round, clients: int, retries: Retries
) -> list[str]:
    cv = two_page_cv()

    async def submit(person: str, placement_id: str) -> str | None:
        response = await send_once(
            http,
            "POST",
            f"{target.applications}/v1/applications",
            retries,
            headers=target.headers(Role.applicant, person),
            data={"placement_id": placement_id, "statement": "I would like to help."},
            files={"cv": ("cv.pdf", cv, "application/pdf")},
        )
        return str(response.json()["id"]) if response.status_code == 201 else None

    picks = [(p, pl["id"]) for p in rnd.applicants for pl in random.sample(rnd.placements, 2)]
    ids = await bounded(clients, [partial(submit, p, pl) for p, pl in picks])
    return [i for i in ids if i]


async def _move_deadline(
    target: Target, http: httpx.AsyncClient, rnd: Round, window_s: int
) -> datetime:
    office = target.headers(Role.office, "office@example.org")
    current = (await http.get(f"{target.applications}/v1/rounds/{rnd.id}", headers=office)).json()
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    clock = {  # what has passed stays; the deadline and outcomes move forward to now
        "advertise_at": datetime.fromisoformat(current["clock"]["advertise_at"]),
        "deadline_at": deadline,
        "outcomes_at": deadline + timedelta(seconds=window_s * 6),
    }
    moved = await http.put(
        f"{target.applications}/v1/rounds/{rnd.id}/clock",
        headers=office,
        json={"clock": {k: v.isoformat() for k, v in clock.items()}},
    )
    moved.raise_for_status()
    return deadline


async def _rank_all(target: Target, http: httpx.AsyncClient, rnd: Round) -> int:
    async def rank(placement: dict[str, Any]) -> int:
        host = target.headers(Role.host, placement["host"]["contact_email"])
        url = f"{target.applications}/v1/host/placements/{placement['id']}/applications"
        for _ in range(600):  # until forwarded, and its offers workflow takes the ranking
            forwarded = [a["id"] for a in (await http.get(url, headers=host)).json()]
            if forwarded:
                ranked = await http.post(
                    f"{target.offers}/v1/placements/{placement['id']}/ranking",
                    headers=host,
                    json={"application_ids": random.sample(forwarded, len(forwarded))},
                )
                if ranked.status_code == 200:
                    return 1
            await asyncio.sleep(0.5)
        return 0

    return sum(await bounded(16, [partial(rank, p) for p in rnd.placements]))


async def _answer_offers(
    target: Target,
    http: httpx.AsyncClient,
    rnd: Round,
    since_ns: int,
    until: float,
    mix: tuple[float, float],
) -> Counter[str]:
    """Answer each offer e-mail as it arrives: accept, decline, or let it lapse."""
    answered: set[str] = set()
    tally: Counter[str] = Counter()
    parser = BytesParser(policy=default)
    while time.perf_counter() < until:
        for path in sorted(target.mail_dir.glob("*.eml")):
            if int(path.name.split("-", 1)[0]) < since_ns or path.name in answered:
                continue
            answered.add(path.name)
            message = parser.parse(path.open("rb"))
            if message["X-MIP-Kind"] != "offer" or message["To"] not in rnd.applicants:
                continue
            body = message.get_body(("plain",))
            found = OFFER_LINK.search(body.get_content() if body else "")
            roll = random.random()
            action = "accept" if roll < mix[0] else "decline" if roll < mix[0] + mix[1] else None
            if found and action:
                result = await http.post(
                    f"{target.offers}/v1/offers/{found.group(1)}/{action}",
                    headers=target.headers(Role.applicant, message["To"]),
                )
                tally[f"{action}:{result.status_code}"] += 1
            else:
                tally["left to lapse"] += 1
        if _all_heard(target, rnd, since_ns):
            break
        await asyncio.sleep(0.5)
    return tally


_SEEN: dict[str, Received] = {}


def _all_heard(target: Target, rnd: Round, since_ns: int) -> bool:
    seen = received_since(target.mail_dir, since_ns, _SEEN)  # read each file once
    heard = {r.to for r in seen.values() if r.kind in ("offer", "not_successful")}
    accepted = {r.to.split(",")[0] for r in seen.values() if r.kind == "introduction"}
    return heard >= set(rnd.applicants) and bool(accepted)


async def main(args: argparse.Namespace) -> None:
    target = Target()
    async with httpx.AsyncClient(timeout=120) as http:
        rnd = await create_round(
            target,
            http,
            placements=args.placements,
            applicants=args.applicants,
            window_seconds=args.window,
            places=2,
        )
        since_ns = time.time_ns()
        started = time.perf_counter()
        retries = Retries()
        ids = await _submit_all(target, http, rnd, args.clients, retries)
        submit_s = time.perf_counter() - started
        deadline = await _move_deadline(target, http, rnd, args.window)
        await asyncio.sleep(max((deadline - datetime.now(UTC)).total_seconds(), 0))
        after_deadline = time.perf_counter()
        ranked = await _rank_all(target, http, rnd)
        tally = await _answer_offers(
            target, http, rnd, since_ns, after_deadline + args.timeout, (args.accept, args.decline)
        )
        outcome_s = time.perf_counter() - after_deadline
    mail = received_since(target.mail_dir, since_ns, {})
    kinds = Counter(r.kind for r in mail.values())
    client = await connect(target.settings)
    workflows = await client.count_workflows(f"RoundId = '{rnd.id}'")
    figures = {
        "placements": args.placements,
        "applicants": args.applicants,
        "applications": len(ids),
        "transport_retries": retries.count,
        "submit_seconds": round(submit_s, 1),
        "placements_ranked": ranked,
        "answers": dict(tally),
        "seconds_from_deadline_to_every_outcome": round(outcome_s, 1),
        "emails_by_kind": dict(kinds),
        "application_workflows": workflows.count,
        "doubled_emails": len(mail) - len({r.message_id for r in mail.values()}),
        "every_applicant_heard": _all_heard(target, rnd, since_ns),
    }
    print_table("A whole round", list(figures.items()))
    write_json(Path(args.out), figures)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=1500)
    parser.add_argument("--placements", type=int, default=100)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--window", type=int, default=40, help="acceptance window, seconds")
    parser.add_argument("--accept", type=float, default=0.6)
    parser.add_argument("--decline", type=float, default=0.2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", default="benchmarks/results/whole_round.json")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
