"""The village base's reports against counts made by hand from the values pushed here."""

import csv
import io

from openpyxl import load_workbook

from backend.villagebase.defaults import indicator_id
from backend.villagebase.records import value_id
from tests.conftest import County, login
from tests.sync.phone import Phone
from tests.villagebase.test_records import install_defaults

THIS, LAST = 2026, 2025
URL = "/api/v1/village-base"


def fill(client, county: County) -> None:
    ids = install_defaults(county)
    a, b, c = county.village_a, county.village_b, county.village_c
    plan = {
        ("cadre_a", a): {
            THIS: {"CY01": 0, "JC01": True, "JZ03": 2, "ZZ02": False},
            LAST: {"CY01": 20_000, "JC01": False, "JZ03": 5, "ZZ02": False},
        },
        ("cadre_b", b): {
            THIS: {"CY01": 350_000, "JC01": True, "CY02": "茶叶", "JC04": "只通4G", "SQ03": "修路"},
            LAST: {"CY01": 0, "JC01": True},
        },
        ("cadre_c", c): {LAST: {"CY01": 1_200_000}},
    }
    field = {bool: "value_yes", int: "value_number", str: "value_text"}
    for (user, village), years in plan.items():
        p = Phone(client, user, f"d-{user}")
        ops = [
            p.op(
                "indicator_value",
                value_id(village, year, ids[code]),
                {
                    "village_code": village,
                    "year": year,
                    "indicator_id": ids[code],
                    field[type(v)]: v,
                },
            )
            for year, values in years.items()
            for code, v in values.items()
        ]
        assert {r["status"] for r in p.push_ok(ops)} == {"applied"}


def test_the_county_report_equals_the_counts_made_by_hand(client, county: County) -> None:
    fill(client, county)
    sup = login(client, "super_county", "d-sup")
    r = client.get(f"{URL}/report", params={"year": THIS}, headers=sup)
    assert r.status_code == 200, r.text
    rep = r.json()
    assert (rep["indicators"], rep["shihao_items"], rep["villages"]) == (27, 10, 3)
    tiers = {t["code"]: (t["villages"], t["last_year"]) for t in rep["tiers"]}
    assert tiers == {
        "shell": (1, 1),
        "lt5": (0, 1),
        "5to30": (0, 0),
        "30to50": (1, 0),
        "50to100": (0, 0),
        "gt100": (0, 1),
        "none": (1, 0),
    }
    assert rep["empty_shell"] == [county.village_a]
    assert rep["empty_shell_last_year"] == 1
    assert rep["completeness"] == round(9 / 81, 4)
    rows = {v["code"]: v for v in rep["rows"]}
    a, b, c = rows[county.village_a], rows[county.village_b], rows[county.village_c]
    assert (a["filled"], a["met"], a["not_met"], a["met_last_year"]) == (4, 1, 3, 0)
    assert [n["code"] for n in a["not_met_list"]] == ["CY01", "JZ03", "ZZ02"]
    assert (a["newly_met"], a["newly_not_met"], a["shihao_met"]) == (["JC01"], [], 1)
    assert (a["income"], a["income_last_year"], a["tier"]) == (0, 20_000, "shell")
    assert (b["filled"], b["met"], b["not_met"], b["met_last_year"]) == (5, 3, 1, 1)
    assert (b["newly_met"], b["shihao_met"], b["tier_last_year"]) == (["CY01", "CY02"], 3, "shell")
    assert [n["value"] for n in b["not_met_list"]] == ["只通4G"]
    assert (c["filled"], c["met"], c["met_last_year"], c["completeness"]) == (0, 0, 1, 0)
    # the admin raises the bar: the same values, judged by the new rule
    admin = Phone(client, "admin", "d-ad")
    cy01 = indicator_id(county.county, "CY01")
    [res] = admin.push_ok([admin.op("indicator", cy01, {"threshold": 400_000}, base=1)])
    assert res["status"] == "applied"
    rep = client.get(f"{URL}/report", params={"year": THIS}, headers=sup).json()
    b = next(v for v in rep["rows"] if v["code"] == county.village_b)
    assert (b["met"], b["not_met"]) == (2, 2)


def test_the_charts_and_files_say_the_same(client, county: County) -> None:
    fill(client, county)
    sup = login(client, "super_county", "d-sup")
    svg = client.get(f"{URL}/tiers.svg", params={"year": THIS}, headers=sup)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "空壳村（0元）" in svg.text
    assert "1 个（上年 1）" in svg.text
    svg = client.get(f"{URL}/not-met.svg", params={"year": THIS}, headers=sup)
    assert "茅坡村" in svg.text
    assert "村集体经济收入、剩余危房、乡贤会" in svg.text
    text = client.get(f"{URL}/report.csv", params={"year": THIS}, headers=sup).content
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0][:4] == ["乡镇", "村", "集体经济收入（元）", "收入分档"]
    assert [(r[1], r[2], r[3], r[8]) for r in rows[1:]] == [
        ("茅坡村", "0", "空壳村（0元）", "3"),
        ("朱家场村", "350000", "30万–50万元", "1"),
        ("彰寨村", "", "未填报", "0"),
    ]
    body = client.get(f"{URL}/report.xlsx", params={"year": THIS}, headers=sup).content
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["各村汇总", "未达标指标"]
    assert wb["各村汇总"].max_row == 4
    detail = list(wb["未达标指标"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == 4
    assert ("平溪街道", "茅坡村", "ZZ02", "乡贤会", "否") in detail
    assert ("平溪街道", "茅坡村", "JZ03", "剩余危房", 2) in detail


def test_a_township_supervisor_sees_their_township_only(client, county: County) -> None:
    fill(client, county)
    town = login(client, "super_t1", "d-t1")
    rep = client.get(f"{URL}/report", params={"year": THIS}, headers=town).json()
    assert {v["code"] for v in rep["rows"]} == {county.village_a, county.village_b}
    assert rep["empty_shell"] == [county.village_a]
    for path in ("report", "tiers.svg", "report.csv"):
        r = client.get(f"{URL}/{path}", params={"township_code": county.township_2}, headers=town)
        assert r.status_code == 404
    cadre = login(client, "cadre_a", "d-ca")
    assert client.get(f"{URL}/report", headers=cadre).status_code == 403
