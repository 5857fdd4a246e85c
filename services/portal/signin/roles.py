"""Who someone is, from data rather than from what they say (issue 14 item 2):

- the office: the addresses in `MIP_OFFICE_EMAILS`;
- a host: an address the office registered as a host's contact (asked of the
  applications service with the portal's own service token);
- an applicant: anyone else, or, when `MIP_APPLICANT_DOMAINS` is set, anyone at one of
  those domains (or a subdomain of one);
- nobody (None): an address outside those domains; it is sent no link.
"""

from __future__ import annotations

from mip.core.auth import Role
from services.portal.clients import PortalServices
from services.portal.runtime import PortalRuntime


def _in_domains(email: str, domains: tuple[str, ...]) -> bool:
    domain = email.rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in domains)


async def role_of(runtime: PortalRuntime, email: str) -> Role | None:
    """The role `email` (checked, lower-cased) signs in with, or None if it may not."""
    config = runtime.config
    if email in config.office_emails:
        return Role.office
    async with PortalServices(runtime, runtime.service_token()) as services:
        if await services.applications.hosts_with_contact(email):
            return Role.host
    if not config.applicant_domains or _in_domains(email, config.applicant_domains):
        return Role.applicant
    return None
