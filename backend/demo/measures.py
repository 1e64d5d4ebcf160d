"""The demo county's assistance menu (扶贫套餐) and its households' 一户一策 measures.

The menu follows Suiyang's (seeds: 58 planting and breeding items — cattle and sheep,
black-bone chickens, free-range chickens, fruit, high-yield farming — beside the "five
batches" services); here the breeding and planting items the demo's plans name, and one
item per service a cause calls for, so every measure of the demo picks from the menu.

Each poor household's plan (drawn with the household, backend/demo/county.py) becomes its
measures: due dates spread over the year around the demo's today; of those already due,
most are done with a result, the income it brings and the date, some dropped, and some
still open — overdue, for the worklist and the reports to find.
"""

import random
from datetime import timedelta
from typing import Any

from backend.demo.county import COUNTY_CODE, TODAY, HouseholdDraft, VillagePlan, make_uuid
from backend.demo.load import Loader
from backend.records.registry import REGISTRY

# (name, kind, support standard, who qualifies); names are the words plans start with.
MENU: tuple[tuple[str, str, str, str], ...] = (
    (
        "养牛",
        "industry",
        "每头补助 3000 元，每户最多 3 头；免费防疫和技术指导",
        "有养殖意愿和圈舍的建档立卡贫困户",
    ),
    ("养羊", "industry", "每只补助 500 元，每户最多 20 只", "有养殖意愿的建档立卡贫困户"),
    ("养猪", "industry", "每头补助 500 元，每户最多 10 头", "有养殖意愿的建档立卡贫困户"),
    ("林下养鸡", "industry", "生态土鸡苗免费发放，每户 50—200 羽", "有林地或果园的贫困户"),
    (
        "乌骨鸡养殖",
        "industry",
        "乌骨鸡苗免费发放，每户 50—100 羽；合作社保底收购",
        "建档立卡贫困户",
    ),
    ("养鹅", "industry", "鹅苗每羽补助 10 元", "有水面或草地的贫困户"),
    ("养蜂", "industry", "每箱补助 300 元，最多 10 箱", "有养蜂技术或参加培训的贫困户"),
    ("稻田养鱼", "industry", "鱼苗免费发放，每亩补助 200 元", "有稻田的贫困户"),
    ("茶苗", "industry", "茶苗免费发放，每亩管护补助 500 元，连续 3 年", "适宜区域有土地的贫困户"),
    ("油茶", "industry", "苗木免费发放，每亩补助 800 元", "有坡地的贫困户"),
    ("黄桃", "industry", "苗木免费，每亩补助 600 元", "适宜区域有土地的贫困户"),
    ("精品水果", "industry", "特色水果苗木免费，每亩补助 600 元", "有土地的贫困户"),
    ("食用菌", "industry", "菌棒每棒补助 1 元，合作社保底收购", "有劳动力的贫困户"),
    ("中药材", "industry", "种苗免费，每亩补助 500 元", "有土地的贫困户"),
    ("高效农业（蔬菜大棚）", "industry", "大棚每亩补助 5000 元", "有土地和劳动力的贫困户"),
    (
        "产业分红",
        "industry",
        "扶贫资金入股合作社，每户每年分红不少于 800 元",
        "无劳动力或弱劳动力的贫困户",
    ),
    ("光伏收益分配", "industry", "村级光伏电站收益按户分配，每户每年 1000 元", "无劳动力的贫困户"),
    ("技能培训", "employment", "免费培训，每天生活补助 50 元", "16—60 岁有劳动能力的贫困人口"),
    ("外出务工推荐", "employment", "一次性交通补助 500 元", "有劳动能力的贫困人口"),
    ("就业帮扶车间", "employment", "优先安排就业，月工资不低于 1800 元", "有劳动能力的贫困人口"),
    ("公益性岗位", "employment", "每月补贴 800 元", "弱劳动力、无法外出的贫困人口"),
    ("生态护林员", "employment", "每年劳务报酬 10000 元", "有劳动能力的建档立卡贫困人口"),
    ("教育资助（雨露计划）", "education", "中职、高职每生每年补助 3000 元", "建档立卡贫困家庭子女"),
    ("助学贷款", "education", "每生每年最高 8000 元，在校期间财政贴息", "建档立卡贫困家庭大学生"),
    ("营养改善计划", "education", "义务教育学生每天 4 元营养餐", "农村义务教育学生"),
    ("医疗救助", "health", "自付部分按 70% 救助，年最高 5 万元", "建档立卡贫困人口"),
    ("大病保险报销", "health", "起付线降低 50%，报销比例提高 5 个百分点", "建档立卡贫困人口"),
    ("家庭医生签约", "health", "免费签约服务，每年至少 4 次随访", "建档立卡贫困人口"),
    ("慢性病门诊补助", "health", "门诊费用报销 80%", "患慢性病的贫困人口"),
    ("危房改造", "housing", "一级危房每户补助 3.5 万元，二级 1.5 万元", "住房为危房的贫困户"),
    ("低保兜底", "welfare", "按农村低保标准补足差额", "无劳动能力、无稳定收入的贫困户"),
    (
        "特困供养",
        "welfare",
        "每人每年不低于 5000 元",
        "无劳动能力、无生活来源、无法定赡养人的老年人、残疾人和未成年人",
    ),
    ("残疾人两项补贴", "welfare", "生活补贴和护理补贴每人每月各 60 元", "持证残疾人"),
    ("小额信贷贴息", "finance", "5 万元以下、3 年以内全额贴息", "有贷款意愿和还款能力的贫困户"),
    ("精扶贷", "finance", "5 万元以下、3 年以内免担保免抵押，财政贴息", "建档立卡贫困户"),
    (
        "易地扶贫搬迁",
        "relocation",
        "人均住房补助 2 万元，人均面积不超过 25 平方米",
        "一方水土养不活一方人地区的贫困户",
    ),
)
HELPING_UNITS: dict[str, tuple[str, ...]] = {
    "industry": ("县农业农村局", "县林业局", "县供销社", "帮扶企业青溪茶业公司"),
    "employment": ("县人社局", "县就业局"),
    "education": ("县教育局",),
    "health": ("县卫健局", "县医保局"),
    "housing": ("县住建局",),
    "welfare": ("县民政局", "县残联"),
    "finance": ("县农商行", "县扶贫办"),
    "relocation": ("县生态移民局",),
    "other": ("县扶贫办",),
}
# Units paired with a village (同步小康驻村帮扶): the rest of its measures are theirs.
VILLAGE_UNITS = ("县财政局", "县交通运输局", "县水务局", "县发改局", "县国土资源局", "县委组织部",
                 "县公安局", "县税务局", "县烟草公司", "县电力公司")  # fmt: skip
