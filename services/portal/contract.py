"""The portal's pages that e-mails link to, by name: what a workflow or a service puts in a
message instead of an address.

A message names a page (`Page(name=PageName.applicant_offer, params={...})`); the
notifications service turns it into an address on `MIP_PORTAL_PUBLIC_URL` when it sends.
So no workflow history holds a deployment's address, and no e-mail sends a person to a
service's JSON API. Each name is also the portal's route name for that page, and a test
checks that the portal serves every path below under the same name.
"""

from __future__ import annotations

import re
from enum import StrEnum
from string import Formatter

from pydantic import BaseModel, Field, model_validator


class PageName(StrEnum):
    sign_in = "sign_in"
    sign_in_link = "sign_in_link"  # made by the portal itself: its token is a credential
    placements = "placements"
    placement = "placement"
    alerts_confirm = "alerts_confirm"
    alerts_unsubscribe = "alerts_unsubscribe"
    applicant_application = "applicant_application"
    applicant_offer = "applicant_offer"
    applicant_claim = "applicant_claim"
    applicant_support = "applicant_support"
    host_home = "host_home"
    host_placement = "host_placement"
    host_claim = "host_claim"
    office_host = "office_host"
    office_message = "office_message"
    office_withdrawals = "office_withdrawals"


PATHS: dict[PageName, str] = {
    PageName.sign_in: "/sign-in",
    PageName.sign_in_link: "/sign-in/link",
    PageName.placements: "/placements",
    PageName.placement: "/placements/{placement_id}",
    PageName.alerts_confirm: "/alerts/confirm",
    PageName.alerts_unsubscribe: "/alerts/unsubscribe",
    PageName.applicant_application: "/applicant/applications/{application_id}",
    PageName.applicant_offer: "/applicant/offers/{application_id}",
    PageName.applicant_claim: "/applicant/claims/{claim_id}",
    PageName.applicant_support: "/applicant/support",
    PageName.host_home: "/host",
    PageName.host_placement: "/host/placements/{placement_id}",
    PageName.host_claim: "/host/claims/{claim_id}",
    PageName.office_host: "/office/hosts/{host_id}",
    PageName.office_message: "/office/messages/{message_id}",
    PageName.office_withdrawals: "/office/rounds/{round_id}/withdrawals",
}
# The query parameter a link to a signed-in page carries: whom the e-mail was for, which
# the portal's sign-in page fills in (and its return path leaves out).
SIGN_IN_HINT = "email"
# Pages anyone may open: a link to them never asks who it is for.
PUBLIC = frozenset(
    {
        PageName.sign_in,
        PageName.sign_in_link,
        PageName.placements,
        PageName.placement,
        PageName.alerts_confirm,
        PageName.alerts_unsubscribe,
    }
)


# Ids only (UUIDs, round codes): nothing in a path that would need escaping, and so no
# address, name or token of a person can be put into a history as a path parameter.
_PARAMETER = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def path_parameters(name: PageName) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(PATHS[name]) if field}


class Page(BaseModel):
    """A portal page by its route name and path parameters (ids, never addresses)."""

    name: PageName
    params: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Page:
        needed = path_parameters(self.name)
        if set(self.params) != needed:
            raise ValueError(f"page {self.name.value} takes {sorted(needed)}, not {self.params}")
        if not all(_PARAMETER.match(v) for v in self.params.values()):
            raise ValueError(f"page {self.name.value} is named by ids only: {self.params}")
        return self

    def path(self) -> str:
        """The page's path on the portal; `mip.core.links.address` puts it on a base."""
        return PATHS[self.name].format(**self.params)
