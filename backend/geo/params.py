"""Query parameters naming a place: administrative codes are digits of a fixed length."""

from typing import Annotated

from fastapi import Query

TownshipCode = Annotated[str | None, Query(pattern=r"^[0-9]{9}$")]
VillageCode = Annotated[str | None, Query(pattern=r"^[0-9]{12}$")]
GroupCode = Annotated[str | None, Query(pattern=r"^[0-9]{15}$")]
