"""ErasureWorkflow: one person erased from MIP at their request (issue 23 item 4).

    running applications --erase--> ended as a withdrawal would (the place passes on)
    then each service erases its rows: offers, expenses, notifications, applications

Started by the office through the applications service as `erasure-<ApplicantKey>`: the
id names the person only by the keyed hash, and a second request for them is this same
workflow. Each step is idempotent (a service's erasure of rows already gone removes
nothing), so a retried activity, a replay after a worker restart, or the whole workflow
run again, ends in the same place. The applications service goes last: until then it can
still say which applications were theirs.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from mip.core import ids
    from mip.core.erasure import Erased, ErasureOutcome, ErasureRequest, PersonApplications
    from services.applications.contract import APPLICATIONS_OF_PERSON, ERASE_APPLICANT
    from services.expenses.contract import ERASE_INTERN
    from services.notifications.contract import ERASE_MESSAGES
    from services.offers.contract import ERASE_SELECTION

# Read only when a signal is sent: the application workflow's module imports this one.
from workflows import application as application_workflow
from workflows.calls import call
from workflows.messages import ErasureNotice
from workflows.queues import APPLICATIONS, EXPENSES, NOTIFICATIONS, OFFERS
from workflows.signals import signal_quietly

# A person's rows in one transaction each: longer than a read-model write may take.
ACTIVITY_TIMEOUT = timedelta(seconds=60)
# How long to wait for the applications to answer before asking the service which of
# them still run: one may have closed on its own between the two.
PATIENCE = timedelta(seconds=30)
# Each service's erasure, in order; the applications service's comes last.
SERVICES = (
    (OFFERS, ERASE_SELECTION),
    (EXPENSES, ERASE_INTERN),
    (NOTIFICATIONS, ERASE_MESSAGES),
    (APPLICATIONS, ERASE_APPLICANT),
)


class ErasureInput(BaseModel):
    email: str
    # What a kept record (a paid claim) calls the person: the keyed hash of the address.
    pseudonym: str


@workflow.defn
class ErasureWorkflow:
    def __init__(self) -> None:
        self._ended: set[str] = set()
        self._waiting: set[str] = set()

    @workflow.run
    async def run(self, request: ErasureInput) -> ErasureOutcome:
        theirs = await self._applications(request.email)
        await self._end(request.email, theirs.running)
        erasing = ErasureRequest(
            email=request.email, pseudonym=request.pseudonym, application_ids=theirs.all
        )
        answers = [
            await call(
                queue, activity, erasing, result_type=Erased, start_to_close=ACTIVITY_TIMEOUT
            )
            for queue, activity in SERVICES
        ]
        workflow.set_current_details("erased")
        return ErasureOutcome(ended=theirs.running, services=answers)

    @workflow.signal
    def application_ended(self, application_id: str) -> None:
        self._ended.add(application_id)

    async def _applications(self, email: str) -> PersonApplications:
        found: PersonApplications = await call(
            APPLICATIONS, APPLICATIONS_OF_PERSON, email, result_type=PersonApplications
        )
        return found

    async def _end(self, email: str, running: list[str]) -> None:
        """Ask each running application to end and wait for its answer. One that has
        closed (or closes before it reads the request) never answers: after a while the
        service's table, which each workflow writes before answering, says it has ended."""
        self._waiting = set(running)
        notice = ErasureNotice(erasure_workflow_id=workflow.info().workflow_id)
        while self._waiting - self._ended:
            workflow.set_current_details(f"ending {len(self._waiting)} application(s)")
            for application_id in sorted(self._waiting - self._ended):
                delivered = await signal_quietly(
                    ids.application(application_id),
                    application_workflow.ApplicationWorkflow.erase,
                    notice,
                )
                if not delivered:
                    self._ended.add(application_id)
            try:
                await workflow.wait_condition(
                    lambda: self._waiting <= self._ended, timeout=PATIENCE
                )
            except TimeoutError:
                still = await self._applications(email)
                self._waiting = set(still.running)
