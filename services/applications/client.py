"""The typed client other services (and `mip dev --demo`) use to call the applications service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote
from uuid import UUID

from mip.core.http import Download, ServiceClient

# Published with the client (the portal imports them from here): explicit re-exports.
from services.applications.applicants.schemas import ContractType as ContractType
from services.applications.applicants.schemas import Division as Division
from services.applications.applicants.schemas import Eligibility as Eligibility
from services.applications.applicants.schemas import EqualOpportunitiesIn as EqualOpportunitiesIn
from services.applications.applicants.schemas import (
    EqualOpportunitiesTotals as EqualOpportunitiesTotals,
)
from services.applications.applicants.schemas import Profile as Profile
from services.applications.applicants.schemas import ProfileIn as ProfileIn
from services.applications.applicants.schemas import StaffRole as StaffRole
from services.applications.contract import Application as Application
from services.applications.contract import ApplicationsData as ApplicationsData
from services.applications.contract import ErasureState as ErasureState
from services.applications.contract import Event as Event
from services.applications.contract import ForwardedApplication as ForwardedApplication
from services.applications.contract import Host as Host
from services.applications.contract import HostIn as HostIn
from services.applications.contract import Placement as Placement
from services.applications.contract import PlacementIn as PlacementIn
from services.applications.contract import RehearsalStep as RehearsalStep
from services.applications.contract import Round as Round
from services.applications.contract import RoundDatesIn as RoundDatesIn
from services.applications.contract import RoundIn as RoundIn
from services.applications.contract import RoundSettingsIn as RoundSettingsIn
from services.applications.contract import WelcomeSent as WelcomeSent
from services.applications.submissions.schemas import Limits as Limits
from services.applications.support.schemas import Booking as Booking
from services.applications.support.schemas import OfficeSlot as OfficeSlot
from services.applications.support.schemas import Slot as Slot
from services.applications.support.schemas import SlotChangeIn as SlotChangeIn
from services.applications.support.schemas import SlotsIn as SlotsIn


@dataclass(frozen=True)
class Upload:
    """A file as a person chose it: the service judges it by its content, not its name."""

    filename: str
    content: bytes


class ApplicationsClient(ServiceClient):
    async def create_host(self, host: HostIn) -> Host:
        return await self._post("/v1/hosts", Host, host)

    async def hosts(self) -> list[Host]:
        return await self._get("/v1/hosts", list[Host])

    async def hosts_with_contact(self, email: str) -> list[Host]:
        """Services only: the hosts whose registered contact is `email` (portal sign-in)."""
        return await self._get("/v1/hosts/by-contact", list[Host], email=email)

    # portal: public pages (portal-core)
    async def advertised_placements(
        self, *, week: date | None = None, sector: str | None = None
    ) -> list[Placement]:
        """What anyone may read (R3): placements of advertised, open rounds."""
        return await self._get("/v1/placements", list[Placement], week=week, sector=sector)

    async def my_placements(self) -> list[Placement]:
        """A host's own placements (the token's subject is the host's contact)."""
        return await self._get("/v1/host/placements", list[Placement])

    async def create_round(self, spec: RoundIn) -> Round:
        return await self._post("/v1/rounds", Round, spec)

    async def rounds(self) -> list[Round]:
        return await self._get("/v1/rounds", list[Round])

    async def create_placement(self, round_id: UUID, placement: PlacementIn) -> Placement:
        return await self._post(f"/v1/rounds/{round_id}/placements", Placement, placement)

    async def placement(self, placement_id: UUID) -> Placement:
        return await self._get(f"/v1/placements/{placement_id}", Placement)

    async def forwarded(self, placement_id: UUID) -> list[ForwardedApplication]:
        path = f"/v1/host/placements/{placement_id}/applications"
        return await self._get(path, list[ForwardedApplication])

    async def application_counts(self, round_id: UUID) -> dict[str, dict[str, int]]:
        path = f"/v1/rounds/{round_id}/application-counts"
        return await self._get(path, dict[str, dict[str, int]])

    async def application_by_reference(self, reference: str) -> Application:
        """Office: the application a quoted reference ("MIP-27A-0042") names."""
        path = f"/v1/applications/by-reference/{quote(reference, safe='')}"
        return await self._get(path, Application)

    async def application(self, application_id: UUID) -> Application:
        return await self._get(f"/v1/applications/{application_id}", Application)

    async def round(self, round_id: UUID) -> Round:
        return await self._get(f"/v1/rounds/{round_id}", Round)

    async def round_placements(self, round_id: UUID) -> list[Placement]:
        return await self._get(f"/v1/rounds/{round_id}/placements", list[Placement])

    # portal: host pages
    async def cv(self, application_id: UUID) -> Download:
        """The CV as the caller may read it: a host gets what hosts receive (R11)."""
        return await self._download(f"/v1/applications/{application_id}/cv")

    # subject access (issue 23): a person's own, the office's copy of anyone's
    async def my_data(self) -> ApplicationsData:
        return await self._get("/v1/me/data", ApplicationsData)

    async def data_of(self, email: str) -> ApplicationsData:
        """Office (and services): what is held about `email`."""
        return await self._get(f"/v1/office/people/{quote(email, safe='@')}/data", ApplicationsData)

    async def person_cv(self, email: str, application_id: UUID) -> Download:
        """A CV as sent, listed in the data above (`files`, `of` the application): to its
        applicant or the office, and not recorded as an opening."""
        return await self._download(f"/v1/people/{quote(email, safe='@')}/cvs/{application_id}")

    async def erase_person(self, email: str) -> ErasureState:
        """Office: erase `email` across MIP (issue 23 item 4), or join the erasure under way."""
        return await self._post(f"/v1/office/people/{quote(email, safe='@')}/erasure", ErasureState)

    # portal: office pages ---------------------------------------------------------------

    async def host(self, host_id: UUID) -> Host:
        return await self._get(f"/v1/hosts/{host_id}", Host)

    async def update_host(self, host_id: UUID, host: HostIn) -> Host:
        return await self._put(f"/v1/hosts/{host_id}", Host, host)

    async def welcome_host(self, host_id: UUID) -> WelcomeSent:
        """Office only: the welcome to the host's contact, sent again."""
        return await self._post(f"/v1/hosts/{host_id}/welcome", WelcomeSent)

    async def update_round(self, round_id: UUID, settings: RoundSettingsIn) -> Round:
        return await self._put(f"/v1/rounds/{round_id}", Round, settings)

    async def reschedule_round_dates(self, round_id: UUID, dates: RoundDatesIn) -> Round:
        return await self._put(f"/v1/rounds/{round_id}/dates", Round, dates)

    async def take_rehearsal_step(self, round_id: UUID, step: RehearsalStep) -> Round:
        """Office only, never in production: a rehearsal round's next step, now."""
        return await self._post(f"/v1/rounds/{round_id}/rehearsal/{step.value}", Round)

    async def update_placement(self, placement_id: UUID, placement: PlacementIn) -> Placement:
        return await self._put(f"/v1/placements/{placement_id}", Placement, placement)

    async def equal_opportunities_totals(
        self, round_id: UUID | None = None
    ) -> EqualOpportunitiesTotals:
        path = "/v1/office/equal-opportunities"
        return await self._get(path, EqualOpportunitiesTotals, round_id=round_id)

    async def office_support_slots(self) -> list[OfficeSlot]:
        """Office only: the support sessions not yet over, with who booked each (R29)."""
        return await self._get("/v1/office/support-slots", list[OfficeSlot])

    async def support_slot(self, slot_id: UUID) -> OfficeSlot:
        """Office only: one support session not cancelled, with who booked it."""
        return await self._get(f"/v1/support/slots/{slot_id}", OfficeSlot)

    async def publish_support_slots(self, slots: SlotsIn) -> list[Slot]:
        """Office only: 15-minute sessions at these times; a time already held keeps its
        session (the answer lists it as it is)."""
        return await self._post("/v1/support/slots", list[Slot], slots)

    async def change_support_slot(self, slot_id: UUID, change: SlotChangeIn) -> OfficeSlot:
        """Office only: whoever booked the session is emailed the change."""
        return await self._put(f"/v1/support/slots/{slot_id}", OfficeSlot, change)

    async def cancel_support_slot(self, slot_id: UUID) -> OfficeSlot:
        """Office only: the session as it was, with who had booked it (now emailed)."""
        return await self._delete(f"/v1/support/slots/{slot_id}", OfficeSlot)

    # portal: applicant pages

    async def my_profile(self) -> Profile:
        return await self._get("/v1/me/profile", Profile)

    async def save_profile(self, profile: ProfileIn) -> Profile:
        return await self._put("/v1/me/profile", Profile, profile)

    async def eligibility(self, placement_id: UUID | None = None) -> Eligibility:
        """R6-R8 for the signed-in applicant, against `placement_id`'s round if given."""
        return await self._get("/v1/me/eligibility", Eligibility, placement_id=placement_id)

    async def my_equal_opportunities(self) -> EqualOpportunitiesIn:
        return await self._get("/v1/me/equal-opportunities", EqualOpportunitiesIn)

    async def save_equal_opportunities(self, answers: EqualOpportunitiesIn) -> None:
        await self._send("PUT", "/v1/me/equal-opportunities", body=answers)

    async def limits(self) -> Limits:
        """How large a CV may be (R11): said on the form, checked before sending one."""
        return await self._get("/v1/limits", Limits)

    async def submit_application(
        self,
        placement_id: UUID,
        statement: str,
        cv: Upload,
        *,
        idempotency_key: str | None = None,
    ) -> Application:
        """R10-R14: the service checks the CV, the statement and the deadline."""
        return await self._call(
            "POST",
            "/v1/applications",
            Application,
            data={"placement_id": str(placement_id), "statement": statement},
            files={"cv": (cv.filename, cv.content, "application/octet-stream")},
            headers={"Idempotency-Key": idempotency_key} if idempotency_key else {},
        )

    async def my_applications(self) -> list[Application]:
        return await self._get("/v1/me/applications", list[Application])

    async def application_history(self, application_id: UUID) -> list[Event]:
        return await self._get(f"/v1/applications/{application_id}/history", list[Event])

    async def withdraw_application(self, application_id: UUID, reason: str = "") -> Application:
        path = f"/v1/applications/{application_id}/withdraw"
        return await self._post(path, Application, {"reason": reason})

    async def support_slots(self) -> list[Slot]:
        return await self._get("/v1/support/slots", list[Slot])

    async def book_support_slot(self, slot_id: UUID) -> Booking:
        return await self._post(f"/v1/support/slots/{slot_id}/booking", Booking)

    async def my_support_bookings(self) -> list[Booking]:
        return await self._get("/v1/support/bookings", list[Booking])

    async def cancel_support_booking(self, booking_id: UUID) -> None:
        await self._send("DELETE", f"/v1/support/bookings/{booking_id}")
