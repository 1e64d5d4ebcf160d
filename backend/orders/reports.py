"""三单制 reports over the record store, limited to the caller's scope (404 outside it).

- **Per village**: the branch's open menu items, the orders placed, those claimed (at least
  one live claim), fulfilled (a claim 已办结) and confirmed by the household; the village's
  party members and how many of them hold no claim.
- **Party members with no claim** (resident members marked 中共党员 without any live claim):
  the ones the branch can still ask, first those without a post (无职党员).
- **The oldest unclaimed orders**: live orders with no live claim, oldest first.

An order's status is read from its claims (backend/orders/records.py says why); "live"
means not deleted, the order's household included.
"""

from datetime import date

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Exists, and_, case, func, select, true
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.orders.records import BRANCH_ITEM, HOUSEHOLD_ORDER, ORDER_CLAIM
from backend.reports.service import Geography
from backend.tables import HOUSEHOLD as H, MEMBER as M

IT, OR, CL = BRANCH_ITEM.table, HOUSEHOLD_ORDER.table, ORDER_CLAIM.table

IDLE_SHOWN = 200  # party members with no claim listed by name (all are counted)
UNCLAIMED_SHOWN = 50


class OrderCounts(BaseModel):
    items: int = 0  # menu items open for orders
    orders: int = 0
    claimed: int = 0
    fulfilled: int = 0
    confirmed: int = 0
    party_members: int = 0
    idle_party_members: int = 0  # party members with no claim


class VillageOrders(OrderCounts):
    code: str
    name: str
    township_code: str
    township_name: str


class IdleMember(BaseModel):
    member_id: str
    name: str
    household_id: str
    village_code: str
    village_name: str
    has_post: bool
    skills: list[str]


class UnclaimedOrder(BaseModel):
    order_id: str
    household_id: str
    head_name: str
    village_code: str
    village_name: str
    item_name: str | None  # None: the item is not (or no longer) on the branch's menu
    placed_on: date
    waiting_days: int


class OrdersReport(BaseModel):
    totals: OrderCounts
    villages: list[VillageOrders]
    idle_members: list[IdleMember]  # the first IDLE_SHOWN
    unclaimed: list[UnclaimedOrder]  # the oldest UNCLAIMED_SHOWN


def orders_report(
    session: Session, caller: Caller, *, township_code: str | None, today: date
) -> OrdersReport:
    """Orders placed, claimed, fulfilled per village; idle party members; oldest unclaimed."""
    geo = Geography(session, caller, township_code)
    villages = {
        code: VillageOrders(code=code, name=name, township_code=town, township_name=town_name)
        for code, (name, town, town_name) in geo.villages.items()
    }
    totals = OrderCounts()
    if not geo.codes:
        return OrdersReport(totals=totals, villages=[], idle_members=[], unclaimed=[])
    conn = session.connection()
    live_order = and_(
        ~OR.c.deleted, geo.where(OR.c.village_code), H.c.id == OR.c.household_id, ~H.c.deleted
    )
    live_claim = and_(CL.c.order_id == OR.c.id, ~CL.c.deleted)

    def has_claim(*more: ColumnElement[bool]) -> Exists:
        return select(CL.c.id).where(live_claim, *more).exists()

    for code, n in conn.execute(
        select(IT.c.village_code, func.count())
        .where(~IT.c.deleted, ~IT.c.closed, geo.where(IT.c.village_code))
        .group_by(IT.c.village_code)
    ):
        villages[code].items = int(n)
    for code, placed, claimed, fulfilled, confirmed in conn.execute(
        select(
            OR.c.village_code,
            func.count(),
            func.sum(case((has_claim(), 1), else_=0)),
            func.sum(case((has_claim(CL.c.progress == "fulfilled"), 1), else_=0)),
            func.sum(case((has_claim(CL.c.confirmed == true()), 1), else_=0)),
        )
        .select_from(OR.join(H, H.c.id == OR.c.household_id))
        .where(live_order)
        .group_by(OR.c.village_code)
    ):
        v = villages[code]
        v.orders, v.claimed = int(placed), int(claimed or 0)
        v.fulfilled, v.confirmed = int(fulfilled or 0), int(confirmed or 0)

    party = and_(
        M.c.party_member == true(),
        M.c.status == "resident",
        ~M.c.deleted,
        geo.where(M.c.village_code),
        H.c.id == M.c.household_id,
        ~H.c.deleted,
    )
    no_claim = ~select(CL.c.id).where(CL.c.member_id == M.c.id, ~CL.c.deleted).exists()
    for code, n, idle in conn.execute(
        select(M.c.village_code, func.count(), func.sum(case((no_claim, 1), else_=0)))
        .select_from(M.join(H, H.c.id == M.c.household_id))
        .where(party)
        .group_by(M.c.village_code)
    ):
        villages[code].party_members, villages[code].idle_party_members = int(n), int(idle or 0)

    idle = [
        IdleMember(
            member_id=r.id,
            name=r.name,
            household_id=r.household_id,
            village_code=r.village_code,
            village_name=geo.villages[r.village_code][0],
            has_post=r.has_post,
            skills=r.skills or [],
        )
        for r in conn.execute(
            select(M.c.id, M.c.name, M.c.household_id, M.c.village_code, M.c.has_post, M.c.skills)
            .select_from(M.join(H, H.c.id == M.c.household_id))
            .where(party, no_claim)
            # those without a post first: the branch's way to give them a 岗 (有岗有责)
            .order_by(M.c.has_post, M.c.village_code, M.c.name, M.c.id)
            .limit(IDLE_SHOWN)
        )
    ]
    unclaimed = [
        UnclaimedOrder(
            order_id=r.id,
            household_id=r.household_id,
            head_name=r.head_name,
            village_code=r.village_code,
            village_name=geo.villages[r.village_code][0],
            item_name=r.item_name,
            placed_on=date.fromisoformat(r.placed_on),
            waiting_days=(today - date.fromisoformat(r.placed_on)).days,
        )
        for r in conn.execute(
            select(
                OR.c.id,
                OR.c.household_id,
                OR.c.village_code,
                OR.c.placed_on,
                H.c.head_name,
                IT.c.name.label("item_name"),
            )
            .select_from(
                OR.join(H, H.c.id == OR.c.household_id).outerjoin(
                    # an item of the order's own village only (a stale reference names nothing)
                    IT,
                    and_(
                        IT.c.id == OR.c.item_id,
                        IT.c.village_code == OR.c.village_code,
                        ~IT.c.deleted,
                    ),
                )
            )
            .where(live_order, ~has_claim())
            .order_by(OR.c.placed_on, OR.c.id)
            .limit(UNCLAIMED_SHOWN)
        )
    ]
    rows = [villages[c] for c in geo.codes]
    for field in OrderCounts.model_fields:
        setattr(totals, field, sum(getattr(v, field) for v in rows))
    return OrdersReport(totals=totals, villages=rows, idle_members=idle, unclaimed=unclaimed)
