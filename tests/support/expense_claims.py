"""An intern with a placement at a host, and a claim's lines, on a running stack."""

from __future__ import annotations

from typing import Any

import httpx

from mip.core.auth import Role
from tests.support.applying import HOST, apply, make_profile, make_round, open_round
from tests.support.auth import auth
from tests.support.stack import Stack
from tests.support.upload_samples import png

INTERN = "ada@example.org"
PNG = png()
LONDON_FIRM = {
    "kind": "for_profit",
    "location": "london",
    "contact_email": "tom@bloomsbury.example.com",
}
OXFORDSHIRE_FIRM = {
    "kind": "for_profit",
    "location": "oxfordshire",
    "contact_email": "pat@miltonpark.example.com",
}


async def intern_with_placement(stack: Stack, host: dict[str, str]) -> tuple[str, dict[str, Any]]:
    apps = stack.http["applications"]
    spec = open_round()
    office = auth(stack.settings, Role.office)
    made = await apps.post("/v1/hosts", headers=office, json={**HOST, **host, "name": "Bloomsbury"})
    _, [placement] = await make_round(apps, stack.settings, spec)
    await stack.apps["applications"].state.runtime.pool.execute(
        "UPDATE placements SET host_id = $1 WHERE id = $2", made.json()["id"], placement["id"]
    )
    me = await make_profile(apps, stack.settings, INTERN)
    application = (await apply(apps, me, placement["id"])).json()
    return application["id"], placement


async def add_line(
    http: httpx.AsyncClient,
    claim_id: str,
    me: dict[str, str],
    category: str,
    day: str,
    amount: str,
    receipt: bytes | None = PNG,
    journey: tuple[str, str, str] | None = None,
) -> httpx.Response:
    """`journey` is (travel_from, travel_to, travel_mode); a lunch line has none."""
    files = {"receipt": ("receipt.png", receipt, "image/png")} if receipt is not None else None
    data = {"category": category, "spent_on": day, "amount": amount, "description": category}
    if journey is not None:
        data |= dict(zip(("travel_from", "travel_to", "travel_mode"), journey, strict=True))
    return await http.post(f"/v1/claims/{claim_id}/lines", headers=me, files=files, data=data)
