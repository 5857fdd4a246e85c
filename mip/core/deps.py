"""`Annotated` dependency aliases shared by every service's routes."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from mip.core.auth import Principal, Role, current_principal, optional_principal, require_role
from mip.core.runtime import ServiceRuntime


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def get_pool(request: Request) -> asyncpg.Pool:
    return get_runtime(request).pool


Runtime = Annotated[ServiceRuntime, Depends(get_runtime)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
AnyUser = Annotated[Principal, Depends(current_principal)]
# Public pages (R3's advertised placements, R30's alerts list): a token is optional.
Visitor = Annotated[Principal | None, Depends(optional_principal)]
OfficeOrService = Annotated[Principal, Depends(require_role(Role.office, Role.service))]
_office = require_role(Role.office)
OfficeUser = Annotated[Principal, Depends(_office)]
# A router whose handlers need not know which office user calls: APIRouter(dependencies=
# [OFFICE_ONLY]). The same check as OfficeUser's, so a handler on it that does take
# `me: OfficeUser` has the token read once per request.
OFFICE_ONLY = Depends(_office)
ApplicantUser = Annotated[Principal, Depends(require_role(Role.applicant))]
HostUser = Annotated[Principal, Depends(require_role(Role.host))]
# A person asking about themselves (their own data, issue 23): applicants and hosts alike.
PersonUser = Annotated[Principal, Depends(require_role(Role.applicant, Role.host))]
