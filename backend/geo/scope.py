"""A caller's geographic scope: the villages whose records they may read and change.

Every read and write goes through this (OWASP API1, object-level authorisation): objects
outside the scope answer 404, exactly as objects that do not exist.
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, or_, select
from sqlmodel import Session, col

from backend.auth.models import Role, User, UserTownship, UserVillage
from backend.geo.models import Township, Village


@dataclass(frozen=True)
class Scope:
    county_code: str
    county_wide: bool
    village_codes: frozenset[str]
    township_codes: frozenset[str]

    def allows(self, village_code: str | None) -> bool:
        return village_code is not None and village_code in self.village_codes

    def holds(self, code: str | None) -> bool:
        """Whether a record filed under ``code`` is in scope: one of a village in scope, or
        one of a county-wide type filed under the caller's county (codes never collide:
        a county's has 6 digits, a village's 12)."""
        return code == self.county_code or self.allows(code)

    def where_filed(self, column: Any, county_wide: bool) -> ColumnElement[bool]:
        """A SQL condition limiting a type's scope column to this scope."""
        return column == self.county_code if county_wide else self.where(column)

    @staticmethod
    def where_filed_bound(column: Any, county_wide: bool) -> ColumnElement[bool]:
        """``where_filed`` with the scope as bound parameters (``bound``), for a statement
        built once and run for any caller (the pull's)."""
        if county_wide:
            return column == bindparam("scope_county")
        return column.in_(bindparam("scope_villages", expanding=True))

    @property
    def bound(self) -> dict[str, Any]:
        """The values of ``where_filed_bound``'s parameters for this scope."""
        return {"scope_county": self.county_code, "scope_villages": sorted(self.village_codes)}

    def where_any(self, column: Any) -> ColumnElement[bool]:
        """Rows of any type (history, conflicts): in a village in scope, or the county's."""
        return or_(column == self.county_code, self.where(column))

    def allows_township(self, township_code: str) -> bool:
        return township_code in self.township_codes

    def where(self, column: Any) -> ColumnElement[bool]:
        """A SQL condition limiting ``column`` (a village code) to this scope."""
        if self.county_wide:
            return column.in_(
                select(col(Village.code))
                .join(Township, col(Township.code) == Village.township_code)
                .where(col(Township.county_code) == self.county_code)
            )
        return column.in_(sorted(self.village_codes))

    @property
    def key(self) -> str:
        """Changes whenever the set of villages changes (pull cursors carry it)."""
        joined = ",".join(sorted(self.village_codes))
        return hashlib.sha256(joined.encode()).hexdigest()[:16]


@cache
def _villages_of(kind: str) -> Select[str, str]:
    """The villages and townships of a caller of ``kind``, the same statement every time
    (built once: every request checks its caller's scope, and building it cost more than
    running it)."""
    base = select(col(Village.code), col(Village.township_code)).join(
        Township, col(Township.code) == Village.township_code
    )
    if kind == "county":
        return base.where(col(Township.county_code) == bindparam("county_code"))
    if kind == "townships":
        return base.join(UserTownship, col(UserTownship.township_code) == Township.code).where(
            col(UserTownship.user_id) == bindparam("user_id")
        )
    return base.join(UserVillage, col(UserVillage.village_code) == Village.code).where(
        col(UserVillage.user_id) == bindparam("user_id")
    )


def scope_for(session: Session, user: User) -> Scope:
    """The villages (and their townships) ``user`` may see, from their role and assignments."""
    county_wide = user.role == Role.admin or (user.role == Role.supervisor and user.county_wide)
    kind = "county" if county_wide else "townships" if user.role == Role.supervisor else "villages"
    params = {"county_code": user.county_code, "user_id": user.id}
    rows = session.execute(_villages_of(kind), params).all()
    return Scope(
        county_code=user.county_code,
        county_wide=county_wide,
        village_codes=frozenset(v for v, _ in rows),
        township_codes=frozenset(t for _, t in rows),
    )
