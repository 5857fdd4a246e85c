"""The custom search attributes operators filter workflows by in the Temporal UI (P1).

Search attributes are not payloads: the codec does not seal them and Temporal's
visibility store holds them in clear. So an applicant is found by `ApplicantKey`, a keyed
hash of their address (`Settings.applicant_key`), never by the address. `ApplicantEmail`
stays registered for applications started before it, whose replay still sets it.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

ROUND_ID = SearchAttributeKey.for_keyword("RoundId")
PLACEMENT_ID = SearchAttributeKey.for_keyword("PlacementId")
APPLICANT_EMAIL = SearchAttributeKey.for_keyword("ApplicantEmail")
APPLICANT_KEY = SearchAttributeKey.for_keyword("ApplicantKey")
APPLICATION_STATUS = SearchAttributeKey.for_keyword("ApplicationStatus")
CLAIM_STATUS = SearchAttributeKey.for_keyword("ClaimStatus")

ALL_KEYS = [
    ROUND_ID,
    PLACEMENT_ID,
    APPLICANT_EMAIL,
    APPLICANT_KEY,
    APPLICATION_STATUS,
    CLAIM_STATUS,
]


def dev_server_flags() -> list[str]:
    """`temporal server start-dev` arguments that register every key."""
    flags = []
    for key in ALL_KEYS:
        flags += ["--search-attribute", f"{key.name}=Keyword"]
    return flags
