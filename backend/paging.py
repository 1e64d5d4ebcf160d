"""One way to page a list: the offset and limit a route takes, and one page of a query (or
of a list already filtered in Python) with how many there are in all."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, RowMapping

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    offset: int = 0
    limit: int = 50

    def fetch(self, conn: Connection, stmt: Select[Any]) -> tuple[list[RowMapping], int]:
        """This page of ``stmt``'s rows, in its order, and the number of rows it has in all."""
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = conn.execute(counted).scalar_one()
        rows = conn.execute(stmt.offset(self.offset).limit(self.limit)).mappings().all()
        return list(rows), int(total)

    def slice(self, items: Sequence[T]) -> list[T]:
        """This page of a list (filtered in Python, so counted by its length)."""
        return list(items[self.offset : self.offset + self.limit])


def _params(default: int, most: int) -> Callable[..., Paging]:
    def paging(
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=most)] = default,
    ) -> Paging:
        return Paging(offset, limit)

    return paging


# The query parameters of a paged route: `page: Page` (50 by default, at most 200).
Page = Annotated[Paging, Depends(_params(50, 200))]
# Spot-check rounds are read 20 at a time, at most 100.
RoundsPage = Annotated[Paging, Depends(_params(20, 100))]
