"""Addresses in e-mail: each page a message names becomes a link into the portal.

Made here, at sending time, from `MIP_PORTAL_PUBLIC_URL`, so links follow the deployment
(and `--port-offset`) and no workflow history holds one. A link to a page that needs a
signed-in person says whom the message was for (`?email=`), so the sign-in page it leads
to is filled in already; the page itself ignores it.
"""

from __future__ import annotations

import re

from mip.core.links import address
from services.notifications.contract import EmailRequest, Link
from services.portal.contract import PUBLIC, SIGN_IN_HINT, Page, PageName

# Links as histories recorded before portal pages name them (a service and an API path):
# each is read as the page a person uses for the same thing.
_LEGACY: tuple[tuple[str, re.Pattern[str], PageName], ...] = (
    ("offers", re.compile(r"^/v1/offers/(?P<application_id>[^/?#]+)$"), PageName.applicant_offer),
    (
        "applications",
        re.compile(r"^/v1/host/placements/(?P<placement_id>[^/?#]+)/applications$"),
        PageName.host_placement,
    ),
    ("applications", re.compile(r"^/v1/placements$"), PageName.placements),
)


def legacy_page(link: Link) -> Page:
    """The portal page an old service link stands for; the placements list if unknown."""
    for service, pattern, name in _LEGACY:
        found = pattern.match(link.path)
        if link.service == service and found:
            return Page(name=name, params=found.groupdict())
    return Page(name=PageName.placements)


def page_links(request: EmailRequest, portal: str) -> dict[str, str]:
    """Every link of `request` as an address on the portal at `portal`."""
    pages = {name: legacy_page(link) for name, link in request.links.items()} | request.pages
    hint = {SIGN_IN_HINT: request.to[0]} if len(request.to) == 1 else {}
    return {
        name: address(portal, page.path(), hint if _asks_who(page) else None)
        for name, page in pages.items()
    }


def _asks_who(page: Page) -> bool:
    """A page that needs signing in, or the sign-in page itself (a host's welcome)."""
    return page.name not in PUBLIC or page.name is PageName.sign_in


def alert_links(portal: str, token: str) -> dict[str, str]:
    """The confirm and unsubscribe pages of one member of the alerts list: the token in
    the link is the credential, so they are made for each message and kept in no history."""
    query = {"token": token}
    return {
        "confirm_url": address(portal, Page(name=PageName.alerts_confirm).path(), query),
        "unsubscribe_url": address(portal, Page(name=PageName.alerts_unsubscribe).path(), query),
    }
