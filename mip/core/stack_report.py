"""What every service answers when the stack check asks it to describe itself.

The core serves this activity for each service, and the stack-check workflow above it
calls it by name: the contract lives here so that the arrow points down.
"""

from pydantic import BaseModel

DESCRIBE_ACTIVITY = "describe"


class ServiceReport(BaseModel):
    service: str
    schema_name: str
    migrations: list[int]
    database_ok: bool
