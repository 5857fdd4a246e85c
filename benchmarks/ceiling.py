"""The bare engine on the same servers: what MIP's rate is measured against."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from functools import partial

import asyncpg
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from benchmarks.common import bounded

QUEUE = "bench-bare"


@activity.defn(name="bench_noop")
async def noop(n: int) -> int:
    return n


@workflow.defn(sandboxed=False)
class BareWorkflow:
    """As many no-op activities as ApplicationWorkflow runs up to its confirmation: one."""

    @workflow.run
    async def run(self, n: int) -> int:
        result: int = await workflow.execute_activity(
            noop, n, start_to_close_timeout=timedelta(seconds=30)
        )
        return result


async def bare_workflows(client: Client, count: int, concurrency: int) -> float:
    """Workflows completed per second, from the first start to the last result."""
    run = uuid.uuid4().hex[:8]
    async with Worker(client, task_queue=QUEUE, workflows=[BareWorkflow], activities=[noop]):
        started = time.perf_counter()
        await bounded(
            concurrency,
            [
                partial(
                    client.execute_workflow,
                    BareWorkflow.run,
                    n,
                    id=f"bare-{run}-{n}",
                    task_queue=QUEUE,
                )
                for n in range(count)
            ],
        )
        return count / (time.perf_counter() - started)


async def bare_inserts(dsn: str, count: int, concurrency: int, cv: bytes) -> float:
    """Rows like an application and its CV, inserted per second through one pool."""
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=10)
    assert pool is not None
    try:
        await pool.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench (id uuid, statement text, cv bytea)"
        )
        await pool.execute("DROP TABLE IF EXISTS public.bench_rows")
        await pool.execute(
            "CREATE TABLE public.bench_rows (id uuid PRIMARY KEY, statement text,"
            " cv bytea, created_at timestamptz DEFAULT now())"
        )
        started = time.perf_counter()
        insert = partial(
            pool.execute, "INSERT INTO public.bench_rows (id, statement, cv) VALUES ($1, $2, $3)"
        )
        await bounded(
            concurrency,
            [
                partial(insert, uuid.uuid4(), "I would like to help. " * 40, cv)
                for _ in range(count)
            ],
        )
        rate = count / (time.perf_counter() - started)
        await pool.execute("DROP TABLE public.bench_rows")
        return rate
    finally:
        await pool.close()
