"""What the host's forms read, before anything is sent (R17, R18, P2, P5): a ranking is
the candidates by the places given, a refusal needs its reason, and a payment is the
amount approved, in exact pence."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.expenses.client import Claim
from services.offers.client import Candidate
from services.portal.host.claim_steps import read_payment
from services.portal.host.claims import read_decision
from services.portal.host.ranks import field_of, read_ranking
from services.portal.reading import Form

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _candidate(name: str) -> Candidate:
    return Candidate(
        id=uuid.uuid4(),
        applicant_name=name,
        applicant_email=f"{name.lower()}@example.org",
        status="forwarded",
        statement="I would like to learn.",
        cv_url="/v1/applications/x/cv",
        cv_format="pdf",
        submitted_at=NOW,
        mark=None,
    )


def _claim(*owed: int, approved: int = 0) -> Claim:
    lines = [
        {
            "id": uuid.uuid4(),
            "category": "lunch",
            "spent_on": date(2026, 6, 1),
            "amount_pence": pence,
            "description": "Lunch",
            "allowed": True,
            "rule": "R24",
            "owed_pence": pence,
            "reason": "",
            "outside_days": False,
            "host_approved": None,
            "host_reason": "",
            "receipt_url": "/r",
        }
        for pence in owed
    ]
    return Claim.model_validate(
        {
            "id": uuid.uuid4(),
            "workflow_id": "expense-claim-x",
            "application_id": uuid.uuid4(),
            "placement_id": uuid.uuid4(),
            "placement_title": "Robot arms",
            "reference": "MIP-27A-0042-E1",
            "intern_email": "ada@example.org",
            "intern_name": "Ada Okafor",
            "host_name": "Isis Robotics",
            "status": "approved" if approved else "submitted",
            "claimed_pence": sum(owed),
            "owed_pence": sum(owed),
            "approved_pence": approved,
            "lines": lines,
            "history": [],
            "created_at": NOW,
            "submitted_at": NOW,
            "paid_at": None,
        }
    )


def test_r17_p2_the_ranking_is_the_candidates_by_place_and_the_rest_are_left_out() -> None:
    ada, bob, cy = (_candidate(n) for n in ("Ada", "Bob", "Cy"))
    form = {field_of(ada): "2", field_of(bob): "", field_of(cy): "1"}
    ranking, errors = read_ranking([ada, bob, cy], Form(form))
    assert not errors
    assert ranking is not None
    assert [c.applicant_name for c in ranking.ranked] == ["Cy", "Ada"]
    assert [c.applicant_name for c in ranking.left_out] == ["Bob"]  # R18: told "not successful"


def test_r17_a_ranking_with_a_place_twice_none_at_all_or_out_of_range_is_refused() -> None:
    ada, bob = _candidate("Ada"), _candidate("Bob")
    twice, errors = read_ranking([ada, bob], Form({field_of(ada): "1", field_of(bob): "1"}))
    assert twice is None
    assert errors.get(field_of(bob)) == (
        "Bob and Ada are both ranked 1: give each candidate a different place"
    )
    nobody, errors = read_ranking([ada, bob], Form({}))
    assert nobody is None
    assert errors.get(field_of(ada)) == "Rank at least one candidate"
    for typed in ("0", "3", "first", "-1"):
        wrong, errors = read_ranking([ada, bob], Form({field_of(ada): typed}))
        assert wrong is None
        assert errors.get(field_of(ada)) == "Choose a place from 1 to 2 for Ada, or leave them out"


def test_p5_every_line_is_decided_and_a_refusal_needs_its_reason() -> None:
    claim = _claim(875, 450)
    first, second = (str(line.id) for line in claim.lines)
    decision, errors = read_decision(claim, Form({f"line-{first}": "approve"}))
    assert decision is None
    assert errors.get(f"line-{second}") == "Choose approve or refuse for line 2"
    decision, errors = read_decision(
        claim, Form({f"line-{first}": "approve", f"line-{second}": "refuse"})
    )
    assert decision is None
    assert errors.get(f"reason-{second}") == "Say why you refuse line 2"
    decision, errors = read_decision(
        claim,
        Form(
            {
                f"line-{first}": "approve",
                f"reason-{first}": "typed, then approved after all",
                f"line-{second}": "refuse",
                f"reason-{second}": " No receipt for a taxi ",
            }
        ),
    )
    assert decision is not None
    assert [(d.approve, d.reason) for d in decision.lines] == [
        (True, ""),
        (False, "No receipt for a taxi"),
    ]


def test_p5_a_payment_is_the_amount_approved_in_exact_pence() -> None:
    claim = _claim(875, 450, approved=1325)
    note, errors = read_payment(claim, "13.25", "Bank transfer on 14 June")
    assert not errors
    assert note == "Paid £13.25: Bank transfer on 14 June"
    note, errors = read_payment(claim, "13.20", "")
    assert note is None
    assert errors.get("amount") == "Enter the amount you approved, £13.25; you typed £13.20"
    assert errors.get("how") == "Say how you paid, for example bank transfer on 14 June"
