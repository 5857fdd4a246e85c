"""What the applications service publishes to the others: the bodies its client sends and
returns, and the facts about hosts other services' rules read.

Another service imports only this module and `client.py`, never a feature package: the
applications service may reshape its internals as long as these names keep their meaning.
"""

from services.applications.catalogue.schemas import (
    Host,
    HostIn,
    HostKind,
    Location,
    Mode,
    Placement,
    PlacementIn,
    Round,
    RoundIn,
)
from services.applications.forwarded.schemas import ForwardedApplication
from services.applications.submissions.schemas import Application

__all__ = [
    "Application",
    "ForwardedApplication",
    "Host",
    "HostIn",
    "HostKind",
    "Location",
    "Mode",
    "Placement",
    "PlacementIn",
    "Round",
    "RoundIn",
]
