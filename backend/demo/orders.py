"""三单制 in the demo county, at the scale of the Suiyang report: party members among the
members, each village branch's menu, households' orders and party members' claims.

- **Party members**: about 5 in 100 adults (18–75), a village branch of 20–50; about one in
  five holds a post (村两委 and the like), the rest are 无职党员; each with 1–3 skills.
- **Menus (支部下单)**: Suiyang's county menu had 58 planting and breeding items and 286
  service items. The demo draws from a pool of that shape — the 58 produce items, and 252
  services: 232 tied to them (technical guidance, seedlings or young stock, sales, machinery
  or veterinary care) and 20 general ones (代办, 照料, 就业) — 5–9 produce items and 3–6
  services per village branch (the default county: ~3,600 items, ~310 distinct names). (The county-wide ``menu_item`` type is another issue's: the
  demo's items name none.)
- **Orders (群众点单)**: Suiyang had 25,000 people ordering; here about a third of the poor
  households and 1 in 100 of the others, 1–2 orders each, placed over the last 300 days (the
  default county: ~9,800 orders from ~8,000 households, ~26,000 people).
- **Claims (党员接单)**: most orders are claimed within three weeks by a party member of the
  village, one whose skills match where there is one; one in ten by two or three
  (多对一); half the claims are fulfilled, most of those confirmed by the household.

Records are added after the maps, items then orders then claims (a phone pulls an order
before its claims), by the village's resident cadre where it has one, else the admin. The
draws come from a generator of their own, so the rest of the county is as it was.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backend.demo.county import TODAY, HouseholdDraft, make_uuid
from backend.demo.load import Loader
from backend.demo.people import Person
from backend.records.registry import REGISTRY

PARTY_SHARE = 0.05
POST_SHARE = 0.2
POOR_ORDER_SHARE = 0.33
OTHER_ORDER_SHARE = 0.01
ORDER_DAYS = 300
UNCLAIMED_SHARE = 0.12
MANY_TO_ONE_SHARE = 0.1

# 58 planting and breeding items (种植养殖项目), each with the skills it asks for.
_PLANTING = (
    "水稻", "玉米", "马铃薯", "红薯", "大豆", "油菜", "辣椒", "生姜", "高山蔬菜", "大棚蔬菜",
    "香菇", "木耳", "天麻", "太子参", "钩藤", "金银花", "黄精", "白及", "茶叶", "油茶",
    "花椒", "核桃", "板栗", "猕猴桃", "蓝莓", "黄桃", "李子", "柑橘", "葡萄", "杨梅",
    "刺梨", "百香果", "西瓜", "草莓", "烤烟", "中药材", "苗木花卉", "精品水果",
)  # fmt: skip
_BREEDING = (
    "肉牛", "黄牛", "山羊", "湖羊", "生猪", "香猪", "乌骨鸡", "生态土鸡", "林下鸡", "鸭",
    "鹅", "肉鸽", "中蜂", "稻田鱼", "冷水鱼", "牛蛙", "竹鼠", "兔", "蛋鸡", "鹌鹑",
)  # fmt: skip
_FRUIT_TEA = {"茶叶", "油茶", "花椒", "核桃", "板栗", "猕猴桃", "蓝莓", "黄桃", "李子", "柑橘",
              "葡萄", "杨梅", "刺梨", "百香果", "西瓜", "草莓", "精品水果"}  # fmt: skip
_POULTRY = {"乌骨鸡", "生态土鸡", "林下鸡", "鸭", "鹅", "肉鸽", "蛋鸡", "鹌鹑"}


@dataclass(frozen=True)
class Produce:
    name: str
    kind: str  # planting / breeding
    skills: tuple[str, ...]


def _produce() -> tuple[Produce, ...]:
    out = [
        Produce(f"{p}种植", "planting", ("fruit_tea",) if p in _FRUIT_TEA else ("crops",))
        for p in _PLANTING
    ]
    for b in _BREEDING:
        skill = "bees" if b == "中蜂" else "poultry" if b in _POULTRY else "livestock"
        out.append(Produce(f"{b}养殖", "breeding", (skill,)))
    return tuple(out)


PRODUCE = _produce()
assert len(PRODUCE) == 58
# Four services tied to each produce item (58 × 4 = 232), and general ones.
_PRODUCE_SERVICES = (
    ("技术指导", ()),
    ("种苗代购", ("transport",)),
    ("产品代销", ("sales",)),
    (None, ()),  # the fourth: machinery for a crop, veterinary care for stock
)
GENERAL_SERVICES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("医保报销代办", "service", ("policy", "health")),
    ("慢病送药上门", "service", ("health",)),
    ("低保申请代办", "service", ("policy",)),
    ("残疾证办理代办", "service", ("policy",)),
    ("危房改造帮办", "service", ("repair", "policy")),
    ("房屋修缮帮工", "service", ("repair",)),
    ("水电维修", "service", ("repair",)),
    ("助学金申请代办", "service", ("policy", "tutoring")),
    ("留守儿童课业辅导", "service", ("tutoring",)),
    ("小额信贷申请代办", "service", ("finance",)),
    ("精扶贷政策解答", "service", ("finance", "policy")),
    ("养老保险缴费代办", "service", ("policy",)),
    ("留守老人照料", "service", ("care",)),
    ("农资代购", "service", ("transport",)),
    ("农产品网上代销", "service", ("sales",)),
    ("农机代耕代收", "service", ("machinery",)),
    ("外出务工信息推送", "employment", ("labour",)),
    ("就近务工介绍", "employment", ("labour",)),
    ("技能培训报名", "employment", ("labour", "policy")),
    ("扶贫车间岗位推荐", "employment", ("labour",)),
)
SKILLS = (
    "crops", "fruit_tea", "livestock", "poultry", "bees", "machinery", "repair", "transport",
    "sales", "labour", "health", "tutoring", "policy", "finance", "care",
)  # fmt: skip
# the skills of rural party members lean on farming
_SKILL_WEIGHTS = (14, 8, 12, 8, 3, 6, 6, 5, 5, 6, 3, 3, 8, 3, 7)

ORDER_NOTES: tuple[str | None, ...] = (
    "想扩大规模", "需要技术指导", "缺种苗", "销路不畅", "希望上门服务", "家中无劳力",
    "想学一门手艺", "请帮忙联系", None, None, None, None,
)  # fmt: skip
FULFIL_NOTES = (
    "已上门指导", "种苗已送到户", "已联系收购商", "已办结，材料已交乡镇", "已帮工完成",
    "已介绍到县城务工", "已代办完成", "已培训两次",
)  # fmt: skip


def _services_of(p: Produce) -> list[tuple[str, str, tuple[str, ...]]]:
    base = p.name.removesuffix("种植").removesuffix("养殖")
    out = []
    for what, skills in _PRODUCE_SERVICES:
        if what is None:
            what, skills = (
                ("农机代耕", ("machinery",)) if p.kind == "planting" else ("防疫服务", ())
            )
        out.append((f"{base}{what}", "service", (*p.skills, *skills)))
    return out


@dataclass
class VillageBranch:
    households: list[tuple[str, bool]] = field(default_factory=list)  # (id, poor)
    party: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # (member id, skills)


class OrdersDemo:
    """Marks party members while the members are drawn, then adds menus, orders, claims."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.villages: dict[str, VillageBranch] = {}

    def member(
        self, village: str, h: HouseholdDraft, member_id: str, data: dict[str, Any], p: Person
    ) -> dict[str, Any]:
        """A member's data, made a party member (with a post, skills) for a few adults."""
        branch = self.villages.setdefault(village, VillageBranch())
        if not branch.households or branch.households[-1][0] != h.id:
            branch.households.append((h.id, h.poor))
        if not 18 <= p.age <= 75 or self.rng.random() >= PARTY_SHARE:
            return data
        k = self.rng.choice((1, 1, 2, 2, 3))
        skills = sorted(
            set(self.rng.choices(SKILLS, weights=_SKILL_WEIGHTS, k=k)), key=SKILLS.index
        )
        branch.party.append((member_id, frozenset(skills)))
        return {
            **data,
            "party_member": True,
            "has_post": self.rng.random() < POST_SHARE,
            "skills": skills,
        }

    def load(self, loader: Loader, seq: int, user_ids: dict[str, int]) -> int:
        """Menus, then orders, then claims, numbered from ``seq``; answers the next number.
        A record is its village's resident cadre's where it has one (else the admin's)."""
        item_t, order_t = REGISTRY["branch_item"], REGISTRY["household_order"]
        claim_t = REGISTRY["order_claim"]
        menus = {village: self._menu(village) for village in self.villages}
        for village, menu in menus.items():
            for iid, data, _skills in menu:
                loader.add(item_t, iid, data, seq, village, user_ids.get(f"cadre_{village}"))
                seq += 1
        orders = [
            (village, *o) for village, menu in menus.items() for o in self._orders(village, menu)
        ]
        for village, oid, data, _skills in orders:
            loader.add(order_t, oid, data, seq, village, user_ids.get(f"cadre_{village}"))
            seq += 1
        for village, oid, data, skills in orders:
            for claim in self._claims(village, oid, date.fromisoformat(data["placed_on"]), skills):
                loader.add(
                    claim_t,
                    make_uuid(self.rng),
                    claim,
                    seq,
                    village,
                    user_ids.get(f"cadre_{village}"),
                )
                seq += 1
        return seq

    def _menu(self, village: str) -> list[tuple[str, dict[str, Any], frozenset[str]]]:
        """The branch's menu: produce items, services tied to them, a general service or two."""
        rng = self.rng
        produce = rng.sample(PRODUCE, rng.randint(5, 9))
        services = [s for p in produce for s in _services_of(p)]
        picked = rng.sample(services, rng.randint(2, 4)) + rng.sample(
            GENERAL_SERVICES, rng.randint(1, 2)
        )
        menu = []
        for name, kind, skills in [(p.name, p.kind, p.skills) for p in produce] + picked:
            data = {
                "village_code": village,
                "name": name,
                "kind": kind,
                "skills": sorted(set(skills), key=SKILLS.index),
            }
            menu.append((make_uuid(rng), data, frozenset(skills)))
        return menu

    def _orders(
        self, village: str, menu: list[tuple[str, dict[str, Any], frozenset[str]]]
    ) -> list[tuple[str, dict[str, Any], frozenset[str]]]:
        """Orders of a fraction of the village's households: (id, data, skills asked)."""
        rng = self.rng
        out = []
        for hid, poor in self.villages[village].households:
            if rng.random() >= (POOR_ORDER_SHARE if poor else OTHER_ORDER_SHARE):
                continue
            for iid, _data, skills in rng.sample(menu, rng.choice((1, 1, 1, 2))):
                placed = TODAY - timedelta(days=rng.randint(1, ORDER_DAYS))
                data = {
                    "household_id": hid,
                    "item_id": iid,
                    "placed_on": placed.isoformat(),
                    "note": rng.choice(ORDER_NOTES),
                }
                out.append((make_uuid(rng), data, skills))
        return out

    def _claims(
        self, village: str, oid: str, placed: date, skills: frozenset[str]
    ) -> list[dict[str, Any]]:
        """An order's claims: none (recent, or nobody took it), one, or two or three."""
        rng = self.rng
        party = self.villages[village].party
        if not party or rng.random() < UNCLAIMED_SHARE:
            return []
        claimed = placed + timedelta(days=rng.randint(0, 20))
        if claimed > TODAY:
            return []  # too recent: nobody has taken it yet
        n = rng.choice((2, 2, 3)) if rng.random() < MANY_TO_ONE_SHARE else 1
        matching = [m for m, s in party if s & skills]
        claimers: list[str] = []
        for _ in range(n):
            pool = matching if matching and rng.random() < 0.7 else [m for m, _ in party]
            pool = [m for m in pool if m not in claimers]
            if pool:
                claimers.append(rng.choice(pool))
        return [self._claim(oid, m, claimed) for m in claimers]

    def _claim(self, oid: str, member_id: str, claimed: date) -> dict[str, Any]:
        rng = self.rng
        data: dict[str, Any] = {
            "order_id": oid,
            "member_id": member_id,
            "claimed_on": claimed.isoformat(),
            "progress": "claimed",
        }
        roll = rng.random()
        fulfilled = claimed + timedelta(days=rng.randint(3, 60))
        if roll < 0.5 and fulfilled <= TODAY:
            data |= {
                "progress": "fulfilled",
                "fulfilled_on": fulfilled.isoformat(),
                "note": rng.choice(FULFIL_NOTES),
            }
            confirmed = fulfilled + timedelta(days=rng.randint(0, 7))
            if rng.random() < 0.75 and confirmed <= TODAY:
                data |= {"confirmed": True, "confirmed_on": confirmed.isoformat()}
        elif roll < 0.8:
            data["progress"] = "under_way"
        return data
