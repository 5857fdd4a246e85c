"""Reading the ranking form (R17, P2): each candidate gets a place in the ranking or none;
the ranking is the candidates by place, and whoever has none is left out and will hear
"not successful" (R18)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from services.offers.client import Candidate
from services.portal.forms import FormErrors
from services.portal.reading import Form

NOT_RANKED = ""


def field_of(candidate: Candidate) -> str:
    """The form field (and element id) of a candidate's place."""
    return f"rank-{candidate.id}"


@dataclass(frozen=True)
class Ranking:
    ranked: list[Candidate]  # best first
    left_out: list[Candidate]


def read_ranking(candidates: Sequence[Candidate], form: Form) -> tuple[Ranking | None, FormErrors]:
    """The ranking the form gives, or the errors to show beside its fields."""
    errors = form.errors
    places: dict[UUID, int] = {}
    taken: dict[int, str] = {}
    for candidate in candidates:
        typed = form.get(field_of(candidate))
        if typed == NOT_RANKED:
            continue
        if not typed.isdigit() or not 1 <= int(typed) <= len(candidates):
            errors.add(
                field_of(candidate),
                f"Choose a place from 1 to {len(candidates)} for "
                f"{candidate.applicant_name}, or leave them out",
            )
            continue
        place = int(typed)
        if place in taken:
            errors.add(
                field_of(candidate),
                f"{candidate.applicant_name} and {taken[place]} are both ranked {place}: "
                "give each candidate a different place",
            )
            continue
        taken[place] = candidate.applicant_name
        places[candidate.id] = place
    if not places and not errors and candidates:
        errors.add(field_of(candidates[0]), "Rank at least one candidate")
    if errors:
        return None, errors
    ranked = sorted((c for c in candidates if c.id in places), key=lambda c: places[c.id])
    left_out = [c for c in candidates if c.id not in places]
    return Ranking(ranked=ranked, left_out=left_out), errors
