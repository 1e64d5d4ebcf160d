"""The printable family file: its text (read back with pdftotext) holds the household's
fields, members, measures with status and result, visits and signature lines; ID numbers
whole for the cadre, masked for a supervisor; 404 outside the caller's scope."""

import shutil
import subprocess

import pytest

from tests.conftest import County
from tests.records.examples import VALID_ID
from tests.sync.phone import Phone, household, new_id

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")

HEAD_ID = "52062319650312052X"


def text_of(pdf: bytes) -> str:
    """The PDF's text without white space: a narrow table cell wraps its words."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode("utf-8").split())


def flat(words: str) -> str:
    return "".join(words.split())


def _file(client, county: County) -> tuple[str, str]:
    a = Phone(client, "cadre_a", "d-a")
    h1, h2 = new_id(), new_id()
    a.push_ok(
        [
            a.op(
                "household",
                h1,
                household(
                    county.village_a,
                    county.groups[county.village_a][0],
                    head_name="龙再华",
                    id_number=HEAD_ID,
                    causes=["illness", "no_skills"],
                    income_per_head=3680,
                    pairing_cadre="杨建国",
                ),
            ),
            a.op("household", h2, household(county.village_a, head_name="吴秀英", id_number=None)),
            a.op(
                "member",
                new_id(),
                {"household_id": h1, "name": "龙小军", "relation": "child", "id_number": VALID_ID},
            ),
            a.op(
                "measure",
                new_id(),
                {
                    "household_id": h1,
                    "title": "养牛 2 头",
                    "kind": "industry",
                    "helping_unit": "县农业农村局",
                    "funds": 6000,
                    "status": "done",
                    "done_on": "2026-10-01",
                    "result": "已出栏 1 头",
                    "income_per_year": 4500,
                },
            ),
            a.op(
                "measure",
                new_id(),
                {"household_id": h1, "title": "技能培训", "kind": "employment"},
            ),
            a.op(
                "visit",
                new_id(),
                {
                    "household_id": h1,
                    "kind": "revisit",
                    "occurred_at": "2026-11-20T10:00:00+08:00",
                    "notes": "牛已出栏，收入增加",
                },
            ),
        ]
    )
    # a 三单制 order of the household, fulfilled by a party member of the village
    item, order, party = new_id(), new_id(), new_id()
    a.push_ok(
        [
            a.op("branch_item", item, {"village_code": county.village_a, "name": "中蜂养殖技术指导"}),
            a.op("household_order", order, {"household_id": h1, "item_id": item, "placed_on": "2026-10-03"}),
            a.op("member", party, {"household_id": h2, "name": "吴支书", "relation": "head", "party_member": True}),
            a.op(
                "order_claim", new_id(),
                {"order_id": order, "member_id": party, "claimed_on": "2026-10-05",
                 "progress": "fulfilled", "fulfilled_on": "2026-10-20"},
            ),
        ]
    )  # fmt: skip
    return h1, h2


def test_the_family_file_holds_the_household_and_masks_for_a_supervisor(
    client, county: County
) -> None:
    h1, _h2 = _file(client, county)
    a = Phone(client, "cadre_a", "d-a")
    r = client.get(f"/api/v1/households/{h1}.pdf", headers=a.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = text_of(r.content)
    for words in (
        "家庭档案",
        "茅坡村",
        "龙再华",
        HEAD_ID,  # the cadre who keeps the file sees the whole number
        "因病、缺技术",
        "3680",
        "杨建国",
        "龙小军",
        VALID_ID,
        "养牛 2 头",
        "产业扶持",
        "县农业农村局",
        "已完成",
        "已出栏 1 头",
        "2026-10-01",
        "4500",
        "技能培训",
        "计划中",
        "牛已出栏，收入增加",
        "群众点单",
        "中蜂养殖技术指导",
        "2026-10-03",
        "已办结",
        "户主（签字）",
    ):
        assert flat(words) in text, words

    sup = Phone(client, "super_t1", "d-s")
    text = text_of(client.get(f"/api/v1/households/{h1}.pdf", headers=sup.headers).content)
    assert "龙再华" in text
    assert "养牛2头" in text
    assert HEAD_ID not in text
    assert VALID_ID not in text
    assert "520623**********2X" in text
    assert "520623**********18" in text


def test_a_village_in_one_pdf_and_nothing_outside_the_scope(client, county: County) -> None:
    h1, _h2 = _file(client, county)
    a, c = Phone(client, "cadre_a", "d-a"), Phone(client, "cadre_c", "d-c")
    r = client.get(f"/api/v1/villages/{county.village_a}/households.pdf", headers=a.headers)
    assert r.status_code == 200, r.text
    text = text_of(r.content)
    assert "龙再华" in text
    assert "吴秀英" in text
    assert text.count("户主（签字）") == 2
    # outside the caller's villages: not found, as if it did not exist
    assert client.get(f"/api/v1/households/{h1}.pdf", headers=c.headers).status_code == 404
    r = client.get(f"/api/v1/villages/{county.village_a}/households.pdf", headers=c.headers)
    assert r.status_code == 404
    sup = Phone(client, "super_t1", "d-s")
    r = client.get(f"/api/v1/villages/{county.village_c}/households.pdf", headers=sup.headers)
    assert r.status_code == 404
    assert client.get(f"/api/v1/households/{new_id()}.pdf", headers=a.headers).status_code == 404
