"""Exports: contents of the CSV (parsed) and XLSX (opened with openpyxl), Chinese headers,
the BOM, ID numbers masked for supervisors and not for admins, scope, roles, streaming in
pages, and cells that would run as formulas."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from backend.auth.dependencies import Caller
from backend.auth.models import Device, User
from backend.database import open_session
from backend.exports import service
from backend.exports.service import csv_safe
from backend.geo.scope import scope_for
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

EXPORTS = "/api/v1/exports"
ID_HEAD = "520623197001010018"
ID_CHILD = "52062320100202033X"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'


@pytest.fixture
def records(client, county: County) -> dict[str, Any]:
    a = Phone(client, "cadre_a", "d-a")
    h1, h2, m1, v1 = new_id(), new_id(), new_id(), new_id()
    g1 = county.groups[county.village_a][0]
    visit_at = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)
    a.push_ok(
        [
            a.op(
                "household",
                h1,
                household(
                    county.village_a,
                    g1,
                    head_name="龙再华",
                    id_number=ID_HEAD,
                    causes=["illness", "no_skills"],
                    relief_loan=True,
                    remark=FORMULA,
                ),
            ),
            a.op(
                "household",
                h2,
                household(county.village_a, head_name="杨秀英", id_number=None, remark="#N/A"),
            ),
            a.op(
                "member",
                m1,
                {
                    "household_id": h1,
                    "name": "龙小军",
                    "id_number": ID_CHILD,
                    "relation": "child",
                    "sex": "male",
                    "birth_date": "2010-02-02",
                    "schooling": "in_school",
                },
            ),
            a.op(
                "visit",
                v1,
                {
                    "household_id": h1,
                    "kind": "first_visit",
                    "occurred_at": visit_at.isoformat(),
                    "gps": {"lat": 27.41, "lon": 108.91, "accuracy_m": 15},
                    "notes": "了解家中病人就医情况",
                    "needs": ["medical", "jobs"],
                },
            ),
        ]
    )
    c = Phone(client, "cadre_c", "d-c")
    c.push_ok([c.op("household", new_id(), household(county.village_c, head_name="吴金花"))])
    sup = Phone(client, "super_county", "d-sc")
    s1 = new_id()
    sup.push_ok(
        [
            sup.op(
                "spot_check",
                s1,
                {
                    "village_code": county.village_a,
                    "cadre_id": county.users["cadre_a"],
                    "checked_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
                    "reached": True,
                    "on_post": True,
                    "studied_documents": False,
                    "talks_held": 2,
                    "recent_work": "入户走访，宣讲政策",
                },
            )
        ]
    )
    return {"h1": h1, "h2": h2, "m1": m1, "v1": v1, "s1": s1}


def read_csv(r: Any) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Chinese
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def read_xlsx(r: Any) -> openpyxl.Workbook:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(r.content))


def test_households_csv_masked_for_supervisors(client, county: County, records) -> None:
    sup = Phone(client, "super_t1", "d-s1")
    r = client.get(f"{EXPORTS}/households.csv", headers=sup.headers)
    rows = read_csv(r)
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    assert r.headers["cache-control"] == "no-store"
    # Township 1 only: cadre_c's household in township 2 is not there.
    assert {row["户主姓名"] for row in rows} == {"龙再华", "杨秀英"}
    h1 = next(row for row in rows if row["户编号"] == records["h1"])
    assert h1["身份证号"] == "520623**********18"
    assert h1["乡镇"] == "平溪街道"
    assert h1["村"] == "茅坡村"
    assert h1["村民组"] == "1组"
    assert h1["致贫原因"] == "因病、缺技术"
    assert h1["脱贫状态"] == "未脱贫"
    assert h1["户类别"] == "一般贫困户"
    assert h1["精扶贷"] == "是"
    assert h1["易地扶贫搬迁"] == "否"
    assert "帮扶措施" not in h1  # measures are records of their own (exports/measure)
    assert h1["人均纯收入（元）"] == "3200"
    assert h1["备注"] == "'" + FORMULA  # never run as a formula
    assert h1["版本"] == "1"
    assert next(row for row in rows if row["户编号"] == records["h2"])["身份证号"] == ""

    admin = Phone(client, "admin", "d-ad")
    rows = read_csv(client.get(f"{EXPORTS}/households.csv", headers=admin.headers))
    assert len(rows) == 3
    assert next(row for row in rows if row["户编号"] == records["h1"])["身份证号"] == ID_HEAD


def test_members_visits_spot_checks_csv(client, county: County, records) -> None:
    sup = Phone(client, "super_county", "d-sc")
    members = read_csv(client.get(f"{EXPORTS}/members.csv", headers=sup.headers))
    assert members == [
        {
            "成员编号": records["m1"],
            "户编号": records["h1"],
            "乡镇": "平溪街道",
            "村": "茅坡村",
            "户主姓名": "龙再华",
            "姓名": "龙小军",
            "身份证号": "520623**********3X",
            "与户主关系": "子女",
            "性别": "男",
            "出生日期": "2010-02-02",
            "健康状况": "",
            "劳动能力": "",
            "文化程度": "在校生",
            "在册状态": "在册",
            "离开日期": "",
            "离开原因": "",
            "中共党员": "否",
            "在村任职": "否",
            "专业特长": "",
            "版本": "1",
        }
    ]
    admin = Phone(client, "admin", "d-ad")
    unmasked = read_csv(client.get(f"{EXPORTS}/members.csv", headers=admin.headers))
    assert unmasked[0]["身份证号"] == ID_CHILD

    visits = read_csv(client.get(f"{EXPORTS}/visits.csv", headers=sup.headers))
    assert len(visits) == 1
    v = visits[0]
    assert v["走访编号"] == records["v1"]
    assert v["走访干部"] == "cadre_a"
    assert v["走访类型"] == "遍访"
    # 10:30 UTC is 18:30 in Beijing; the phone's clock was right (skew ~0).
    assert v["走访时间（校正后，北京时间）"].startswith("2026-11-18 18:30")
    assert v["走访时间（手机上报）"].startswith("2026-11-18T10:30")
    assert v["时钟偏差过大"] == "否"
    assert (v["纬度"], v["经度"], v["定位精度（米）"]) == ("27.41", "108.91", "15.0")
    assert v["发现的需求"] == "就医、就业"
    assert v["走访记录"] == "了解家中病人就医情况"

    checks = read_csv(client.get(f"{EXPORTS}/spot-checks.csv", headers=sup.headers))
    assert len(checks) == 1
    s = checks[0]
    assert s["抽查编号"] == records["s1"]
    assert s["被抽查干部"] == "cadre_a"
    assert s["抽查人"] == "super_county"
    assert (s["是否接通"], s["是否在岗"], s["是否传达学习上级文件"]) == ("是", "是", "否")
    assert s["是否返岗"] == ""
    assert s["谈心谈话次数"] == "2"
    assert s["近期工作"] == "入户走访，宣讲政策"


def test_xlsx_contents_and_masking(client, county: County, records) -> None:
    sup = Phone(client, "super_county", "d-sc")
    wb = read_xlsx(client.get(f"{EXPORTS}/households.xlsx", headers=sup.headers))
    assert wb.sheetnames == ["农户"]
    ws = wb["农户"]
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    header = table[0]
    assert header[:5] == ["户编号", "乡镇", "村", "村民组", "户主姓名"]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in table[1:]}
    assert len(by_id) == 3
    h1 = by_id[records["h1"]]
    assert h1["身份证号"] == "520623**********18"
    assert h1["人均纯收入（元）"] == 3200  # a number cell
    assert isinstance(h1["最后修改（北京时间）"], datetime)
    # The remark is text that starts with "=", not a formula.
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == records["h1"])
    remark = row[header.index("备注")]
    assert remark.value == FORMULA
    assert remark.data_type == "s"
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == records["h2"])
    assert (row[header.index("备注")].value, row[header.index("备注")].data_type) == ("#N/A", "s")

    admin = Phone(client, "admin", "d-ad")
    wb = read_xlsx(client.get(f"{EXPORTS}/all.xlsx", headers=admin.headers))
    # the four joined sheets, then one per other declared type (more come with new types)
    # (the others in the order their domains were imported: not fixed)
    assert wb.sheetnames[:4] == ["农户", "家庭成员", "走访记录", "电话抽查"]
    others = {"帮扶措施", "政策", "小康信息库指标", "小康信息库指标值", "支部服务项目", "群众点单"}
    assert others | {"党员接单", "扶贫套餐", "精扶贷", "分红"} <= set(wb.sheetnames[4:])
    ids = [r[5] for r in wb["农户"].iter_rows(min_row=2, values_only=True)]
    assert ID_HEAD in ids
    members = list(wb["家庭成员"].iter_rows(min_row=2, values_only=True))
    assert [m[6] for m in members] == [ID_CHILD]
    head, *body = list(wb["走访记录"].iter_rows(values_only=True))
    visit = dict(zip(head, body[0], strict=True))
    corrected = visit["走访时间（校正后，北京时间）"]
    assert abs(corrected - datetime(2026, 11, 18, 18, 30)) < timedelta(seconds=5)
    assert (visit["纬度"], visit["经度"]) == (27.41, 108.91)
    assert len(list(wb["电话抽查"].iter_rows(min_row=2))) == 1


def test_scope_filters_and_roles(client, county: County, records) -> None:
    cadre = Phone(client, "cadre_a", "d-a2")
    for path in ("households.csv", "visits.xlsx", "all.xlsx"):
        r = client.get(f"{EXPORTS}/{path}", headers=cadre.headers)
        assert r.status_code == 403
    assert client.get(f"{EXPORTS}/households.csv").status_code == 401
    t1 = Phone(client, "super_t1", "d-s1")
    outside = {"village_code": county.village_c}
    assert (
        client.get(f"{EXPORTS}/households.csv", params=outside, headers=t1.headers).status_code
        == 404
    )
    other_town = {"township_code": county.township_2}
    assert (
        client.get(f"{EXPORTS}/all.xlsx", params=other_town, headers=t1.headers).status_code == 404
    )
    # every declared type may have an export; one that is none is not found
    assert client.get(f"{EXPORTS}/nothing.csv", headers=t1.headers).status_code == 404
    assert client.get(f"{EXPORTS}/nothing.xlsx", headers=t1.headers).status_code == 404
    sup = Phone(client, "super_county", "d-sc")
    only_c = read_csv(client.get(f"{EXPORTS}/households.csv", params=outside, headers=sup.headers))
    assert [r["户主姓名"] for r in only_c] == ["吴金花"]
    town2 = read_csv(client.get(f"{EXPORTS}/visits.csv", params=other_town, headers=sup.headers))
    assert town2 == []
    # No rows: still a file with its headers.
    empty = client.get(f"{EXPORTS}/visits.csv", params=other_town, headers=sup.headers)
    assert empty.content.decode("utf-8-sig").startswith("走访编号,户编号,乡镇,村")


def test_every_export_is_logged_for_the_admin(client, county: County, records) -> None:
    sup = Phone(client, "super_t1", "d-s1")
    admin = Phone(client, "admin", "d-ad")
    village_a = {"village_code": county.village_a}
    read_csv(client.get(f"{EXPORTS}/members.csv", params=village_a, headers=sup.headers))
    read_xlsx(client.get(f"{EXPORTS}/all.xlsx", headers=admin.headers))
    # refused exports took nothing away: not logged
    outside = {"village_code": county.village_c}
    assert (
        client.get(f"{EXPORTS}/visits.csv", params=outside, headers=sup.headers).status_code == 404
    )
    cadre = Phone(client, "cadre_a", "d-a2")
    assert client.get(f"{EXPORTS}/households.csv", headers=cadre.headers).status_code == 403

    r = client.get(f"{EXPORTS}/log", headers=admin.headers)
    assert r.status_code == 200, r.text
    got = [
        {k: e[k] for k in ("username", "kind", "format", "village_code", "id_numbers_whole")}
        for e in r.json()
    ]
    assert got == [  # newest first
        {
            "username": "admin",
            "kind": "all",
            "format": "xlsx",
            "village_code": None,
            "id_numbers_whole": True,
        },
        {
            "username": "super_t1",
            "kind": "members",
            "format": "csv",
            "village_code": county.village_a,
            "id_numbers_whole": False,
        },
    ]
    assert [
        e["id"]
        for e in client.get(f"{EXPORTS}/log", params={"limit": 1}, headers=admin.headers).json()
    ] == [r.json()[0]["id"]]
    # the log is the admin's: a supervisor may not read it
    assert client.get(f"{EXPORTS}/log", headers=sup.headers).status_code == 403
    assert (
        client.get(f"{EXPORTS}/log", params={"limit": 501}, headers=admin.headers).status_code
        == 422
    )


def test_csv_streams_in_pages(client, county: County) -> None:
    admin = Phone(client, "admin", "d-ad")
    n = service.PAGE * 2 + 7
    for start in range(0, n, 500):
        ops = [
            admin.op("household", new_id(), household(county.village_b, head_name=f"户主{i:04d}"))
            for i in range(start, min(n, start + 500))
        ]
        admin.push_ok(ops)
    with open_session() as s:
        user = s.get(User, county.users["super_t1"])
        assert user is not None
        device = Device(user_id=user.id, device_id="not-a-phone")  # not stored: no id
        caller = Caller(user=user, device=device, scope=scope_for(s, user))
        req = service.prepare(caller, township_code=None, village_code=None, skew_flag_s=300)
    chunks = list(service.stream_csv("households", req))
    assert len(chunks) == 3  # a page of rows at a time, then the rest
    text = b"".join(chunks).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == n
    assert rows[0]["户主姓名"] == "户主0000"
    assert {r["身份证号"] for r in rows} == {"520623**********2X"}
    over_http = read_csv(client.get(f"{EXPORTS}/households.csv", headers=admin.headers))
    assert len(over_http) == n


def test_csv_safe() -> None:
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert csv_safe("-2+3") == "'-2+3"
    # A spreadsheet reads this as a formula too (and shows an error, not the number).
    assert csv_safe("+86 138-0000-0000") == "'+86 138-0000-0000"
    assert csv_safe("+8613800000000") == "+8613800000000"
    assert csv_safe("-35") == "-35"
    assert csv_safe("龙再华") == "龙再华"
    assert csv_safe(None) == ""
    assert csv_safe(datetime(2026, 11, 18, 18, 30)) == "2026-11-18 18:30:00"
