"""Paging through a long list: the `?limit=&offset=` every paged list route reads, as one
object that goes from the route to the repository (as polar's `PaginationParamsQuery`).

A route takes a model of its query string as `Annotated[Model, Query()]`: FastAPI reads
each field as its own query parameter, with the field's default, bounds and description
in the OpenAPI document, and refuses a bad value with a 422 naming `query.<field>`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from mip.core.bounds import MAX_OFFSET


class Paging(BaseModel):
    """One page of a list: at most `limit` items, after the first `offset`."""

    limit: Annotated[int, Field(ge=1, le=500)] = 100
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0

    def clause(self, first: int) -> str:
        """`LIMIT`/`OFFSET` with placeholders numbered from `first`, so that a query's own
        arguments come before `self.args()`."""
        return f" LIMIT ${first} OFFSET ${first + 1}"

    def args(self) -> tuple[int, int]:
        return self.limit, self.offset
