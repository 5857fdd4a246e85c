"""The workflow engine's work for one round, read from Temporal's histories after the run:
per application workflow, the events, workflow tasks, activities, signals received and
sent, updates and bytes in its history, and the longest a workflow task of it waited for
a worker; all of it and up to its confirmation. The same for the round's workflow and its
placements' workflows. For comparing one version of the workflows with another.

    python -m benchmarks.engine_work --round ROUND_ID       # a round already run

"Up to confirmation" is the history up to and including its first ActivityTaskCompleted:
the application workflow's first activity is the confirmation's `send_email`. Placement
workflows are those started for the round (both phases, if a second round ran): as its
children of type PlacementWorkflow, or by the offers service with the round's RoundId.
One check rides along: how many placement workflows sent one application the `offer`
signal twice (should be none).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from functools import partial
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from benchmarks.common import Target, bounded, print_table, write_json
from mip.core import ids
from mip.core.temporal import connect
from workflows.search import APPLICATION_STATUS

CONCURRENCY = 16
# The figures given for each final status of the applications.
BY_STATUS = ("events", "workflow_tasks", "activities")
_WORKFLOW_TASK_FAILED = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}


@dataclass
class Counts:
    """What one history holds."""

    events: int = 0
    workflow_tasks: int = 0  # completed
    workflow_task_failures: int = 0  # failed or timed out
    activities: int = 0  # scheduled
    signals_received: int = 0
    signals_sent: int = 0  # to other workflows
    updates: int = 0  # accepted
    history_kib: float = 0.0
    # The longest a workflow task waited for a worker (scheduled to started): the queue.
    workflow_task_wait_max_s: float = 0.0


def count(events: Sequence[HistoryEvent]) -> Counts:
    found = Counts(events=len(events))
    scheduled_ns = 0
    for event in events:
        kind = event.event_type
        found.history_kib += event.ByteSize() / 1024
        if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            scheduled_ns = event.event_time.ToNanoseconds()
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED and scheduled_ns:
            wait_s = (event.event_time.ToNanoseconds() - scheduled_ns) / 1e9
            found.workflow_task_wait_max_s = max(found.workflow_task_wait_max_s, wait_s)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            found.workflow_tasks += 1
        elif kind in _WORKFLOW_TASK_FAILED:
            found.workflow_task_failures += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            found.activities += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            found.signals_received += 1
        elif kind == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
            found.signals_sent += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            found.updates += 1
    return found


def up_to_confirmation(events: Sequence[HistoryEvent]) -> Sequence[HistoryEvent]:
    """The history up to and including its first completed activity (the confirmation)."""
    for n, event in enumerate(events):
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            return events[: n + 1]
    return events


def mean_max(counts: Sequence[Counts]) -> dict[str, Any]:
    """Each figure's mean and max over `counts`, and how many there were."""
    summary: dict[str, Any] = {"count": len(counts)}
    for f in fields(Counts):
        values = [float(getattr(c, f.name)) for c in counts]
        summary[f.name] = {
            "mean": round(statistics.fmean(values), 1) if values else None,
            "max": round(max(values), 1) if values else None,
        }
    return summary


def _means(counts: Sequence[Counts]) -> dict[str, Any]:
    """The count of histories and their mean events, workflow tasks and activities."""
    summary = mean_max(counts)
    means = {f"{name}_mean": summary[name]["mean"] for name in BY_STATUS}
    return {"count": len(counts), **means}


def _one(counts: Counts) -> dict[str, Any]:
    return asdict(counts) | {
        "history_kib": round(counts.history_kib, 1),
        "workflow_task_wait_max_s": round(counts.workflow_task_wait_max_s, 1),
    }


async def _history(client: Client, workflow_id: str) -> list[HistoryEvent]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return list(history.events)


