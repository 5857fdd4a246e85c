"""`mip migrate`: apply every service's migrations once, for a deploy job.

Services still apply their own at start, under the same advisory lock per schema, so a
migration job and a replica starting beside it never both apply a file; the job makes a
rollout's new schema ready before the first new replica needs it.
"""

from __future__ import annotations

import asyncio

from launcher.serve import SERVED
from mip.core.app import migrate
from mip.core.settings import Settings


async def migrate_all(settings: Settings) -> dict[str, list[int]]:
    """The versions applied now, per schema (empty where it was up to date)."""
    applied: dict[str, list[int]] = {}
    for served in SERVED.values():
        spec = served.spec()
        if spec is not None:
            applied[spec.schema] = await migrate(spec, settings)
    return applied


def main(settings: Settings) -> int:
    for schema, versions in asyncio.run(migrate_all(settings)).items():
        done = ", ".join(f"{v:04d}" for v in versions) if versions else "up to date"
        print(f"{schema:<14} {done}", flush=True)
    return 0
