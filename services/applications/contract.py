"""What the applications service publishes to the others: the bodies its client sends and
returns, and the facts about hosts other services' rules read.

Another service imports only this module and `client.py`, never a feature package: the
applications service may reshape its internals as long as these names keep their meaning.
The feature packages' schemas take these types from here, so this is where they are
defined; the calendar types carry their own invariants (R2, R3), since a round sent or
read anywhere obeys them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, EmailStr, Field, StringConstraints, model_validator

from mip.core.access import HeldFile, Row
from mip.core.bounds import Day, Moment
from mip.core.erasure import ErasureOutcome, Kept
from mip.core.links import WebLinksOnly
from mip.core.text import OneLine


class PlacementWeek(BaseModel):
    """A Monday-to-Friday week in which placements take place (R2)."""

    starts_on: Day
    ends_on: Day

    @model_validator(mode="after")
    def _monday_to_friday(self) -> PlacementWeek:
        if self.starts_on.weekday() != 0:
            raise ValueError(f"a placement week starts on a Monday; {self.starts_on} is not one")
        if self.ends_on != self.starts_on + timedelta(days=4):
            raise ValueError(f"the week starting {self.starts_on} ends on the Friday after it")
        return self


class RoundClock(BaseModel):
    """The instants a round's life turns on, in order (R3, R4)."""

    advertise_at: Moment
    deadline_at: Moment
    outcomes_at: Moment
    second_round_opens_at: Moment | None = None
    second_round_deadline_at: Moment | None = None

    @model_validator(mode="after")
    def _aware_and_ordered(self) -> RoundClock:
        # The second round may open before the outcomes-by date (2019: 23 April vs 25 April).
        first = [
            ("advertising", self.advertise_at),
            ("deadline", self.deadline_at),
            ("outcomes-by", self.outcomes_at),
        ]
        second = [
            ("deadline", self.deadline_at),
            ("second-round opening", self.second_round_opens_at),
            ("second-round deadline", self.second_round_deadline_at),
        ]
        for name, instant in first + second[1:]:
            if instant is not None and instant.tzinfo is None:
                raise ValueError(f"the {name} time needs a time zone")
        if (self.second_round_opens_at is None) != (self.second_round_deadline_at is None):
            raise ValueError("a second round needs both an opening and a deadline")
        for sequence in (first, second):
            for (earlier, a), (later, b) in pairwise(sequence):
                if a is not None and b is not None and not a < b:
                    raise ValueError(f"the {earlier} time must come before the {later} time")
        return self

    @property
    def closes_at(self) -> datetime:
        """When the round's last application can arrive: the second round's deadline, if
        any. Not a placement's deadline: `window` says which deadline a placement has."""
        return self.second_round_deadline_at or self.deadline_at

    def in_second_round(self, now: datetime) -> bool:
        opens = self.second_round_opens_at
        return opens is not None and now >= opens

    def window(self, now: datetime, *, readvertised: bool) -> Window:
        """Where a placement stands at `now` (R4, R14): open in the first round until its
        deadline; open in the second only while that round runs, and only if the placement
        was re-advertised in it; closed otherwise. Advertising (R3) is the caller's check."""
        opens, closes = self.second_round_opens_at, self.second_round_deadline_at
        if now < self.deadline_at:
            return Window(phase="first", open=True, deadline=self.deadline_at)
        if readvertised and opens is not None and closes is not None:
            if opens <= now < closes:
                return Window(phase="second", open=True, deadline=closes)
            if now >= closes:
                return Window(phase="second", open=False, deadline=closes)
            return Window(phase="first", open=False, deadline=self.deadline_at, reopens_at=opens)
        return Window(phase="first", open=False, deadline=self.deadline_at)


@dataclass(frozen=True)
class Window:
    """A placement's applications at one instant (`RoundClock.window`): the round
    ("first" or "second") it is open in, or whose deadline closed it; that deadline; and,
    while closed, when a second round re-advertising it opens, if one is still to come."""

    phase: str
    open: bool
    deadline: datetime
    reopens_at: datetime | None = None


