"""A value typed by the reviewer is judged like any other, in Chinese (issue 16: -100 for
the income answered "取值无效: Input should be greater than or equal to 0")."""

from tests.conftest import County
from tests.sync.phone import Phone
from tests.sync.test_conflicts import make_conflict


def test_a_bad_typed_value_is_refused_in_chinese(client, county: County) -> None:
    _a, _b, _hid, cid = make_conflict(client, county)
    sup = Phone(client, "super_t1", "d-s1")
    r = client.post(
        f"/api/v1/conflicts/{cid}/resolve",
        json={
            "fields": {
                "income_per_head": {"choice": "value", "value": -100},
                "phone": {"choice": "stored"},
            }
        },
        headers=sup.headers,
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"] == "取值无效 — 人均纯收入（元）：不能小于 0", body
    assert "Input should" not in r.text