async def _applications(client: Client, round_id: str) -> dict[str, str]:
    """Each application workflow of the round, with its ApplicationStatus."""
    found: dict[str, str] = {}
    async for wf in client.list_workflows(f"RoundId = '{round_id}'"):
        if ids.application.of(wf.id) is not None:
            found[wf.id] = str(wf.typed_search_attributes.get(APPLICATION_STATUS) or "unknown")
    return found


def _placement_children(events: Sequence[HistoryEvent]) -> list[str]:
    """The round's placement workflows, where it started them as its children."""
    started = EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
    return [
        e.start_child_workflow_execution_initiated_event_attributes.workflow_id
        for e in events
        if e.event_type == started
        and e.start_child_workflow_execution_initiated_event_attributes.workflow_type.name
        == "PlacementWorkflow"
    ]


async def _placements(client: Client, round_id: str, events: Sequence[HistoryEvent]) -> list[str]:
    """The round's placement workflows: its children, or those the offers service started
    for it (with the round's RoundId)."""
    query = f"WorkflowType = 'PlacementWorkflow' AND RoundId = '{round_id}'"
    started = [wf.id async for wf in client.list_workflows(query)]
    return sorted(set(_placement_children(events)) | set(started))


def offered_twice(events: Sequence[HistoryEvent]) -> list[str]:
    """The workflows a placement's history sends the `offer` signal more than once: each
    should be offered its place once."""
    sent = EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
    offers = Counter(
        e.signal_external_workflow_execution_initiated_event_attributes.workflow_execution.workflow_id
        for e in events
        if e.event_type == sent
        and e.signal_external_workflow_execution_initiated_event_attributes.signal_name == "offer"
    )
    return [workflow_id for workflow_id, n in offers.items() if n > 1]


async def engine_work(client: Client, round_id: str) -> dict[str, Any]:
    """The engine's work for the round: applications (all, by final status, up to their
    confirmation), the round workflow, and its placement workflows."""
    applications = await _applications(client, round_id)
    histories = await bounded(CONCURRENCY, [partial(_history, client, wf) for wf in applications])
    whole = [count(h) for h in histories]
    by_status: dict[str, list[Counts]] = defaultdict(list)
    for status, counts in zip(applications.values(), whole, strict=True):
        by_status[status].append(counts)
    round_events = await _history(client, ids.round_(round_id))
    placements = await _placements(client, round_id, round_events)
    placement_histories = await bounded(
        CONCURRENCY, [partial(_history, client, wf) for wf in placements]
    )
    return {
        "applications": mean_max(whole),
        "applications_to_confirmation": mean_max([count(up_to_confirmation(h)) for h in histories]),
        "applications_by_status": {
            status: _means(counts) for status, counts in sorted(by_status.items())
        },
        "round": _one(count(round_events)),
        "placements": mean_max([count(h) for h in placement_histories]),
        "placements_offering_one_application_twice": sum(
            bool(offered_twice(h)) for h in placement_histories
        ),
    }


def table_rows(work: dict[str, Any]) -> list[tuple[str, Any]]:
    """The figures as table rows: "mean / max" for each figure of a group."""
    rows: list[tuple[str, Any]] = []
    for group in ("applications", "applications_to_confirmation", "placements"):
        summary = work[group]
        rows.append((f"{group} (workflows)", summary["count"]))
        for name, value in summary.items():
            if name != "count":
                rows.append((f"  {name} mean / max", f"{value['mean']} / {value['max']}"))
    for status, figures in work["applications_by_status"].items():
        rows.append((f"applications {status}", figures))
    rows.append(("round workflow", work["round"]))
    twice = work["placements_offering_one_application_twice"]
    rows.append(("placements offering one application twice", twice))
    return rows


async def main(args: argparse.Namespace) -> None:
    client = await connect(Target().settings)
    work = await engine_work(client, args.round)
    print_table(f"Engine work for round {args.round}", table_rows(work))
    if args.out:
        write_json(Path(args.out), {"round_id": args.round, "engine_work": work})


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--round", required=True, help="the round's id")
    parser.add_argument("--out", default=None, help="also write the figures to this JSON file")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
