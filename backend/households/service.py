"""County read APIs over the record store: lists with paging and search, one family file."""

from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import NotFound, Unprocessable
from backend.households.schemas import HouseholdFile, HouseholdPage, HouseholdSummary
from backend.paging import Paging
from backend.records import idnumber
from backend.records.registry import REGISTRY, UNMASKED_ROLES
from backend.records.store import changed_fields
from backend.sync.pull import to_record
from backend.tables import HISTORY as HIST, HOUSEHOLD as H, MEMBER as M, PHOTO as P, VISIT as V

# A masked ID number shows its last two characters (backend/records/idnumber.py).
VISIBLE_TAIL = 2


def _search(q: str, mask: bool) -> Any:
    """A name (head or any member), or the last digits of an ID number."""
    q = q.strip()
    if q.isdigit() or (q[:-1].isdigit() and q[-1:] in "Xx"):
        if mask and len(q) > VISIBLE_TAIL:
            # Matching on digits the caller sees masked would rebuild them a query at a time.
            raise Unprocessable(
                "身份证号对您脱敏显示，只能按姓名或身份证号末两位查找", code="masked_search"
            )
        suffix = f"%{q.upper()}"
        member_match = select(M.c.household_id).where(M.c.id_number.like(suffix), ~M.c.deleted)
        return or_(H.c.id_number.like(suffix), H.c.id.in_(member_match))
    pattern = f"%{q}%"
    member_match = select(M.c.household_id).where(M.c.name.like(pattern), ~M.c.deleted)
    return or_(H.c.head_name.like(pattern), H.c.id.in_(member_match))


def list_households(
    session: Session,
    caller: Caller,
    *,
    village_code: str | None,
    group_code: str | None,
    status: str | None,
    q: str | None,
    page: Paging,
) -> HouseholdPage:
    """Households in scope by village, group and status, searched by name or ID digits."""
    conds = [caller.scope.where(H.c.village_code), ~H.c.deleted]
    if village_code:
        conds.append(H.c.village_code == village_code)
    if group_code:
        conds.append(H.c.group_code == group_code)
    if status:
        conds.append(H.c.poverty_status == status)
    mask = caller.role not in UNMASKED_ROLES
    if q:
        conds.append(_search(q, mask))
    members = (
        select(func.count())
        .select_from(M)
        .where(and_(M.c.household_id == H.c.id, ~M.c.deleted, M.c.status == "resident"))
        .scalar_subquery()
    )
    rows, total = page.fetch(
        session.connection(),
        select(H, members.label("n_members"))
        .where(*conds)
        .order_by(H.c.group_code, H.c.head_name, cast(H.c.id, String)),
    )
    items = [
        HouseholdSummary(
            id=r["id"],
            version=r["version"],
            village_code=r["village_code"],
            group_code=r["group_code"],
            head_name=r["head_name"],
            id_number=idnumber.mask(r["id_number"]) if mask else r["id_number"],
            poverty_status=r["poverty_status"],
            poverty_category=r["poverty_category"],
            has_conflict=r["has_conflict"],
            members=r["n_members"],
        )
        for r in rows
    ]
    return HouseholdPage(items=items, total=total, offset=page.offset, limit=page.limit)


def household_file(session: Session, caller: Caller, household_id: str) -> HouseholdFile:
    """One household with its members, visits and version history (the audit trail)."""
    conn = session.connection()
    row = conn.execute(select(H).where(H.c.id == household_id)).mappings().first()
    if row is None or row["deleted"] or not caller.scope.allows(row["village_code"]):
        raise NotFound()
    mask = caller.role not in UNMASKED_ROLES
    members = conn.execute(
        select(M).where(M.c.household_id == household_id, ~M.c.deleted).order_by(M.c.created_at)
    ).mappings()
    visits = list(
        conn.execute(
            select(V)
            .where(V.c.household_id == household_id, ~V.c.deleted)
            .order_by(V.c.occurred_at_corrected.desc())
        ).mappings()
    )
    photos = conn.execute(
        select(P)
        .where(P.c.visit_id.in_([v["id"] for v in visits]), ~P.c.deleted)
        .order_by(P.c.taken_at_corrected.desc(), P.c.id)
    ).mappings()
    history = conn.execute(
        select(
            HIST.c.version, HIST.c.op, HIST.c.changed, HIST.c.user_id, HIST.c.device_id, HIST.c.at
        )
        .where(HIST.c.type == "household", HIST.c.record_id == household_id)
        .order_by(HIST.c.version)
    ).mappings()
    return HouseholdFile(
        household=to_record(REGISTRY["household"], row, mask),
        members=[to_record(REGISTRY["member"], m, mask) for m in members],
        visits=[to_record(REGISTRY["visit"], v, mask) for v in visits],
        history=[
            {
                **dict(h),
                "changed": changed_fields(REGISTRY["household"], h),
                "at": h["at"].isoformat() if h["at"] else None,
            }
            for h in history
        ],
        photos=[to_record(REGISTRY["photo"], p, mask) for p in photos],
    )
