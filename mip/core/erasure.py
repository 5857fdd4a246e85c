"""What every service is asked and answers when one person is erased (issue 23 item 4).

Each service publishes its activity's name in its own contract; the payloads are the same
for all four, so they live here, below the services and the workflow that calls them."""

from __future__ import annotations

import secrets

from pydantic import BaseModel


class ErasureRequest(BaseModel):
    """Erase `email` (lower case, as every address is stored). `pseudonym` stands for the
    person in what the law makes MIP keep; `application_ids` are theirs, found before the
    applications service forgot them, for services that key rows by application."""

    email: str
    pseudonym: str
    application_ids: list[str] = []


class Kept(BaseModel):
    """Something kept on purpose, in the words the office's page shows."""

    what: str
    why: str


class Erased(BaseModel):
    """One service's answer: rows removed (deleted or anonymised) by table, and what it
    kept. Running the same request again removes nothing more and keeps the same."""

    service: str
    removed: dict[str, int] = {}
    kept: list[Kept] = []


class ErasureOutcome(BaseModel):
    """The whole erasure: which running applications were ended, each service's answer."""

    ended: list[str] = []
    services: list[Erased] = []

    @property
    def kept(self) -> list[Kept]:
        return [k for part in self.services for k in part.kept]


class PersonApplications(BaseModel):
    """A person's applications, and those of them whose workflow may still be running."""

    all: list[str]
    running: list[str]


# What an anonymised application's applicant is called, and the domain of the address
# that stands for them: `.invalid` is reserved (RFC 2606), so no e-mail can reach it.
ANONYMISED_NAME = "Anonymised applicant"
ANONYMISED_DOMAIN = "anonymised.invalid"


def anonymous_address() -> str:
    """A new address for one person in one anonymised round: random, so it links to no
    one, and the same for each of their applications in that round, so counts hold."""
    return f"anonymised-{secrets.token_hex(8)}@{ANONYMISED_DOMAIN}"
