"""一户一策 measures, the first type added by a declaration alone: pushed, merged, pulled,
scoped, exported and refused in Chinese like every other type."""

import csv
import io

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def measure(hid: str, **extra: object) -> dict[str, object]:
    return {"household_id": hid, "title": "养牛 2 头", "kind": "industry", **extra}


def test_measures_sync_merge_and_stay_in_scope(client, county: County) -> None:
    a, a2 = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    c = Phone(client, "cadre_c", "d-c1")
    hid, mid = new_id(), new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    [r] = a.push_ok([a.op("measure", mid, measure(hid, owner="龙再华", funds=8000))])
    assert r["status"] == "applied"
    # two cadres change different fields of one measure: both stand
    a.push_ok([a.op("measure", mid, {"status": "under_way"}, base=1)])
    [r] = a2.push_ok([a2.op("measure", mid, {"result": "已购牛 1 头"}, base=1)])
    assert r["status"] == "merged"
    pulled = {x["id"]: x for x in a2.pull_all()[0]}
    assert pulled[mid]["data"]["status"] == "under_way"
    assert pulled[mid]["data"]["result"] == "已购牛 1 头"
    # another village's cadre neither sees nor adds to it
    assert mid not in {x["id"] for x in c.pull_all()[0]}
    [r] = c.push_ok([c.op("measure", new_id(), measure(hid))])
    assert r["error"]["code"] == "unknown_parent"


def test_bad_measures_are_refused_in_chinese(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    for data, words in [
        (measure(hid, title=""), "措施内容：至少 1 个字"),
        (measure(hid, funds=10_000_001), "投入资金（元）：不能大于 10000000"),
        (measure(hid, status="finished"), "进展：不在可选范围内"),
        (measure(hid, done_on="2999-01-01"), "实际完成日期：不能晚于今天"),
    ]:
        [r] = a.push_ok([a.op("measure", new_id(), data)])
        assert r["status"] == "rejected", data
        assert r["error"]["message"] == f"数据有误 — {words}"


def test_measures_export_with_chinese_headers(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    hid, mid = new_id(), new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("measure", mid, measure(hid, status="done", done_on="2026-11-01"))])
    sup = Phone(client, "super_t1", "d-s1")
    r = client.get("/api/v1/exports/measure.csv", headers=sup.headers)
    assert r.status_code == 200, r.text
    [row] = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert (row["编号"], row["措施内容"], row["措施类别"], row["进展"]) == (
        mid,
        "养牛 2 头",
        "产业扶持",
        "已完成",
    )
    # a village outside the supervisor's township is not found; another one's has none
    outside = {"village_code": county.village_c}
    assert (
        client.get("/api/v1/exports/measure.csv", params=outside, headers=sup.headers).status_code
        == 404
    )
    county_sup = Phone(client, "super_county", "d-s2")
    r = client.get("/api/v1/exports/measure.csv", params=outside, headers=county_sup.headers)
    assert list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))) == []
