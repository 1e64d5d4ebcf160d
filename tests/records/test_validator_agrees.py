"""The phone refuses what the server refuses, with the same words.

One set of cases is generated from the declarations' published schema — for every type, a
valid record, and for each field a value at each of its limits and just past it, a wrong
type, a missing value, plus the engine's own keywords and rules. Each case goes through the
server's validation (``RecordType.canonical``, what a push runs) and through the phone's
validator (pwa/src/validate.js, under Node); the verdicts and the messages must be equal.
"""

import json
import random
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.messages import InvalidData
from backend.models import import_all
from backend.records import idnumber
from backend.records.registry import REGISTRY
from backend.records.schema import published
from backend.timeutil import today
from tests.conftest import ROOT
from tests.records.examples import (
    VALID_ID,
    base_data,
    main_type as _main_type,
    types_of as _types,
    valid_value as _valid,
)

NODE = shutil.which("node")


def _field_cases(name: str, prop: dict[str, Any], now: date) -> list[Any]:
    """Values of one field at and past each of its limits."""
    kind = _main_type(prop)
    out: list[Any] = [None, 5 if kind in ("string", "array", "object") else "abc"]
    if "null" in _types(prop):
        out.append(None)
    if "enum" in prop:
        return [*out, *[v for v in prop["enum"] if v is not None], "bogus"]
    if kind == "string":
        fmt = prop.get("format")
        if fmt == "date":
            out += ["2020-02-29", "2021-02-29", "01/02/2020", now.isoformat()]
            if prop.get("x-notAfterToday"):
                out.append((now + timedelta(days=1)).isoformat())
            if (years := prop.get("x-yearsBack")) is not None:
                edge = now.replace(year=now.year - years)
                out += [edge.isoformat(), (edge - timedelta(days=1)).isoformat()]
        elif fmt == "date-time":
            out += ["2026-11-20T10:00:00+08:00", "2026-13-01T00:00:00+08:00"]
            out += ["1899-12-31T23:00:00+08:00", "2199-12-31T23:00:00+08:00", "abc"]
        elif fmt == "cn-id-number":
            out += [VALID_ID, VALID_ID[:-1] + "9", "12345", VALID_ID[:-1] + "X"]
        elif "pattern" in prop:
            out += ["13800000000", "电话", "+86 138-0000-0000"]
        else:
            top = prop.get("maxLength", 10)
            out += ["字" * top, "字" * (top + 1), "a\u0001b", "a\nb", "a\tb", "a\ufffeb"]
            if prop.get("minLength"):
                out += ["字" * prop["minLength"], "字" * (prop["minLength"] - 1)]
    elif kind in ("integer", "number"):
        lo, hi = prop.get("minimum"), prop.get("maximum")
        out += [v for v in (lo, hi) if v is not None]
        out += [lo - 1 for _ in [0] if lo is not None] + [hi + 1 for _ in [0] if hi is not None]
        out.append(1.5)
    elif kind == "boolean":
        out += [True, False]
    elif kind == "array":
        items = prop.get("items", {})
        one = _valid(items)
        top = prop.get("maxItems", 3)
        many = items.get("enum") or [one]
        out += [[one], [many[i % len(many)] for i in range(top)]]
        out += [[many[i % len(many)] for i in range(top + 1)], ["bogus" if "enum" in items else 5]]
        if items.get("maxLength"):
            out += [["字" * items["maxLength"]], ["字" * (items["maxLength"] + 1)], ["a\u0001"]]
    elif kind == "object":
        good = _valid(prop)
        out += [good, {**good, "bogus": 1}]
        for sub, p in prop["properties"].items():
            if "maximum" in p:
                out.append({**good, sub: p["maximum"] + 1})
            if "minimum" in p:
                out.append({**good, sub: p["minimum"] - 1})
            out.append({k: v for k, v in good.items() if k != sub})
    return out


