"""The deadline rush against one workflow worker, then two, on the same servers in one run.

The stack's own worker serves the first rush alone; then a second worker process
(`mip worker`, as a deployment scales it) joins on the same task queue for an equal rush
on a fresh round; then it leaves and the one worker takes a third. Each rush is timed from
the first submission to the last confirmation at the SMTP server; the ratio is two
workers' end-to-end rate over the mean of the two one-worker rushes around it, so a
drift of the servers over the run (a growing database, a busy machine) cancels out.

    python -m benchmarks.worker_scaling                 # 600 submissions a rush
    python -m benchmarks.worker_scaling --applicants 150 --per-applicant 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import Retries, Target, print_table, two_page_cv, write_json
from benchmarks.deadline_rush import _confirmations, _rush
from benchmarks.setup_round import create_round

HEALTH_PORT = 18_990


@asynccontextmanager
async def second_worker(target: Target) -> AsyncIterator[None]:
    """`mip worker` beside the stack's own, on the same Temporal and task queue."""
    env = {**os.environ, "TEMPORAL_ADDRESS": target.temporal, "MIP_PORT": str(HEALTH_PORT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "launcher.cli", "worker", env=env
    )
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(120):
                try:
                    if (await http.get(f"http://127.0.0.1:{HEALTH_PORT}/healthz")).is_success:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.5)
            else:
                raise RuntimeError("the second worker did not become healthy in 60 s")
        yield
    finally:
        process.terminate()
        await process.wait()


async def one_rush(target: Target, args: argparse.Namespace, cv: bytes) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        rnd = await create_round(
            target, http, placements=args.placements, applicants=args.applicants
        )
        since_ns = time.time_ns()
        retries = Retries()
        results, rush_s = await _rush(
            target, http, rnd, args.per_applicant, args.clients, cv, None, retries
        )
    accepted = sum(1 for _, r in results if r.status_code == 201)
    wanted = set(rnd.applicants)
    seen, mail_s = await _confirmations(target, since_ns, wanted, accepted, args.mail_timeout)
    confirmations = [r for r in seen.values() if r.kind == "confirmation" and r.to in wanted]
    return {
        "accepted": accepted,
        "transport_retries": retries.count,
        "confirmations": len(confirmations),
        "doubled": len(confirmations) - len({r.message_id for r in confirmations}),
        "seconds_until_last_confirmation": round(rush_s + mail_s, 2),
        "end_to_end_per_second": round(accepted / (rush_s + mail_s), 2),
    }


async def main(args: argparse.Namespace) -> None:
    target, cv = Target(), two_page_cv()
    n = args.applicants * args.per_applicant
    print(f"rush 1: {n} submissions, the stack's one worker ...")
    one = await one_rush(target, args, cv)
    print(f"rush 2: {n} submissions, a second worker beside it ...")
    async with second_worker(target):
        two = await one_rush(target, args, cv)
    print(f"rush 3: {n} submissions, the one worker again ...")
    one_again = await one_rush(target, args, cv)
    one_rate = (one["end_to_end_per_second"] + one_again["end_to_end_per_second"]) / 2
    figures: dict[str, Any] = {
        "submissions_per_rush": n,
        "one_worker": one,
        "two_workers": two,
        "one_worker_again": one_again,
        "ratio_two_to_one": round(two["end_to_end_per_second"] / one_rate, 2),
    }
    print_table("Deadline rush: workers", [(k, v) for k, v in figures.items()])
    write_json(Path(args.out), figures)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--per-applicant", type=int, default=2)
    parser.add_argument("--placements", type=int, default=40)
    parser.add_argument("--clients", type=int, default=64, help="concurrent HTTP clients")
    parser.add_argument("--mail-timeout", type=float, default=900)
    parser.add_argument("--out", default="benchmarks/results/worker_scaling.json")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
