"""schemathesis against the app's own OpenAPI schema, with valid tokens, on a populated store.

Every operation gets generated requests, valid and invalid by the schema, sent with the
token of an admin, a supervisor or a cadre in turn (tests/security/world.py builds their
county). Every answer must be no server error and conform to the schema: a documented
status code, content type and body; valid input accepted, invalid input refused.
Bounded: ``MAX_EXAMPLES`` per operation and mode (``MINQING_SCHEMATHESIS_EXAMPLES``).
"""

import itertools
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from sqlalchemy import update

from backend.auth.models import Device, User
from backend.database import open_session
from backend.main import create_app
from backend.records.registry import REGISTRY
from tests.conftest import County
from tests.security.world import World, build

MAX_EXAMPLES = int(os.environ.get("MINQING_SCHEMATHESIS_EXAMPLES", "25"))
ROLES = ("admin", "super_t1", "cadre_a")

# Checks that do not apply, and why.
# Valid by the schema, refused by meaning — which no schema can say: a cursor is opaque (only
# the server's own are valid), a push must carry the caller's own device id, a cadre account
# needs villages; a tus upload the exact length of a photo record and the server's offset.
REFUSED_BY_MEANING = (
    "GET /api/v1/sync/pull",
    "POST /api/v1/sync/push",
    "POST /api/v1/users",
    "POST /api/v1/photos/uploads",
    "HEAD /api/v1/photos/uploads/{photo_id}",
    "PATCH /api/v1/photos/uploads/{photo_id}",
)
# A `since` date given as a number is read as a Unix time (pydantic's lax mode): `since=0`
# is 1970-01-01, not an error.
SINCE = (
    "GET /api/v1/households/counts",
    "POST /api/v1/supervision/rounds",
    "GET /api/v1/supervision/rounds/{round_id}",
    "GET /api/v1/reports/coverage",
    "GET /api/v1/reports/coverage.svg",
    "GET /api/v1/reports/spot-checks",
    "GET /api/v1/reports/spot-checks.svg",
    "GET /api/v1/reports/recall",
)
EXCLUDED = {label: [positive_data_acceptance] for label in REFUSED_BY_MEANING}
for label in SINCE:
    EXCLUDED.setdefault(label, []).append(negative_data_rejection)


@pytest.fixture
def world(client: httpx.Client, county: County) -> World:
    return build(client, county)


def _repair() -> None:
    """Fuzzed ids may revoke the callers' phones or disable them: undo it, so the tokens
    keep working for the next case (what those routes do is tested elsewhere)."""
    with open_session(write=True) as s:
        s.execute(update(Device).values(revoked_at=None))
        s.execute(update(User).values(is_active=True))
        s.commit()


def _fuzz(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    headers: Iterator[dict[str, str]],
) -> str | None:
    """Run one operation's examples in one mode; answers what schemathesis found, if anything."""
    excluded = EXCLUDED.get(operation.label, [])

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        try:
            case.call_and_validate(headers=next(headers), excluded_checks=excluded)
        finally:
            if case.method.upper() != "GET":
                _repair()

    try:
        run()
    except Unsatisfiable:
        return None  # nothing in this operation can be made invalid (no parameters)
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 — reported, then failed
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_api_conforms_to_its_schema(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
    # Unknown query parameters are ignored, as HTTP servers do; the token is ours to send.
    schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)
    headers = (world.headers[role] for role in itertools.cycle(ROLES))
    failures = [
        found
        for result in schema.get_all_operations()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (found := _fuzz(result.ok(), mode, headers))
    ]
    assert not failures, "\n\n".join(failures)


# ── the ops inside a push ───────────────────────────────────────────────────────────────
# A push's ``set`` is any object to the OpenAPI schema: each record type validates it with a
# schema of its own. Those schemas get the same treatment, through a schema made of them.


def _record_schemas() -> dict[str, Any]:
    """One operation per record type whose body is that type's data schema."""
    paths: dict[str, Any] = {}
    components: dict[str, Any] = {}
    for name, rt in REGISTRY.items():
        body = rt.schema.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        paths[f"/{name}"] = {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": body}},
                },
                "responses": {"200": {"description": "a verdict"}},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "record types", "version": "1"},
        "paths": paths,
        "components": {"schemas": components},
    }


def _with_real_parents(w: World, data: dict[str, Any]) -> dict[str, Any]:
    """References to records and places that exist, so the op goes past the scope checks."""
    real = {
        "village_code": w.codes["a"],
        "group_code": w.groups["a"],
        "household_id": w.ids["household"]["a"],
        "map_id": w.ids["condition_map"]["a"],
    }
    return {**data, **{k: v for k, v in real.items() if k in data}}