# Names, titles, sectors: one line each, since they head e-mails and lists.
Text = Annotated[OneLine, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
# Office text that applicants read, in e-mails too: any link in it is http(s).
MailedText = Annotated[LongText, WebLinksOnly]


class HostKind(StrEnum):
    for_profit = "for_profit"
    non_profit = "non_profit"
    college_or_department = "college_or_department"


class Location(StrEnum):
    oxford = "oxford"
    oxfordshire = "oxfordshire"
    london = "london"
    elsewhere = "elsewhere"


class Mode(StrEnum):
    in_person = "in_person"
    remote = "remote"


class HostIn(BaseModel):
    name: Text
    sector: Text = Field(examples=["Museums and heritage"])
    kind: HostKind
    location: Location
    contact_name: Text
    contact_email: EmailStr


class Host(BaseModel):
    # What was stored is shown as it is: the input's rules are for what comes in.
    name: str
    sector: str
    kind: HostKind
    location: Location
    contact_name: str
    contact_email: str
    id: UUID
    created_at: datetime


class WelcomeSent(BaseModel):
    """A welcome on its way to a host's contact: `to` is the address it goes to."""

    to: str
    workflow_id: str
    idempotency_key: str


class RoundIn(BaseModel):
    name: Text = Field(examples=["Micro-internships, first round 2019"])
    weeks: list[PlacementWeek] = Field(min_length=1)
    # The programme's calendar; a rehearsal `clock` stands in for it, so they may be left out.
    advertising_date: Day | None = Field(default=None, examples=["2019-03-13"])
    deadline_date: Day | None = Field(
        default=None, examples=["2019-04-01"], description="Applications close at midday"
    )
    outcomes_by_date: Day | None = Field(default=None, examples=["2019-04-25"])
    second_round_opens_on: Day | None = Field(default=None, examples=["2019-04-23"])
    second_round_closes_on: Day | None = Field(default=None, examples=["2019-04-29"])
    acceptance_window_hours: int = Field(default=48, ge=1, le=24 * 14)
    applications_per_applicant: int = Field(default=2, ge=1, le=10)
    second_round_applications_per_applicant: int = Field(default=1, ge=1, le=10)
    statement_word_limit: int = Field(default=300, ge=50, le=2000)
    cv_page_limit: int = Field(default=2, ge=1, le=20)
    acceptance_window_seconds: int | None = Field(
        default=None,
        ge=1,
        description="Rehearsal only (refused in production): the window "
        "in seconds, so that offers can lapse within a test",
    )
    clock: RoundClock | None = Field(
        default=None,
        description="Rehearsal only (refused in production): exact instants instead of the "
        "programme's calendar, so a whole round can run in minutes; the dates may then be "
        "left out",
    )

    @model_validator(mode="after")
    def _dates_or_a_clock(self) -> RoundIn:
        if self.clock is None:  # a rehearsal's clock stands in for the dates
            missing = [
                name
                for name in ("advertising_date", "deadline_date", "outcomes_by_date")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(
                    f"give the round's {', '.join(missing)}, or a rehearsal clock instead"
                )
        return self


class Round(BaseModel):
    id: UUID
    name: str
    weeks: list[PlacementWeek]
    clock: RoundClock
    acceptance_window_hours: int
    acceptance_window_seconds: int | None = None
    applications_per_applicant: int
    second_round_applications_per_applicant: int
    statement_word_limit: int
    cv_page_limit: int
    created_at: datetime
    rehearsal: bool = Field(
        default=False,
        description="made with a rehearsal clock (never in production): not a real round",
    )


class PlacementIn(BaseModel):
    host_id: UUID
    title: Text
    description: MailedText
    week_starts_on: Day
    days: list[Day] = Field(min_length=1, max_length=7)
    places: int = Field(default=1, ge=1, le=50)
    mode: Mode = Mode.in_person
    preparation: MailedText = ""


class Placement(BaseModel):
    id: UUID
    round_id: UUID
    host: Host
    title: str
    description: str
    week_starts_on: date
    days: list[date]
    places: int
    mode: Mode
    preparation: str
    readvertised: bool = False
    created_at: datetime
    rehearsal: bool = Field(
        default=False, description="its round is a rehearsal: not a real placement"
    )


class CvSummary(BaseModel):
    format: str
    size_bytes: int
    pages: int | None
    hosts_receive_pages: int | None = Field(description="a longer PDF reaches hosts cut (R11)")


class Event(BaseModel):
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str


def reference(round_code: str, number: int) -> str:
    """What people read for an application: "MIP-27A-0042", the 42nd of round 27A."""
    return f"MIP-{round_code}-{number:04d}"


# How people type a reference: any case, spaces or none around the hyphens.
REFERENCE = re.compile(
    r"^\s*MIP\s*-\s*(?P<code>\d{2}[A-Z0-9]+)\s*-\s*(?P<number>\d{1,9})\s*$", re.I
)


def parse_reference(text: str) -> tuple[str, int] | None:
    """ "mip-27a-42" -> ("27A", 42); None if it is not a reference."""
    found = REFERENCE.match(text)
    return (found["code"].upper(), int(found["number"])) if found else None


class Application(BaseModel):
    id: UUID
    reference: str = Field(description='what people read for it, e.g. "MIP-27A-0042"')
    workflow_id: str
    round_id: UUID
    placement_id: UUID
    placement_title: str
    host_name: str
    applicant_email: str
    applicant_name: str
    phase: str
    status: str
    submitted_at: datetime
    statement_words: int
    statement_word_limit: int
    statement_cut: bool
    cv: CvSummary
    warnings: list[str]
    history: list[Event] = Field(default_factory=list)
    rehearsal: bool = Field(default=False, description="made in a rehearsal round")


class ForwardedApplication(BaseModel):
    id: UUID
    applicant_name: str
    applicant_email: str
    status: str
    statement: str
    cv_url: str
    cv_format: str
    submitted_at: datetime


# portal: office pages -------------------------------------------------------------------
# What the office sends to change a round once it exists. The name and the acceptance window
# are not here: the round's workflow holds them from the day it starts.


class RoundSettingsIn(BaseModel):
    """A round's weeks and limits, changed only while no application has been made (R2)."""

    weeks: list[PlacementWeek] = Field(min_length=1)
    applications_per_applicant: int = Field(default=2, ge=1, le=10)
    second_round_applications_per_applicant: int = Field(default=1, ge=1, le=10)
    statement_word_limit: int = Field(default=300, ge=50, le=2000)
    cv_page_limit: int = Field(default=2, ge=1, le=20)


class RehearsalStep(StrEnum):
    """A rehearsal round's next steps, each taken now rather than at its time (R3, R4, R16,
    R18): the date it falls on moves to this moment and the round's workflow follows."""

    close_applications = "close_applications"
    send_outcomes = "send_outcomes"
    open_second_round = "open_second_round"
    close_second_round = "close_second_round"


class RoundDatesIn(BaseModel):
    """A round's dates as the programme's calendar has them (R3): advertised from midnight,
    deadlines at midday, outcomes by 09:00, all London time. A date left as it was keeps
    its exact instant, so a rehearsal round's passed times are not moved by a resave."""

    advertising_date: Day
    deadline_date: Day
    outcomes_by_date: Day
    second_round_opens_on: Day | None = None
    second_round_closes_on: Day | None = None


# --- What workflows ask of the applications service on its queue: activity names and
# their payloads (imported by workflows, inside `imports_passed_through`).
RECORD_STATUS = "record_application_status"
OPEN_APPLICATIONS_OF = "open_applications_of"
FORWARDING_SNAPSHOT = "forwarding_snapshot"
# A placement's applications forwarded in one step (issue 24): each workflow told, then the
# read model moved, for all of them at once; answers how many moved now.
FORWARD_PLACEMENT = "forward_placement"
# The same in two steps, so that the host's digest waits on neither the workflows nor the
# engine's backlog: every workflow started and the read model moved (how many moved now),
# then, beside the digest, each workflow told (how many were there to tell).
MARK_FORWARDED = "mark_placement_forwarded"
TELL_FORWARDED = "tell_placement_forwarded"
# The same for every placement of a round at once (rounds since issue 24): one activity of
# the round's each, where one per placement had them all wait on the round's history.
MARK_ROUND_FORWARDED = "mark_round_forwarded"
TELL_ROUND_FORWARDED = "tell_round_forwarded"
MARK_READVERTISED = "mark_readvertised"
# Erasure on request (issue 23 item 4): the person's applications, then their rows.
APPLICATIONS_OF_PERSON = "applications_of_person"
ERASE_APPLICANT = "erase_applicant"


# The round's RetentionWorkflow (docs/privacy.md) asks for the dates its schedule counts
# from, then for each erasure; every erasure may run again and erases nothing twice.
RETENTION_PLAN = "retention_plan"
ERASE_UNPLACED = "erase_unplaced_applications"
ERASE_PLACEMENT_WEEK = "erase_placement_week"
KEEP_EQUAL_OPPORTUNITIES_TOTALS = "keep_equal_opportunities_totals"
ANONYMISE_ROUND = "anonymise_round_applications"


class RetentionWeek(BaseModel):
    """A week the round's placements fall in: its last day (a Friday), and they."""

    ends_on: date
    placement_ids: list[str]


class RetentionPlan(BaseModel):
    """A round's dates as they stand now: its outcomes-by date, its last deadline and the
    weeks its placements fall in."""

    round_id: str
    outcomes_at: datetime
    last_deadline_at: datetime
    weeks: list[RetentionWeek]


class WeekErasure(BaseModel):
    round_id: str
    week_ends_on: date


# The deployment's HousekeepingWorkflow (docs/privacy.md): every round's dates, for the
# e-mails no round's schedule erases (those made after its last date), and support
# sessions over and their bookings, each erasure with a `mip.core.housekeeping.Cutoff`.
ROUND_DATES = "round_dates"
ERASE_SUPPORT_SESSIONS = "erase_support_sessions"


class RoundDates(BaseModel):
    """The dates a round's RetentionWorkflow erases its e-mails from: its outcomes-by date
    and the last day of its last placement week (None: no placement)."""

    round_id: str
    outcomes_at: datetime
    last_week_ends_on: date | None


class ApplicationStatus(StrEnum):
    submitted = "submitted"
    withdrawn = "withdrawn"
    forwarded = "forwarded"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    lapsed = "lapsed"
    introduced = "introduced"
    not_successful = "not_successful"
    withdrawn_after_acceptance = "withdrawn_after_acceptance"


class PlacementFacts(BaseModel):
    title: str
    host_name: str
    host_contact_name: str
    host_contact_email: str
    week_starts_on: date
    days: list[date]
    mode: str
    preparation: str
    location: str


class StatusChange(BaseModel):
    application_id: str
    status: ApplicationStatus
    actor: str
    reason: str


class OpenApplicationsQuery(BaseModel):
    round_id: str
    applicant_email: str
    except_application_id: str


class Candidate(BaseModel):
    application_id: str
    applicant_name: str
    applicant_email: str


class PlacementSnapshot(BaseModel):
    placement_id: str
    facts: PlacementFacts
    places: int
    candidates: list[Candidate]
    # Every place of the placement, whichever round offers it; None in older snapshots.
    capacity: int | None = None


class Forwarding(BaseModel):
    round_id: str
    placement_id: str
    application_ids: list[str]


class SnapshotQuery(BaseModel):
    round_id: str
    phase: Literal["first", "second"]


class RoundSnapshot(BaseModel):
    round_id: str
    round_name: str
    placements: list[PlacementSnapshot]


# What applicants saw stays as they saw it (R1-R3, R16) ----------------------------------
# The rule the service applies when the office changes a placement, or a round's weeks and
# limits; published so that the office's pages say it before a form is filled in in vain.


class Frozen(StrEnum):
    """Why a placement (or a round's weeks and limits) can no longer change."""

    closed = "closed"  # the round's deadline has passed: its applications went to the hosts
    applied = "applied"  # someone has applied: they applied for it as it was


def why_frozen(clock: RoundClock, applications: int, now: datetime) -> Frozen | None:
    """None while the round's deadline is to come and nobody has applied; else why not.
    The deadline comes first: once it has passed, nothing changes, applied for or not."""
    if clock.deadline_at <= now:
        return Frozen.closed
    if applications:
        return Frozen.applied
    return None


class ApplicationsData(BaseModel):
    """Everything the applications service holds about one person (issue 23, subject
    access), found by their address: as an applicant, and as a host's contact. Nothing of
    anyone else: a host's record lists the host, not the people who applied to it; who
    opened a CV names a host by its organisation, the office as the office."""

    email: str
    profile: list[Row]
    equal_opportunities: list[Row]
    applications: list[Row]
    application_events: list[Row]
    cvs: list[Row]
    cv_openings: list[Row]
    support_bookings: list[Row]
    hosts: list[Row]
    files: list[HeldFile]


class ErasureState(BaseModel):
    """An erasure on request (issue 23 item 4), as the office's page shows it: `outcome`
    once the workflow has finished, None while it is still ending applications."""

    workflow_id: str
    finished: bool
    outcome: ErasureOutcome | None = None


# What erasure keeps of a host's contact, and why: the page says so before and after.
HOSTS_KEPT = Kept(
    what="the hosts this address is the contact for",
    why="a host's contact belongs to the host organisation; change it on the host's page",
)
