"""A caller's geographic scope: the villages whose records they may read and change.

Every read and write goes through this (OWASP API1, object-level authorisation): objects
outside the scope answer 404, exactly as objects that do not exist.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
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


def scope_for(session: Session, user: User) -> Scope:
    """The villages (and their townships) ``user`` may see, from their role and assignments."""
    rows: list[tuple[str, str]]
    county_wide = user.role == Role.admin or (user.role == Role.supervisor and user.county_wide)
    base = select(col(Village.code), col(Village.township_code)).join(
        Township, col(Township.code) == Village.township_code
    )
    if county_wide:
        stmt = base.where(col(Township.county_code) == user.county_code)
    elif user.role == Role.supervisor:
        stmt = base.join(UserTownship, col(UserTownship.township_code) == Township.code).where(
            col(UserTownship.user_id) == user.id
        )
    else:
        stmt = base.join(UserVillage, col(UserVillage.village_code) == Village.code).where(
            col(UserVillage.user_id) == user.id
        )
    rows = [(r[0], r[1]) for r in session.exec(stmt).all()]  # type: ignore[call-overload]
    return Scope(
        county_code=user.county_code,
        county_wide=county_wide,
        village_codes=frozenset(v for v, _ in rows),
        township_codes=frozenset(t for _, t in rows),
    )
