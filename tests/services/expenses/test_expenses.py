"""A claim from submission to payment on real servers, judged line by line (R24-R28, P5)."""

from __future__ import annotations

from typing import Any

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from tests.support.auth import auth
from tests.support.expense_claims import (
    INTERN,
    LONDON_FIRM,
    OXFORDSHIRE_FIRM,
    PNG,
    add_line,
    intern_with_placement,
)
from tests.support.stack import running_stack
from tests.support.waiting import eventually


def _text(message: Any) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


async def _mail(smtp: MailCatcher, to: str, n: int) -> list[Any] | None:
    found = [
        m for m in smtp.store.messages() if m["To"] == to and m["X-MIP-Kind"] == "expense_update"
    ]
    return found if len(found) >= n else None


async def test_r24_r26_r27_r28_p5_a_claim_from_submission_to_payment(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with running_stack(
        mail_settings,
        applications=applications_app,
        expenses=expenses_app,
        notifications=notifications_app,
    ) as stack:
        application_id, placement = await intern_with_placement(stack, LONDON_FIRM)
        expenses, me = stack.http["expenses"], auth(stack.settings, Role.applicant, INTERN)
        too_early = await expenses.post(
            "/v1/claims", json={"application_id": application_id}, headers=me
        )
        await stack.apps["applications"].state.runtime.pool.execute(
            "UPDATE applications SET status = 'introduced' WHERE id = $1", application_id
        )
        claim = (
            await expenses.post("/v1/claims", json={"application_id": application_id}, headers=me)
        ).json()
        day = placement["days"][0]
        lunch = await add_line(expenses, claim["id"], me, "lunch", day, "12.40")
        bus_pass = await add_line(
            expenses,
            claim["id"],
            me,
            "london_bus_pass",
            day,
            "72.00",
            journey=("Oxford Gloucester Green", "London Victoria", "coach"),
        )
        train = await add_line(
            expenses,
            claim["id"],
            me,
            "other_travel",
            day,
            "34.10",
            journey=("Banbury", "London Paddington", "train"),
        )
        no_receipt = await add_line(expenses, claim["id"], me, "lunch", day, "9.00", receipt=None)
        empty_receipt = await add_line(expenses, claim["id"], me, "lunch", day, "9.00", receipt=b"")
        text_receipt = await add_line(
            expenses, claim["id"], me, "lunch", day, "9.00", receipt=b"I paid"
        )
        bad_amount = await add_line(expenses, claim["id"], me, "lunch", day, "9.001")
        submitted = (await expenses.post(f"/v1/claims/{claim['id']}/submit", headers=me)).json()
        host = auth(stack.settings, Role.host, LONDON_FIRM["contact_email"])
        stranger = await expenses.get(
            f"/v1/claims/{claim['id']}",
            headers=auth(stack.settings, Role.host, "other@host.example"),
        )
        await eventually(lambda: _mail(smtp, LONDON_FIRM["contact_email"], 1))
        lines = {line["category"]: line["id"] for line in submitted["lines"]}
        decided = await expenses.post(
            f"/v1/claims/{claim['id']}/decision",
            headers=host,
            json={
                "lines": [
                    {"line_id": lines["lunch"], "approve": True},
                    {"line_id": lines["london_bus_pass"], "approve": True},
                    {
                        "line_id": lines["other_travel"],
                        "approve": False,
                        "reason": "Inter-city travel (R27)",
                    },
                ]
            },
        )
        paid = await expenses.post(
            f"/v1/claims/{claim['id']}/payment",
            headers=host,
            json={"text": "Paid £72.40 by bank transfer"},
        )
        await eventually(lambda: _mail(smtp, INTERN, 2))
        totals = (
            await expenses.get(
                "/v1/office/expenses/totals", headers=auth(stack.settings, Role.office)
            )
        ).json()
        receipt = await expenses.get(submitted["lines"][0]["receipt_url"], headers=host)
    assert too_early.status_code == 422
    verdicts = {
        line["category"]: (line["allowed"], line["rule"], line["owed_pence"])
        for line in lunch.json()["lines"] + bus_pass.json()["lines"] + train.json()["lines"]
    }
    assert verdicts == {
        "lunch": (True, "R24", 1240),
        "london_bus_pass": (True, "R26", 6000),
        "other_travel": (False, "R27", 0),
    }
    assert {(line["travel_from"], line["travel_mode"]) for line in submitted["lines"]} == {
        (None, None),
        ("Oxford Gloucester Green", "coach"),
        ("Banbury", "train"),
    }
    assert no_receipt.status_code == 422
    assert no_receipt.json()["errors"][0]["location"] == "body.receipt"
    assert empty_receipt.status_code == 422
    assert "needs its receipt" in empty_receipt.json()["detail"]
    assert text_receipt.json()["type"] == "urn:mip:problem:unacceptable-receipt"
    assert bad_amount.status_code == 422
    assert submitted["status"] == "submitted"
    assert submitted["claimed_pence"] == 1240 + 7200 + 3410
    assert submitted["owed_pence"] == 7240
    assert stranger.status_code == 404
    assert decided.json()["status"] == "partly_approved"
    assert decided.json()["approved_pence"] == 7240
    assert paid.json()["status"] == "paid"
    assert receipt.content == PNG
    assert totals == [
        {
            "host_name": "Bloomsbury",
            "claims": 1,
            "claimed_pence": 11850,
            "approved_pence": 7240,
            "paid_pence": 7240,
        }
    ]
    notes = [_text(m) for m in smtp.store.messages() if m["To"] == INTERN]
    assert any("Inter-city travel (R27)" in n for n in notes)
    assert any("Paid £72.40 by bank transfer" in n for n in notes)


async def test_r25_r27_a_travel_line_is_judged_and_shown_by_its_journey(
    settings: Settings,
) -> None:
    async with running_stack(
        settings, applications=applications_app, expenses=expenses_app
    ) as stack:
        application_id, placement = await intern_with_placement(stack, OXFORDSHIRE_FIRM)
        await stack.apps["applications"].state.runtime.pool.execute(
            "UPDATE applications SET status = 'introduced' WHERE id = $1", application_id
        )
        expenses, me = stack.http["expenses"], auth(stack.settings, Role.applicant, INTERN)
        claim = (
            await expenses.post("/v1/claims", json={"application_id": application_id}, headers=me)
        ).json()
        day = placement["days"][0]
        bus = await add_line(
            expenses,
            claim["id"],
            me,
            "other_travel",
            day,
            "4.50",
            journey=("Abingdon bus station", "Oxford", "bus"),
        )
        train = await add_line(
            expenses,
            claim["id"],
            me,
            "oxfordshire_travel",
            day,
            "34.10",
            journey=("Banbury", "London", "train"),
        )
        no_destination = await add_line(
            expenses,
            claim["id"],
            me,
            "local_travel",
            day,
            "2.20",
            journey=("Headington", "", "bus"),
        )
        two_lines = await add_line(
            expenses,
            claim["id"],
            me,
            "local_travel",
            day,
            "2.20",
            journey=("Headington\nJericho", "Cowley", "bus"),
        )
        lunch = await add_line(expenses, claim["id"], me, "lunch", day, "6.00")
        shown = (await expenses.get(f"/v1/claims/{claim['id']}", headers=me)).json()
    lines = {line["travel_from"]: line for line in shown["lines"]}
    assert bus.status_code == train.status_code == lunch.status_code == 201
    assert set(lines) == {"Abingdon bus station", "Banbury", None}
    abingdon, banbury = lines["Abingdon bus station"], lines["Banbury"]
    assert (abingdon["travel_to"], abingdon["travel_mode"]) == ("Oxford", "bus")
    assert (abingdon["allowed"], abingdon["rule"], abingdon["owed_pence"]) == (True, "R25", 450)
    assert (banbury["travel_to"], banbury["travel_mode"]) == ("London", "train")
    assert (banbury["allowed"], banbury["rule"], banbury["owed_pence"]) == (False, "R27", 0)
    assert "A train from Banbury to London" in banbury["reason"]
    assert (lines[None]["category"], lines[None]["travel_mode"]) == ("lunch", None)
    assert shown["owed_pence"] == 450 + 600
    assert no_destination.status_code == 422
    assert "travel_to" in no_destination.json()["detail"]
    assert no_destination.json()["errors"] == [
        {"location": "body.travel_to", "message": "required"}
    ]
    assert two_lines.status_code == 422
    assert two_lines.json()["errors"][0]["location"] == "body.travel_from"
