"""The deadline rush: thousands of submissions with real PDF CVs, as fast as the stack
takes them; then the time until every confirmation reached the SMTP server, and checks
from the database, Temporal and the mail that nothing was lost or doubled. In the same
run, the ceiling: bare Temporal workflows and bare asyncpg inserts on the same servers.

    python -m benchmarks.deadline_rush                 # 1,500 applicants, 3,000 submissions
    python -m benchmarks.deadline_rush --applicants 100 --per-applicant 2
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks.ceiling import bare_inserts, bare_workflows
from benchmarks.common import (
    Retries,
    Target,
    bounded,
    cpu_seconds_by_process,
    cpu_used,
    latency_figures,
    peak_memory_by_process,
    print_table,
    send_once,
    timed,
    two_page_cv,
    write_json,
)
from benchmarks.mail import Received, received_since
from benchmarks.setup_round import Round, create_round
from mip.core.auth import Role
from mip.core.temporal import connect


async def _rush(
    target: Target,
    http: httpx.AsyncClient,
    rnd: Round,
    per: int,
    clients: int,
    cv: bytes,
    rate: float | None,
    retries: Retries,
) -> tuple[list[tuple[float, httpx.Response]], float]:
    picks = []
    for person in rnd.applicants:
        for placement in random.sample(rnd.placements, per):
            picks.append((person, placement["id"]))
    random.shuffle(picks)

    def submit(person: str, placement_id: str) -> Any:
        return timed(
            send_once(
                http,
                "POST",
                f"{target.applications}/v1/applications",
                retries,
                headers=target.headers(Role.applicant, person),
                data={"placement_id": placement_id, "statement": "I would like to help. " * 40},
                files={"cv": ("cv.pdf", cv, "application/pdf")},
            )
        )

    started = time.perf_counter()
    if rate is None:
        results = await bounded(clients, [partial(submit, p, pl) for p, pl in picks])
    else:  # open loop: one submission every 1/rate seconds, whatever the stack does
        tasks = []
        for n, (person, placement_id) in enumerate(picks):
            await asyncio.sleep(max(started + n / rate - time.perf_counter(), 0))
            tasks.append(asyncio.create_task(submit(person, placement_id)))
        results = list(await asyncio.gather(*tasks))
    return results, time.perf_counter() - started


async def _confirmations(
    target: Target, since_ns: int, wanted: set[str], count: int, timeout_s: float
) -> tuple[dict[str, Received], float]:
    seen: dict[str, Received] = {}
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        received_since(target.mail_dir, since_ns, seen)
        mine = [r for r in seen.values() if r.kind == "confirmation" and r.to in wanted]
        if len(mine) >= count:
            break
        await asyncio.sleep(0.5)
    return seen, time.perf_counter() - started


async def main(args: argparse.Namespace) -> None:
    target = Target()
    cv = two_page_cv()
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        print(f"setting up {args.applicants} applicants and {args.placements} placements ...")
        rnd = await create_round(
            target, http, placements=args.placements, applicants=args.applicants
        )
        client = await connect(target.settings)
        n = args.applicants * args.per_applicant
        rate, bare_first = args.rate, None
        if args.rate_of_ceiling:  # pace at a share of the ceiling measured now, same servers
            print(f"ceiling first: {n} bare workflows ...")
            bare_first = await bare_workflows(client, n, args.clients)
            rate = args.rate_of_ceiling * bare_first
        since_ns = time.time_ns()
        pace = f"at {rate:.1f}/s" if rate else f"{args.clients} clients, as fast as taken"
        print(f"rush: {n} submissions, {pace} ...")
        retries = Retries()
        cpu_before = cpu_seconds_by_process()
        results, rush_s = await _rush(
            target, http, rnd, args.per_applicant, args.clients, cv, rate, retries
        )
        cpu_rush = cpu_seconds_by_process()
    accepted = [r.json() for _, r in results if r.status_code == 201]
    statuses = Counter(r.status_code for _, r in results)
    wanted = set(rnd.applicants)
    seen, mail_s = await _confirmations(target, since_ns, wanted, len(accepted), args.mail_timeout)
    cpu_after = cpu_seconds_by_process()
    end_to_end_s = rush_s + mail_s
    confirmations = [r for r in seen.values() if r.kind == "confirmation" and r.to in wanted]
    workflows = await client.count_workflows(
        f"WorkflowType = 'ApplicationWorkflow' AND RoundId = '{rnd.id}'"
    )
    rows = await _rows(target, rnd.id)
    print("ceiling: bare workflows and bare inserts on the same servers ...")
    bare_wf = bare_first or await bare_workflows(client, n, args.clients)
    bare_db = await bare_inserts(
        target.settings.database_url.get_secret_value(), n, args.clients, cv
    )
    mip_rate = len(accepted) / end_to_end_s
    figures: dict[str, Any] = {
        "submissions": n,
        "accepted": len(accepted),
        "errors_by_status": dict(statuses),
        # Submissions sent again, with the same Idempotency-Key, after a dropped connection.
        "transport_retries": retries.count,
        "rush_seconds": round(rush_s, 2),
        "accepted_per_second": round(len(accepted) / rush_s, 1),
        "latency": latency_figures([s for s, _ in results]),
        "seconds_until_last_confirmation": round(end_to_end_s, 2),
        "end_to_end_per_second": round(mip_rate, 1),
        "rows_in_database": rows,
        "workflows_in_temporal": workflows.count,
        "confirmations_received": len(confirmations),
        "doubled_confirmations": len(confirmations) - len({r.message_id for r in confirmations}),
        "bare_workflows_per_second": round(bare_wf, 1),
        "bare_inserts_per_second": round(bare_db, 1),
        "ratio_to_bare_workflows": round(mip_rate / bare_wf, 2),
        "ratio_to_bare_inserts": round(mip_rate / bare_db, 3),
        "peak_memory_kib": peak_memory_by_process(),
        # Of the machine's cores, what each part kept busy: while the submissions came in,
        # and from the first submission to the last confirmation.
        "cores_during_submissions": cpu_used(cpu_before, cpu_rush, rush_s),
        "cores_until_last_confirmation": cpu_used(cpu_before, cpu_after, end_to_end_s),
    }
    lost = len(accepted) - min(rows, workflows.count, len(confirmations))
    figures["lost"] = lost
    print_table("Deadline rush", [(k, v) for k, v in figures.items()])
    write_json(Path(args.out), figures)


async def _rows(target: Target, round_id: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(target.settings.database_url.get_secret_value())
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM applications.applications WHERE round_id = $1", round_id
        )
    finally:
        await conn.close()
    return count


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=1500)
    parser.add_argument("--per-applicant", type=int, default=2)
    parser.add_argument("--placements", type=int, default=100)
    parser.add_argument("--clients", type=int, default=64, help="concurrent HTTP clients")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="submissions per second, open loop (default: as fast as taken)",
    )
    parser.add_argument(
        "--rate-of-ceiling",
        type=float,
        default=None,
        help="measure the bare ceiling first, then submit at this share of it",
    )
    parser.add_argument("--mail-timeout", type=float, default=900)
    parser.add_argument("--out", default="benchmarks/results/deadline_rush.json")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