def _push_data(w: World, type_: str, data: dict[str, Any]) -> None:
    """The data as a create and as an edit of village a's record of the type, by its author
    (a visit is corrected only by its author)."""
    author = "admin" if type_ == "spot_check" else "cadre_a"
    edit = {k: v for k, v in data.items() if k not in REGISTRY[type_].immutable}
    ops = [
        {"op_id": str(uuid.uuid4()), "type": type_, "id": str(uuid.uuid4()), "set": data},
        {
            "op_id": str(uuid.uuid4()),
            "type": type_,
            "id": w.ids[type_]["a"],
            "base_version": 1,
            "set": edit,
        },
    ]
    body = {
        "device_id": f"m-{author}",
        "batch_id": str(uuid.uuid4()),
        "device_time": datetime.now(UTC).isoformat(),
        "ops": ops,
    }
    r = w.client.post("/api/v1/sync/push", json=body, headers=w.headers[author])
    # 422: the op envelope itself is unreadable (the PWA then splits the batch)
    assert r.status_code in (200, 422), r.text[:500]
    if r.status_code == 200:
        for res in r.json()["results"]:
            assert res["status"] in ("applied", "merged", "conflict", "rejected"), res
            assert res["status"] != "rejected" or res["error"]["message"], res


def _fuzz_type(w: World, operation: schemathesis.APIOperation, mode: GenerationMode) -> str | None:
    type_ = operation.path.strip("/")

    @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case, real: bool) -> None:
        # a body that is not a JSON object (even bytes, in negative mode) as one odd field
        data = case.body if isinstance(case.body, dict) else {"value": repr(case.body)}
        _push_data(w, type_, _with_real_parents(w, data) if real else data)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 — reported, then failed
        return f"{type_} ({mode.value}): {type(exc).__name__}: {exc}"[:3000]
    return None


def test_every_record_type_takes_any_data_without_a_server_error(world: World) -> None:
    """Generated data of every record type, valid and invalid by its schema, as a create and
    as an edit of an existing record: every push answers with one verdict per op (applied,
    merged, conflict, or rejected with a message), never a server error."""
    schema = schemathesis.openapi.from_dict(_record_schemas())
    failures = [
        found
        for result in schema.get_all_operations()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (found := _fuzz_type(world, result.ok(), mode))
    ]
    assert not failures, "\n\n".join(failures)


def test_nul_characters_are_refused_not_a_server_error(world: World) -> None:
    """PostgreSQL text cannot hold a NUL character: wherever one comes in — a query filter, a
    path id, a login, a record field, an op's type — the answer is a 4xx (SQLite keeps it:
    there a 200), never a 500. The generators above produce NULs only now and then."""
    w, nul = world, "\x00"
    headers = w.headers["admin"]
    for url in (
        "/api/v1/households?q=%00",
        "/api/v1/households?village_code=%00",
        "/api/v1/conflicts?type=%00",
        "/api/v1/maps?village_code=%00",
        "/api/v1/households/%00",
        "/api/v1/conflicts/%00",
        "/api/v1/maps/%00.svg",
        "/api/v1/supervision/rounds/%00",
    ):
        r = w.client.get(url, headers=headers)
        assert r.status_code < 500, (url, r.status_code, r.text)
    r = w.client.post(
        "/api/v1/auth/token", json={"username": f"a{nul}", "password": "x", "device_id": "d"}
    )
    assert r.status_code < 500, r.text
    r = w.client.patch(
        f"/api/v1/users/{w.users['spare_1']}", json={"display_name": nul}, headers=headers
    )
    assert r.status_code < 500, r.text
    for type_, data in [
        ("household", {"village_code": w.codes["a"], "head_name": f"户{nul}"}),
        ("member", {"household_id": nul, "name": "成员"}),
        (nul, {}),
    ]:
        op = {"op_id": str(uuid.uuid4()), "type": type_, "id": str(uuid.uuid4()), "set": data}
        body = {
            "device_id": "m-admin",
            "batch_id": str(uuid.uuid4()),
            "device_time": datetime.now(UTC).isoformat(),
            "ops": [op],
        }
        r = w.client.post("/api/v1/sync/push", json=body, headers=headers)
        assert r.status_code < 500, r.text
        if r.status_code == 200:
            assert r.json()["results"][0]["status"] == "rejected", r.text
