"""Every state and value a contract publishes has its words on the pages that show it: a
new state added to a service fails here, not on a page that shows it as a raw name."""

from __future__ import annotations

import typing
from enum import StrEnum

import pytest
from pydantic import BaseModel

from services.applications.client import ContractType, Division, StaffRole
from services.applications.contract import ApplicationStatus, HostKind, Location, Mode
from services.expenses.contract import Category, ClaimState, ClaimStatus, TravelMode
from services.notifications.contract import EmailStatus, MessageKind
from services.offers.contract import MarkIn, OfferRecord
from services.portal.applicant import claim_lines, profile
from services.portal.applicant import words as applicant
from services.portal.host import words as host
from services.portal.office import labels as office
from services.portal.public import service as public


def _literal(model: type[BaseModel], field: str) -> set[str]:
    return set(typing.get_args(model.model_fields[field].annotation))


CLAIM_STATES = set(typing.get_args(ClaimState))
LABELLED: list[tuple[str, typing.Collection[str], set[typing.Any]]] = [
    ("applicant STATUS", applicant.STATUS, set(ApplicationStatus)),
    ("applicant CLAIM_STATUS", applicant.CLAIM_STATUS, CLAIM_STATES),
    # A host sees an application once it is forwarded, and a claim once it is sent.
    ("host APPLICATION", host.APPLICATION, set(ApplicationStatus) - {ApplicationStatus.submitted}),
    ("host CLAIM", host.CLAIM, set(ClaimStatus)),
    ("host EVENT", host.EVENT, CLAIM_STATES),
    ("host CATEGORY", host.CATEGORY, set(Category)),
    ("host MARKS", host.MARKS, _literal(MarkIn, "mark")),
    ("host OFFER", host.OFFER, _literal(OfferRecord, "status")),
    ("office APPLICATION_STATES", office.APPLICATION_STATES, set(ApplicationStatus)),
    ("office KINDS", office.KINDS, set(HostKind)),
    ("office LOCATIONS", office.LOCATIONS, set(Location)),
    ("office MODES", office.MODES, set(Mode)),
    ("office MESSAGE_KINDS", office.MESSAGE_KINDS, set(MessageKind)),
    ("office MESSAGE_STATES", office.MESSAGE_STATES, set(EmailStatus)),
    ("public KINDS", public.KINDS, set(HostKind)),
    ("public LOCATIONS", public.LOCATIONS, set(Location)),
    ("public MODES", public.MODES, set(Mode)),
    ("profile DIVISIONS", profile.DIVISIONS, set(Division)),
    ("profile ROLES", profile.ROLES, set(StaffRole)),
    ("profile CONTRACTS", profile.CONTRACTS, set(ContractType)),
    ("claim line MODES", claim_lines.MODES, set(TravelMode)),
]


@pytest.mark.parametrize(("name", "table", "values"), LABELLED, ids=[n for n, _, _ in LABELLED])
def test_every_value_of_the_contract_has_its_words(
    name: str, table: typing.Collection[str], values: set[typing.Any]
) -> None:
    assert set(table) == values


def test_the_tables_are_keyed_by_the_contracts_enums_not_copies_of_their_names() -> None:
    """An enum's member, not a string that happens to spell it: renaming a value in the
    contract breaks the import, not a page."""
    enums = [t for _, t, values in LABELLED if any(isinstance(v, StrEnum) for v in values)]
    assert all(isinstance(key, StrEnum) for t in enums for key in t if key != applicant.DRAFT)