def _cases(schema: dict[str, Any], now: date) -> list[dict[str, Any]]:
    cases = []
    for type_name, entry in schema["types"].items():
        base = base_data(entry)
        cases.append({"type": type_name, "data": base})
        cases.append({"type": type_name, "data": {**base, "bogus": 1}})
        for name, prop in entry["schema"]["properties"].items():
            cases.append({"type": type_name, "data": {k: v for k, v in base.items() if k != name}})
            for value in _field_cases(name, prop, now):
                cases.append({"type": type_name, "data": {**base, name: value}})
        for rule in entry["rules"]:
            if rule["rule"] == "not_before":
                for day in ("2026-11-19", "2026-11-20", "2026-11-21"):
                    data = {**base, rule["other"]: "2026-11-20T23:30:00+08:00", rule["field"]: day}
                    cases.append({"type": type_name, "data": data})
            if rule["rule"] in ("required_unless", "required_when"):
                gone = next(
                    v
                    for v in entry["schema"]["properties"][rule["other"]]["enum"]
                    if v != rule["value"]
                )
                for status in (rule["value"], gone):
                    for day in (None, (now - timedelta(days=1)).isoformat()):
                        data = {**base, rule["other"]: status, rule["field"]: day}
                        cases.append({"type": type_name, "data": data})
            if rule["rule"] == "id_matches":
                for born, sex in [
                    ("1970-01-01", "male"),
                    ("1970-01-02", "male"),
                    ("1970-01-01", "female"),
                    (None, None),
                ]:
                    data = {**base, rule["field"]: VALID_ID, rule["birth"]: born, rule["sex"]: sex}
                    cases.append({"type": type_name, "data": data})
    return cases


def _server(type_name: str, data: dict[str, Any]) -> list[str]:
    try:
        REGISTRY[type_name].canonical(data)
    except InvalidData as exc:
        return [f"{e['label']}：{e['message']}" if e["label"] else e["message"] for e in exc.errors]
    return []


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_phone_and_the_server_give_the_same_verdicts(tmp_path: Path) -> None:
    import_all()
    schema = json.loads(published()[0])
    now = today()
    cases = _cases(schema, now)
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"schema": schema, "today": now.isoformat(), "cases": cases}))
    run = subprocess.run(
        [NODE, str(ROOT / "tests" / "records" / "run_cases.mjs"), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    phone = json.loads(run.stdout)
    server = [_server(c["type"], c["data"]) for c in cases]
    disagree = [
        (c["type"], c["data"], s, p)
        for c, s, p in zip(cases, server, phone, strict=True)
        if sorted(s) != sorted(p)
    ]
    assert not disagree, "\n".join(map(str, disagree[:10]))
    # The cases are not all trivially valid or all invalid: both verdicts are exercised,
    # and every error template the engine's keywords and rules use appears at least once.
    refused = [s for s in server if s]
    assert 100 < len(refused) < len(cases) - 10, (len(refused), len(cases))
    said = "".join(m for s in server for m in s)
    for words in (
        "校验码不正确",
        "不能晚于今天",
        "年前",
        "与身份证号不符",
        "不能早于",
        "控制字符",
        "以外时必须填写",
        "”时必须填写",
    ):
        assert words in said, words


def test_check_digit_and_what_an_id_number_says() -> None:
    assert idnumber.valid("11010519491231002X")
    assert not idnumber.valid("110105194912310021")
    assert idnumber.birth_date(VALID_ID) == date(1970, 1, 1)
    assert idnumber.sex(VALID_ID) == "male"
    assert idnumber.mask(VALID_ID) == "520623**********18"


def test_the_fast_check_character_is_the_weighted_sum() -> None:
    """``check_character`` reads ASCII digits in base 13 (see there): the same answer as
    the standard's weighted sum, for every number, and the sum still for anything else."""
    rng = random.Random(11643)
    numbers = [
        "0" * 17,
        "9" * 17,
        *("".join(rng.choices("0123456789", k=17)) for _ in range(20_000)),
    ]
    for first17 in numbers:
        weighted = sum(int(d) * w for d, w in zip(first17, idnumber.WEIGHTS, strict=True))
        assert idnumber.check_character(first17) == idnumber.CHECK[weighted % 11], first17
    assert idnumber.check_character("١" * 17) == idnumber.check_character("1" * 17)  # Arabic-Indic


def test_canonical_data_is_its_own_canonical_form() -> None:
    """A push validates an edit once when the merge takes every field it sets
    (backend/sync/push.py): that holds only if canonical data comes back unchanged."""
    import_all()
    schema = json.loads(published()[0])
    accepted = 0
    for case in _cases(schema, today()):
        rt = REGISTRY[case["type"]]
        try:
            once = rt.canonical(case["data"])
        except InvalidData:
            continue
        accepted += 1
        assert rt.canonical(once) == once, case
    assert accepted > 100
