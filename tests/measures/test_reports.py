"""The 一户一策 report's figures equal counts made by hand, in the caller's scope only."""

import csv
import io

from openpyxl import load_workbook

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

PAST, FUTURE = "2026-01-31", "2999-12-31"


def _seed(client, county: County) -> None:
    a, c = Phone(client, "cadre_a", "d-a"), Phone(client, "cadre_c", "d-c")
    ha, ha_gone, hc = new_id(), new_id(), new_id()
    a.push_ok(
        [
            a.op("household", ha, household(county.village_a)),
            a.op("household", ha_gone, household(county.village_a)),
        ]
    )
    c.push_ok([c.op("household", hc, household(county.village_c))])

    def m(hid: str, kind: str, status: str, due: str | None, unit: str | None, **x: object):
        data = {"household_id": hid, "title": "措施", "kind": kind, "status": status}
        if status == "done":  # a measure marked done says when
            data["done_on"] = "2026-10-01"
        return {**data, "due_on": due, "helping_unit": unit, **x}

    a.push_ok(
        [
            # village A: 5 measures — 2 done, 1 dropped, 2 overdue (1 planned, 1 under way)
            a.op("measure", new_id(), m(ha, "industry", "done", PAST, "县农业局", income_per_year=3000, funds=5000)),
            a.op("measure", new_id(), m(ha, "industry", "planned", PAST, "县农业局", funds=2000)),
            a.op("measure", new_id(), m(ha, "employment", "under_way", PAST, None)),
            a.op("measure", new_id(), m(ha, "employment", "done", FUTURE, "县人社局", income_per_year=12000)),
            a.op("measure", new_id(), m(ha, "housing", "dropped", PAST, "县农业局")),
            # planned but not yet due, and one with no due date: neither is overdue
            a.op("measure", new_id(), m(ha, "housing", "planned", FUTURE, "县住建局")),
            a.op("measure", new_id(), m(ha, "other", "planned", None, None)),
            # a measure of a household since deleted does not count, nor a deleted measure
            a.op("measure", (gone := new_id()), m(ha_gone, "industry", "planned", PAST, "县农业局")),
            a.op("measure", (deleted := new_id()), m(ha, "industry", "planned", PAST, "县农业局")),
        ]
    )  # fmt: skip
    a.push_ok([a.op("household", ha_gone, None, base=1, delete=True)])
    a.push_ok([a.op("measure", deleted, None, base=1, delete=True)])
    assert gone
    # village C (the other township): 1 overdue
    c.push_ok([c.op("measure", new_id(), m(hc, "industry", "planned", PAST, "县农业局"))])


def test_figures_equal_hand_counts_in_scope(client, county: County) -> None:
    _seed(client, county)
    sup = Phone(client, "super_county", "d-s")
    r = client.get("/api/v1/measures/report", headers=sup.headers)
    assert r.status_code == 200, r.text
    rep = r.json()
    # by hand: village A 7 live (2 done, 1 dropped, 2 overdue) + village C 1 (overdue)
    t = rep["total"]
    assert (t["total"], t["done"], t["dropped"], t["overdue"]) == (8, 2, 1, 3)
    assert rep["rate"] == round(2 / 7, 4)
    assert t["income_per_year"] == 15000
    assert t["funds"] == 7000
    kinds = {k["kind"]: (k["total"], k["done"], k["overdue"]) for k in rep["by_kind"]}
    assert kinds == {
        "industry": (3, 1, 2),
        "employment": (2, 1, 1),
        "housing": (2, 0, 0),
        "other": (1, 0, 0),
    }
    assert [k["label"] for k in rep["by_kind"]] == ["产业扶持", "就业扶持", "住房保障", "其他"]
    villages = {v["village_code"]: (v["total"], v["done"], v["overdue"]) for v in rep["by_village"]}
    assert villages == {county.village_a: (7, 2, 2), county.village_c: (1, 0, 1)}
    units = {u["helping_unit"]: (u["total"], u["overdue"]) for u in rep["by_unit"]}
    assert units == {
        "县农业局": (4, 2),
        "（未填帮扶单位）": (2, 1),
        "县人社局": (1, 0),
        "县住建局": (1, 0),
    }
    assert rep["by_unit"][0]["helping_unit"] == "县农业局"  # the most overdue first

    # a township supervisor sees their township only; outside it is not found
    t1 = Phone(client, "super_t1", "d-t1")
    rep = client.get("/api/v1/measures/report", headers=t1.headers).json()
    assert (rep["total"]["total"], rep["total"]["overdue"]) == (7, 2)
    for params in ({"township_code": county.township_2}, {"village_code": county.village_c}):
        r = client.get("/api/v1/measures/report", params=params, headers=t1.headers)
        assert r.status_code == 404
    # cadres read their own plans on the phone, not the county's report
    a = Phone(client, "cadre_a", "d-a")
    assert client.get("/api/v1/measures/report", headers=a.headers).status_code == 403


def test_the_report_as_csv_and_xlsx(client, county: County) -> None:
    _seed(client, county)
    sup = Phone(client, "super_county", "d-s")
    r = client.get("/api/v1/measures/report.csv", params={"table": "unit"}, headers=sup.headers)
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["帮扶单位"]: row["逾期"] for row in rows}["县农业局"] == "2"
    r = client.get("/api/v1/measures/report.xlsx", headers=sup.headers)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    assert wb.sheetnames == ["按类别", "按村", "按帮扶单位"]
    villages = list(wb["按村"].iter_rows(values_only=True))
    assert villages[0][:4] == ("乡镇", "村", "村代码", "措施数")
    assert {row[2]: row[3] for row in villages[1:]} == {county.village_a: 7, county.village_c: 1}