# Money put in and income a year brought, per kind (yuan, low–high); None: not money.
FUNDS = {"industry": (2000, 15000), "housing": (15000, 35000), "finance": (30000, 50000),
         "relocation": (40000, 80000), "employment": (500, 2000)}  # fmt: skip
INCOME = {"industry": (800, 6000), "employment": (6000, 20000), "finance": (800, 4000)}
RESULTS = {
    "industry": ("已落实，长势良好", "已出栏，收入到户", "已投产，合作社收购"),
    "employment": ("已上岗", "已在外务工", "已结业并就业"),
    "education": ("资助已到位", "已按时发放"),
    "health": ("已报销到位", "已签约并随访", "已救助到位"),
    "housing": ("已竣工验收", "已入住"),
    "welfare": ("已纳入并按月发放", "已发放到位"),
    "finance": ("已放款，按期付息", "已入股分红"),
    "relocation": ("已搬迁入住", "已领钥匙入住"),
    "other": ("已落实",),
}


def _menu_of(title: str, menu: list[tuple[str, dict[str, Any]]]) -> tuple[str, dict[str, Any]]:
    return next(((i, d) for i, d in menu if title.startswith(d["name"])), menu[-1])


def measures_of(
    rng: random.Random, home: HouseholdDraft, menu: list[tuple[str, dict[str, Any]]], unit: str
) -> list[dict[str, Any]]:
    """The household's plan as measures, each tied to the menu item its words start with."""
    out = []
    for title in home.plan:
        item_id, item = _menu_of(title, menu)
        kind = item["kind"]
        due = TODAY + timedelta(days=rng.randint(-330, 240))
        roll = rng.random()
        data: dict[str, Any] = {
            "household_id": home.id,
            "title": title,
            "kind": kind,
            "menu_item_id": item_id,
            "owner": home.data["pairing_cadre"],
            "helping_unit": rng.choice(HELPING_UNITS[kind]) if rng.random() < 0.7 else unit,
            "due_on": due.isoformat(),
            "status": "planned",
        }
        if kind in FUNDS:
            low, high = FUNDS[kind]
            data["funds"] = rng.randint(low // 100, high // 100) * 100
        if due < TODAY and roll < 0.62 or due >= TODAY and roll < 0.08:
            done = min(due + timedelta(days=rng.randint(-40, 20)), TODAY)
            data.update(status="done", done_on=done.isoformat(), result=rng.choice(RESULTS[kind]))
            if kind in INCOME:
                low, high = INCOME[kind]
                data["income_per_year"] = rng.randint(low // 100, high // 100) * 100
        elif due < TODAY and roll < 0.7:
            data["status"] = "dropped"
            data["result"] = "户主意愿变化，改为其他措施"
        elif rng.random() < 0.5:
            data["status"] = "under_way"
        out.append(data)
    return out


def load(
    loader: Loader,
    rng: random.Random,
    homes: list[tuple[VillagePlan, list[HouseholdDraft]]],
    user_ids: dict[str, int],
    seq: int,
) -> int:
    """The county's menu (the admin's), then every poor household's measures (by its
    village's cadre where it has one), numbered from ``seq``; answers the next number."""
    item, measure = REGISTRY["menu_item"], REGISTRY["measure"]
    menu = []
    for name, kind, standard, eligible in MENU:
        data = {"name": name, "kind": kind, "standard": standard, "eligible": eligible}
        menu.append((make_uuid(rng), data))
        loader.add(item, menu[-1][0], data, seq, COUNTY_CODE)
        seq += 1
    for v, drafts in homes:
        unit = rng.choice(VILLAGE_UNITS)  # the unit paired with the village (结对帮扶)
        for home in drafts:
            for data in measures_of(rng, home, menu, unit):
                loader.add(
                    measure, make_uuid(rng), data, seq, v.code, user_ids.get(f"cadre_{v.code}")
                )
                seq += 1
    return seq
