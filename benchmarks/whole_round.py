"""A whole round, compressed to minutes: submissions, the deadline, rankings for every
placement, a mix of accepts, declines and lapses, the cascade, introductions and
"not successful" e-mails. Reports the time from the deadline until every applicant has an
outcome e-mail and every accepted intern an introduction, and checks nothing was doubled;
besides, when the hosts' digests came, each ranking request's answer, the offers and what
became of them (benchmarks/round_mail.py defines "passed on"), who was told after the
outcomes instant, each part of the stack's peak memory (benchmarks/memory.py), and the
workflow engine's work per workflow (benchmarks/engine_work.py).

    python -m benchmarks.whole_round                   # 100 placements, 1,500 applicants
    python -m benchmarks.whole_round --applicants 150 --placements 10
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import round_mail
from benchmarks.common import Retries, Target, flat_rows, print_table, write_json
from benchmarks.engine_work import engine_work
from benchmarks.mail import received_since
from benchmarks.memory import sampled
from benchmarks.round_steps import (
    DigestWatch,
    all_heard,
    answer_offers,
    move_deadline,
    rank_all,
    submit_all,
)
from benchmarks.setup_round import create_round
from mip.core.temporal import connect

PLACES = 2


async def main(args: argparse.Namespace) -> None:
    target = Target()
    data_dir = target.mail_dir.parent
    async with sampled(data_dir) as memory, httpx.AsyncClient(timeout=120) as http:
        rnd = await create_round(
            target,
            http,
            placements=args.placements,
            applicants=args.applicants,
            window_seconds=args.window,
            places=PLACES,
        )
        since_ns = time.time_ns()
        started = time.perf_counter()
        retries = Retries()
        submitted = await submit_all(target, http, rnd, args.clients, retries)
        submit_s = time.perf_counter() - started
        deadline, outcomes_at = await move_deadline(target, http, rnd, args.window)
        await asyncio.sleep(max((deadline - datetime.now(UTC)).total_seconds(), 0))
        after_deadline = time.perf_counter()
        # Hosts rank while applicants answer the offers already made: an offer waits for
        # no other placement's ranking.
        digests = DigestWatch(target.mail_dir, since_ns)
        ranking = asyncio.create_task(rank_all(target, http, rnd, digests))
        answers = await answer_offers(
            target, http, rnd, since_ns, after_deadline + args.timeout, (args.accept, args.decline)
        )
        outcome_s = time.perf_counter() - after_deadline
        rankings = await ranking
    mail = received_since(target.mail_dir, since_ns, {})
    hosts = {p["host"]["contact_email"] for p in rnd.placements}
    mine = round_mail.read_mail(target.mail_dir, since_ns, set(rnd.applicants) | hosts)
    client = await connect(target.settings)
    workflows = await client.count_workflows(
        f"WorkflowType = 'ApplicationWorkflow' AND RoundId = '{rnd.id}'"
    )
    figures: dict[str, Any] = {
        "round_id": rnd.id,
        "placements": args.placements,
        "applicants": args.applicants,
        "applications": len(submitted),
        "placements_with_applications": len(set(submitted.values())),
        "transport_retries": retries.count,
        "submit_seconds": round(submit_s, 1),
        "deadline": deadline.isoformat(),
        "placements_ranked": len(rankings.ranked),
        "answers": answers.figures(),
        "seconds_from_deadline_to_every_outcome": round(outcome_s, 1),
        "emails_by_kind": dict(Counter(r.kind for r in mail.values())),
        "application_workflows": workflows.count,
        "doubled_emails": len(mail) - len({r.message_id for r in mail.values()}),
        "every_applicant_heard": all_heard(target, rnd, since_ns),
        "digests": round_mail.digests(mine, deadline, outcomes_at),
        "rankings": rankings.figures(deadline),
        "offers": round_mail.offers(mine, rnd, rankings.ranked, PLACES),
        "outcomes": round_mail.outcomes(mine, rnd, outcomes_at),
        "doubled_round_emails": round_mail.doubles(mine),
        "peak_rss_mib": memory.mib(),
        "memory_samples": memory.samples,
    }
    print("reading the round's workflow histories ...")
    figures["engine_work"] = await engine_work(client, rnd.id)
    print_table("A whole round", flat_rows(figures))
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
