"""What the office sends to set a round up, and what anyone with a token reads back."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, EmailStr, Field, StringConstraints

from mip.core.bounds import Day
from mip.core.links import WebLinksOnly
from mip.core.text import OneLine
from services.applications.catalogue.rules import PlacementWeek, RoundClock

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


class RoundIn(BaseModel):
    name: Text = Field(examples=["Micro-internships, first round 2019"])
    weeks: list[PlacementWeek] = Field(min_length=1)
    advertising_date: Day = Field(examples=["2019-03-13"])
    deadline_date: Day = Field(examples=["2019-04-01"], description="Applications close at midday")
    outcomes_by_date: Day = Field(examples=["2019-04-25"])
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
        "programme's calendar, so a whole round can run in minutes",
    )


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


class RoundDates(BaseModel):
    clock: RoundClock
