"""Domain errors shared by every MIP service.

Every error a client can see is a subclass of `MIPError`, which carries the HTTP status
and the stable problem `type` that `mip.core.problems` renders as RFC 9457
``application/problem+json``::

    MIPError
    ├── NotAuthenticated      401  no token, a forged one, or an expired one
    ├── PermissionDenied      403  a valid token whose role may not do this
    ├── NotFound              404
    ├── Conflict              409  the request clashes with the current state
    ├── InvalidInput          422  the request is well formed but breaks a rule
    └── ServiceUnavailable    503  a part the service depends on is down

    RemoteProblem             another MIP service answered with a problem; a request that
                              cannot go on without it answers 502 upstream-error

Services subclass these for their own business failures, giving each its own `slug` so
that clients can branch on the problem type rather than on the wording of `detail`.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_TYPE_PREFIX = "urn:mip:problem:"


class MIPError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Something went wrong"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    @classmethod
    def problem_type(cls) -> str:
        return PROBLEM_TYPE_PREFIX + cls.slug


class NotAuthenticated(MIPError):
    status = 401
    slug = "not-authenticated"
    title = "Not authenticated"


class PermissionDenied(MIPError):
    status = 403
    slug = "permission-denied"
    title = "Permission denied"


class NotFound(MIPError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(MIPError):
    status = 409
    slug = "conflict"
    title = "Conflict with the current state"


class InvalidInput(MIPError):
    status = 422
    slug = "invalid-input"
    title = "The request breaks a rule"


class ServiceUnavailable(MIPError):
    status = 503
    slug = "service-unavailable"
    title = "A part of the service is unavailable"


class RemoteProblem(Exception):
    """Another service answered with an error; `problem` is its problem+json body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")
        self.status = status
        self.problem = problem
