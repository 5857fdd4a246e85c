"""Every page of a role's package is guarded by its router, not by each handler: a
handler takes `me: Host` only when it reads the person."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRouter, iter_route_contexts

from mip.core.auth import Role
from services.portal import applicant, host, office
from services.portal.web import only


@pytest.mark.parametrize(
    ("router", "role"),
    [(applicant.router, Role.applicant), (host.router, Role.host), (office.router, Role.office)],
)
def test_every_route_of_a_role_is_guarded_first(router: APIRouter, role: Role) -> None:
    """First: someone in another role gets the 403 page before any service is asked."""
    routes = list(iter_route_contexts(router.routes))
    assert len(routes) > 10
    unguarded = [
        r.path for r in routes if r.dependant.dependencies[0].call is not only(role).dependency
    ]
    assert unguarded == []
