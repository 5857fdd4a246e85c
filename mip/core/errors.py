"""Domain errors shared by every MIP service.

Every error a client can see is a subclass of `MIPError`, which carries the HTTP status
and the stable problem `type` that `mip.core.problems` renders as RFC 9457
``application/problem+json``::

    MIPError
    ├── NotAuthenticated      401  no token, a forged one, or an expired one
    ├── PermissionDenied      403  a valid token whose role may not do this
    ├── NotFound              404
    ├── Conflict              409  the request clashes with the current state
    ├── PayloadTooLarge       413  a body or file past its limit, refused while it streams
    ├── InvalidInput          422  the request is well formed but breaks a rule
    └── ServiceUnavailable    503  a part the service depends on is down; with Retry-After
        └── DatabaseUnavailable      PostgreSQL is stopped, frozen or out of connections

    RemoteProblem             another MIP service answered with a problem; a request that
                              cannot go on without it answers 502 upstream-error

Services subclass these for their own business failures, giving each its own `slug` so
that clients can branch on the problem type rather than on the wording of `detail`.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

T = TypeVar("T")

PROBLEM_TYPE_PREFIX = "urn:mip:problem:"


class MIPError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Something went wrong"
    # Seconds a client should wait before trying again, sent as `Retry-After`.
    default_retry_after_s: ClassVar[int | None] = None

    def __init__(self, detail: str, *, retry_after_s: int | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        self.retry_after_s = retry_after_s or self.default_retry_after_s

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


def or_not_found(found: T | None, detail: str) -> T:
    """`found`, or a 404 saying `detail`: what a repository's `None` (no such row) means
    to the person who asked for it."""
    if found is None:
        raise NotFound(detail)
    return found


class Conflict(MIPError):
    status = 409
    slug = "conflict"
    title = "Conflict with the current state"


class PayloadTooLarge(MIPError):
    status = 413
    slug = "payload-too-large"
    title = "The request is too large"


class InvalidInput(MIPError):
    status = 422
    slug = "invalid-input"
    title = "The request breaks a rule"


class ServiceUnavailable(MIPError):
    status = 503
    slug = "service-unavailable"
    title = "A part of the service is unavailable"
    default_retry_after_s = 5


class DatabaseUnavailable(ServiceUnavailable):
    """What a request that needs PostgreSQL answers while PostgreSQL cannot answer it.

    The problem `type` stays `service-unavailable`, so a client handles every outage
    alike; `unavailable` names the part for the people reading it.
    """

    DETAIL = (
        "The database is unreachable just now; nothing was changed. Try again in a few seconds."
    )

    def __init__(self, detail: str = DETAIL) -> None:
        super().__init__(detail, unavailable="database")


class RemoteProblem(Exception):
    """Another service answered with an error; `problem` is its problem+json body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")
        self.status = status
        self.problem = problem
