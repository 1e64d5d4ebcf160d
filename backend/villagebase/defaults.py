"""The default 27 indicators of a county's village information base, and writing them.

Yuping's 小康信息库 holds "27 village-level indicators — precise poverty alleviation,
industry development, what the people ask for"; the report does not list them, so the set
is drawn from the seeds (Shiqian's 十好 actions, Baoshan's collective economy thresholds,
Suiyang's and Shiqian's infrastructure work) and from the usual exit criteria of a poor
village. Where each comes from is in ``source`` and in docs/VILLAGE_BASE.md. The admin
edits or adds to them in the console; the defaults are only where a county starts.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from backend.records.store import Author, RecordState, RowWriter
from backend.sync import sequence
from backend.villagebase.records import INDICATOR

INCOME_CODE = "CY01"  # 村集体经济收入: the indicator the income tiers are counted on
EXIT = "贫困村退出标准"
SHIQIAN = "石阡“十好”"

# code, name, group, kind, unit, rule, threshold / met options, 十好, source
_ROWS: list[tuple[Any, ...]] = [
    (
        "JZ01",
        "贫困发生率",
        "poverty",
        "number",
        "%",
        "le",
        3,
        False,
        EXIT + "（西部地区降至3%以下）",
    ),
    (
        "JZ02",
        "未脱贫人口",
        "poverty",
        "number",
        "人",
        None,
        None,
        False,
        "玉屏小康信息库：精准扶贫",
    ),
    ("JZ03", "剩余危房", "poverty", "number", "户", "le", 0, False, EXIT + "：住房安全有保障"),
    (
        "JZ04",
        "义务教育阶段辍学学生",
        "poverty",
        "number",
        "人",
        "le",
        0,
        False,
        EXIT + "：义务教育有保障",
    ),
    (
        "JZ05",
        "惠农政策兑现到户",
        "poverty",
        "yes_no",
        None,
        "yes",
        None,
        True,
        SHIQIAN + "：兑现好惠农政策",
    ),
    (
        "JZ06",
        "贫困户一户一策全覆盖",
        "poverty",
        "yes_no",
        None,
        "yes",
        None,
        False,
        "遵义、石阡：一户一策帮扶计划",
    ),
    (
        "CY01",
        "村集体经济收入",
        "industry",
        "number",
        "元",
        "ge",
        50_000,
        True,
        SHIQIAN + "：培育好集体经济；保山：集体经济收入5万元以上",
    ),
    (
        "CY02",
        "主导产业",
        "industry",
        "choice",
        None,
        "one_of",
        None,
        True,
        SHIQIAN + "：培育好主导产业",
    ),
    (
        "CY03",
        "农民专业合作社",
        "industry",
        "number",
        "个",
        "ge",
        1,
        True,
        SHIQIAN + "：组建好专业合作社",
    ),
    (
        "CY04",
        "链接龙头企业",
        "industry",
        "number",
        "家",
        "ge",
        1,
        True,
        SHIQIAN + "：链接好龙头企业（千企帮千村）",
    ),
    (
        "CY05",
        "农村常住居民人均可支配收入",
        "industry",
        "number",
        "元",
        None,
        None,
        False,
        "玉屏小康信息库：产业发展",
    ),
    (
        "JC01",
        "通村硬化路",
        "infrastructure",
        "yes_no",
        None,
        "yes",
        None,
        True,
        SHIQIAN + "：实施好基础设施项目；" + EXIT,
    ),
    (
        "JC02",
        "通组硬化路（组组通）",
        "infrastructure",
        "yes_no",
        None,
        "yes",
        None,
        False,
        "石阡：修建通组路、串户路、产业路",
    ),
    (
        "JC03",
        "通动力电",
        "infrastructure",
        "yes_no",
        None,
        "yes",
        None,
        False,
        EXIT + "；石阡：农电改造",
    ),
    (
        "JC04",
        "宽带和4G网络",
        "infrastructure",
        "choice",
        None,
        "one_of",
        None,
        False,
        EXIT + "；石阡：网络通讯",
    ),
    (
        "JC05",
        "安全饮水全覆盖",
        "infrastructure",
        "yes_no",
        None,
        "yes",
        None,
        False,
        EXIT + "；石阡：人畜饮水",
    ),
    (
        "GG01",
        "标准化卫生室且有合格村医",
        "services",
        "yes_no",
        None,
        "yes",
        None,
        False,
        EXIT + "：基本医疗有保障",
    ),
    (
        "GG02",
        "乡村幼儿园",
        "services",
        "yes_no",
        None,
        "yes",
        None,
        True,
        SHIQIAN + "：创办好乡村幼儿园",
    ),
    (
        "GG03",
        "绿色庭院创建",
        "services",
        "yes_no",
        None,
        "yes",
        None,
        True,
        SHIQIAN + "：打造好绿色庭院",
    ),
    (
        "GG04",
        "贫困人口基本医疗保险全覆盖",
        "services",
        "yes_no",
        None,
        "yes",
        None,
        False,
        EXIT + "：基本医疗有保障",
    ),
    (
        "SQ01",
        "本年收集群众诉求",
        "demands",
        "number",
        "件",
        None,
        None,
        False,
        "玉屏小康信息库：群众发展诉求",
    ),
    (
        "SQ02",
        "未办结群众诉求",
        "demands",
        "number",
        "件",
        "le",
        0,
        False,
        "玉屏小康信息库：群众发展诉求",
    ),
    (
        "SQ03",
        "群众最盼解决的问题",
        "demands",
        "text",
        None,
        None,
        None,
        False,
        "玉屏小康信息库：群众发展诉求",
    ),
    (
        "ZZ01",
        "村支两委、第一书记和驻村干部配齐",
        "organisation",
        "yes_no",
        None,
        "yes",
        None,
        True,
        SHIQIAN + "：选配好村支两委、第一书记和驻村干部",
    ),
    (
        "ZZ02",
        "乡贤会",
        "organisation",
        "yes_no",
        None,
        "yes",
        None,
        True,
        SHIQIAN + "：发挥好乡贤会作用",
    ),
    ("ZZ03", "村规民约", "organisation", "yes_no", None, "yes", None, False, "村民自治：村规民约"),
    (
        "ZZ04",
        "村级活动场所",
        "organisation",
        "yes_no",
        None,
        "yes",
        None,
        False,
        "石阡：村级阵地建设",
    ),
]
_OPTIONS = {
    "CY02": (
        ["茶叶", "生态畜牧", "精品水果", "蔬菜", "中药材", "食用菌", "其他", "尚未形成"],
        ["茶叶", "生态畜牧", "精品水果", "蔬菜", "中药材", "食用菌", "其他"],
    ),
    "JC04": (["宽带和4G都通", "只通4G", "只通宽带", "都未通"], ["宽带和4G都通"]),
}


def _data(row: tuple[Any, ...]) -> dict[str, Any]:
    code, name, group, kind, unit, rule, limit, shihao, source = row
    options, met = _OPTIONS.get(code, ([], []))
    return {
        "code": code,
        "name": name,
        "group": group,
        "kind": kind,
        "unit": unit,
        "options": options,
        "rule": rule,
        "threshold": limit if kind == "number" else None,
        "met_options": met,
        "shihao": shihao,
        "source": source,
    }


DEFAULTS: list[dict[str, Any]] = [_data(r) for r in _ROWS]
SHIHAO_CODES = [d["code"] for d in DEFAULTS if d["shihao"]]


def indicator_id(county_code: str, code: str) -> str:
    """A default indicator's id: the same in every run, so writing the defaults again
    adds only what is missing."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"minqing:indicator/{county_code}/{code}"))


