"""A service's activities as the methods of one class, served with its runtime.

A method marked `@served(NAME)` is a Temporal activity (`activity.defn(name=NAME)`) and
is served on the service's queue: `activities=OfferActivities.serving` in the service's
spec. Nothing lists the methods again, so one cannot be written and left unserved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from temporalio import activity

from mip.core.runtime import ServiceRuntime

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

# The functions `served` marked; looked up by identity when a class is served.
_SERVED: set[Callable[..., Any]] = set()


def served(name: str) -> Callable[[F], F]:
    """`activity.defn(name=name)`, and served by the class's `serving`."""

    def mark(method: F) -> F:
        defined = activity.defn(name=name)(method)
        _SERVED.add(defined)
        return defined

    return mark


class ServiceActivities:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.pool = runtime.pool

    @classmethod
    def serving(cls, runtime: ServiceRuntime) -> Sequence[Callable[..., Any]]:
        """The marked methods of one instance, for the service's worker."""
        made = cls(runtime)
        return [
            getattr(made, name)
            for klass in reversed(cls.__mro__)
            for name, member in vars(klass).items()
            if member in _SERVED
        ]
