"""三单制 (Suiyang): the village branch publishes a menu (支部下单), households order from it
(群众点单) and party members — those without a post (无职党员) too — claim the orders by
skill, time and means (党员接单) and see them through. Declared for the record engine:

- ``branch_item``: an item of a village branch's menu, filed under its village; it may name
  the county's assistance-menu item it comes from (``menu_item``, county-wide) and the
  policy behind it (``policy``, the 口袋书), or be one of the village's own services.
- ``household_order``: an order a household placed for an item (recorded by the cadre on its
  behalf), under the household. (Not ``order``: a word SQL reserves, which every hand-written
  query would have to quote.)
- ``order_claim``: a party member's claim of an order, under the order, with its progress
  (claimed, under way, fulfilled with a note and date) and the household's confirmation.

An order has no status field of its own: its status is read from its claims (none: open;
else the furthest of them). Claims are records of their own, so two phones that each record
a claim of the same order offline add two claims — many-to-one (多对一) is how the branches
work — and nothing conflicts; a stored status would conflict every time two party members
moved on one order the same day.
"""

from datetime import date
from typing import Annotated, Any

from sqlalchemy import select
from sqlmodel import Session

from backend.households.records import MEMBER
from backend.orders.skills import SKILL, SKILLS_MAX
from backend.records import checks
from backend.records.fields import Vocab, choice, choices, day, flag, ref, text
from backend.records.models import DataSchema
from backend.records.registry import RecordType, RefCheck, declare

ITEM_KIND = Vocab(
    planting="种植",
    breeding="养殖",
    service="服务",
    employment="就业",
    other="其他",
)
PROGRESS = Vocab(claimed="已接单", under_way="办理中", fulfilled="已办结")
# An order's status, read from its live claims (the phone's twin: pwa/src/ui/orderstatus.js).
ORDER_STATUS = Vocab(open="待接单", **PROGRESS.labels, confirmed="群众已确认")


def order_status(claims: list[Any]) -> str:
    """The furthest of an order's live claims: none open, any confirmed confirmed."""
    if not claims:
        return "open"
    if any(c["confirmed"] for c in claims):
        return "confirmed"
    return max((c["progress"] for c in claims), key=list(PROGRESS.labels).index)


class BranchItemData(DataSchema):
    village_code: str = text("村", 12)
    name: str = text("项目名称", 50, min_length=1)
    kind: Annotated[str, ITEM_KIND] = choice("项目类别", "service")
    # (not `description`: backend/records/schema.py drops keys of that name when it
    # publishes a schema, a field so named included)
    details: str | None = text("项目说明", 500, lines=True)
    skills: list[Annotated[str, SKILL]] = choices("所需特长", SKILLS_MAX)
    # The county's assistance-menu item (menu_item) it comes from; none for the village's own.
    menu_item_id: str | None = ref("县扶贫套餐项目")
    policy_id: str | None = ref("相关政策")
    closed: bool = flag("停止点单")


BRANCH_ITEM = declare(
    RecordType(
        name="branch_item",
        label="支部服务项目",
        schema=BranchItemData,
        village_field="village_code",
        immutable=frozenset({"village_code"}),
        title=("name",),
        export=("name", "kind", "details", "skills", "closed"),
    )
)


def _same_village(rt: RecordType, field: str, message: str) -> RefCheck:
    """A reference check: the record ``field`` names, when the store has it, is filed in the
    referring record's own village. One not (yet) stored passes: it may be created in the
    same batch (the phone sends a new member and its claim together), and a reference to
    nothing reveals and reaches nothing."""

    def check(session: Session, data: dict[str, Any], village: str) -> str | None:
        # one indexed lookup per op: claims and orders come a few at a time, not in bulk
        rid = data.get(field)
        if rid is None:
            return None
        t = rt.table
        found = (
            session.connection()
            .execute(select(t.c.village_code, t.c.deleted).where(t.c.id == rid))
            .first()
        )
        if found is not None and (found.village_code != village or found.deleted):
            return message
        return None

    return check


class OrderData(DataSchema):
    household_id: str = ref("所属农户")
    item_id: str = ref("点单项目")
    placed_on: date = day("点单日期", not_after_today=True, years_back=10)
    note: str | None = text("需求说明", 200, lines=True)


HOUSEHOLD_ORDER = declare(
    RecordType(
        name="household_order",
        label="群众点单",
        schema=OrderData,
        parent=("household", "household_id"),
        immutable=frozenset({"household_id"}),
        ref_checks=(_same_village(BRANCH_ITEM, "item_id", "点单项目不是本村支部的项目"),),
        max_per_parent=100,
        indexes=("household_id", "item_id"),
        title=("placed_on",),
        export=("item_id", "placed_on", "note"),
    )
)


class ClaimData(DataSchema):
    order_id: str = ref("所属点单")
    member_id: str = ref("接单党员")
    claimed_on: date = day("接单日期", not_after_today=True, years_back=10)
    progress: Annotated[str, PROGRESS] = choice("进展", "claimed")
    note: str | None = text("进展说明", 500, lines=True)
    fulfilled_on: date | None = day("办结日期", not_after_today=True, years_back=10)
    confirmed: bool = flag("群众已确认")
    confirmed_on: date | None = day("确认日期", not_after_today=True, years_back=10)


ORDER_CLAIM = declare(
    RecordType(
        name="order_claim",
        label="党员接单",
        schema=ClaimData,
        parent=("household_order", "order_id"),
        # The claimer and the order stay as they were claimed: another claimer is another
        # claim (many-to-one), not this one rewritten.
        immutable=frozenset({"order_id", "member_id"}),
        ref_checks=(_same_village(MEMBER, "member_id", "接单党员不是本村的家庭成员"),),
        rules=(
            checks.not_before("fulfilled_on", "claimed_on"),
            checks.not_before("confirmed_on", "fulfilled_on"),
            # an order fulfilled says when: the report counts how long orders took
            checks.required_when(
                "fulfilled_on", "progress", "fulfilled", PROGRESS.labels["fulfilled"]
            ),
        ),
        max_per_parent=20,
        indexes=("order_id", "member_id"),
        title=("claimed_on", "progress"),
        export=(
            "member_id",
            "claimed_on",
            "progress",
            "note",
            "fulfilled_on",
            "confirmed",
            "confirmed_on",
        ),
    )
)

BranchItem = BRANCH_ITEM.model
HouseholdOrder = HOUSEHOLD_ORDER.model
OrderClaim = ORDER_CLAIM.model