def install(session: Session, county_code: str, admin_id: int, now: datetime) -> int:
    """Write the default indicators the county does not have yet (by id or by code), as the
    store writes any record: version 1, a ``create`` history entry, the next change
    sequence numbers. Answers how many were written; flushes, never commits."""
    t = INDICATOR.table
    last = sequence.lock(session)  # first: the writers' lock (backend/sync/sequence.py)
    have = session.connection().execute(
        select(t.c.id, t.c.code).where(t.c.village_code == county_code)
    )
    ids, codes = set(), set()
    for rid, code in have:
        ids.add(rid)
        codes.add(code)
    writer = RowWriter(Author(admin_id, "minqing-cli", now), versions=False)
    for d in DEFAULTS:
        rid = indicator_id(county_code, d["code"])
        if rid in ids or d["code"] in codes:
            continue
        state = RecordState(INDICATOR, rid, None, False)
        writer.create(state, INDICATOR.canonical(d), county_code)
    count = writer.touched
    writer.write(session, sequence.take(session, last, count))
    session.flush()
    return count


def writer_for(session: Session, county: str | None, admin: str | None) -> tuple[str, int]:
    """The county (the only one when not named) and the admin the defaults are written as."""
    from backend.auth.models import Role, User
    from backend.geo.models import County

    conn = session.connection()
    counties = [county] if county else list(conn.execute(select(col(County.code))).scalars())
    if len(counties) != 1:
        raise ValueError("name the county (--county): there is not exactly one")
    stmt = select(col(User.id)).where(
        col(User.role) == Role.admin, col(User.county_code) == counties[0]
    )
    if admin:
        stmt = stmt.where(col(User.username) == admin)
    user_id = conn.execute(stmt.order_by(col(User.id))).scalar()
    if user_id is None:
        raise ValueError(f"no admin account {admin or ''} in county {counties[0]}")
    return str(counties[0]), int(user_id)
