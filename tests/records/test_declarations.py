"""A registered type cannot be half-wired: each is in the published schema with every field
labelled, in the authorisation matrix's world, in the exports, and its scope rule leads the
phone (schema.js placeOf) to a village."""

import pytest

from backend.exports import columns
from backend.exports.service import SHEETS
from backend.messages import InvalidData
from backend.models import import_all
from backend.records.registry import REGISTRY
from tests.records.examples import example
from tests.security.world import KINDS


def test_every_type_is_published_whole(client, county) -> None:
    from tests.sync.phone import Phone

    import_all()
    phone = Phone(client, "cadre_a", "d-a1")
    r = client.get("/api/v1/schema", headers=phone.headers)
    assert r.status_code == 200
    assert (
        client.get(
            "/api/v1/schema", headers={**phone.headers, "If-None-Match": r.headers["etag"]}
        ).status_code
        == 304
    )
    assert client.get("/api/v1/schema").status_code == 401
    types = r.json()["types"]
    assert set(types) == set(REGISTRY)
    for name, rt in REGISTRY.items():
        entry = types[name]
        assert entry["label"], name
        assert entry["title"], f"{name}: which fields name a record to a person?"
        for field, prop in entry["schema"]["properties"].items():
            assert prop.get("title"), f"{name}.{field} has no label"
            assert prop["title"] != field, f"{name}.{field} has no label"
            names = prop.get("x-labels") or prop.get("items", {}).get("x-labels")
            choices = prop.get("enum") or prop.get("items", {}).get("enum") or []
            assert all(c is None or (names and c in names) for c in choices), (name, field)
        assert set(entry["schema"]["properties"]) == set(rt.fields)


def test_every_type_has_a_place_for_the_phone() -> None:
    import_all()
    for name, rt in REGISTRY.items():
        seen = {name}
        while rt.parent is not None:
            parent = REGISTRY.get(rt.parent[0])
            assert parent is not None, f"{name}: its parent type is not registered"
            assert rt.parent[1] in rt.fields, f"{name}: no field holds its parent"
            assert parent.name not in seen, f"{name}: its scope goes round in a circle"
            seen.add(parent.name)
            rt = parent
        assert rt.county_wide or rt.village_field in rt.fields, (
            f"{name}: the scope never reaches a village or the county"
        )


def test_every_type_is_in_the_authorisation_matrix() -> None:
    import_all()
    missing = set(REGISTRY) - set(KINDS)
    assert not missing, f"types the authorisation matrix never makes: {sorted(missing)}"
    # and the matrix can make a valid one of any type from its schema alone
    for rt in REGISTRY.values():
        data = example(rt, "520623100001", "520623100001001", dict.fromkeys(REGISTRY, "x" * 36))
        rt.canonical(data)  # valid by the declaration (raises InvalidData otherwise)


def test_every_exported_field_is_in_its_sheet() -> None:
    import_all()
    headers = {h.header for sheet in SHEETS.values() for h in sheet.columns}
    for name, rt in REGISTRY.items():
        assert rt.export is not None, f"{name}: say what its export holds (() for none)"
        for column in columns.data_columns(rt):
            assert column.header in headers, f"{name}: {column.header} is in no export sheet"


def test_a_declared_pattern_is_checked_on_both_sides() -> None:
    """SQLModel's ``regex=`` is ignored by pydantic 2: a phone number of letters was stored."""
    import_all()
    household = REGISTRY["household"]
    with pytest.raises(InvalidData) as refused:
        household.canonical({"village_code": "520623100001", "head_name": "龙", "phone": "电话"})
    assert refused.value.message == "联系电话：格式不正确"
    assert household.canonical(
        {"village_code": "520623100001", "head_name": "龙", "phone": "138-0000 0000"}
    )["phone"] == ("138-0000 0000")


def test_a_field_named_description_is_published() -> None:
    """Docstrings are dropped from the published schema, fields of that name are not."""
    from backend.records.schema import _inline

    node = {
        "description": "doc",
        "properties": {"description": {"type": "string", "description": "x"}},
    }
    assert _inline(node, {}) == {"properties": {"description": {"type": "string"}}}
