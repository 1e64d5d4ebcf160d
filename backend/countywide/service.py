"""Reading the county's own records (the county-wide types: the policy book, the indicator
definitions, the assistance menu) as the console lists them for editing. Edits go through
the sync push like any phone's (backend/sync/push.py): one merge engine, one contract."""

from sqlalchemy import select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.countywide.schemas import CountyRecord, CountyRecords
from backend.errors import Forbidden, NotFound
from backend.records.registry import REGISTRY
from backend.tables import USER as U


def county_records(session: Session, caller: Caller, type_name: str, limit: int) -> CountyRecords:
    """The live records of one county-wide type filed under the caller's county, by title;
    404 for a type that is not county-wide, 403 for a role that may not read it."""
    rt = REGISTRY.get(type_name)
    if rt is None or not rt.county_wide:
        raise NotFound("没有这种全县记录")
    if caller.role not in rt.readers:
        raise Forbidden("您的角色无权查看此类记录")
    t = rt.table
    order = [t.c[f] for f in rt.title if f in t.c] + [t.c.id]
    rows = (
        session.connection()
        .execute(
            select(t, U.c.display_name, U.c.username)
            .join(U, U.c.id == t.c.updated_by)
            .where(t.c.village_code == caller.scope.county_code, t.c.deleted.is_(False))
            .order_by(*order)
            .limit(limit + 1)
        )
        .mappings()
        .all()
    )
    return CountyRecords(
        type=rt.name,
        label=rt.label,
        records=[
            CountyRecord(
                id=r["id"],
                version=r["version"],
                has_conflict=r["has_conflict"],
                data={f: r[f] for f in rt.fields},
                updated_at=r["updated_at"],
                updated_by=r["display_name"] or r["username"],
            )
            for r in rows[:limit]
        ],
        more=len(rows) > limit,
    )
