"""Authorisation matrix: every route × every role and scope (OWASP API1 and API5).

For every route of the app and every actor (tests/security/world.py): 401 without a valid
token, 403 where the role may not act, 404 for an object outside the caller's scope (the
same answer as for one that does not exist), and no answer — JSON, CSV, XLSX or SVG —
carries an id, code, name or marker from outside the caller's scope, while the lists do
carry what is inside it. Pushes: every op type, to every village, by every role: outside the
scope a rejected verdict and nothing written.

``test_every_route_is_in_the_matrix`` fails when the app gains a route the matrix lacks.
"""

import io
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backend.database import open_session
from backend.records.models import RecordConflict, RecordHistory
from backend.records.registry import REGISTRY, UNMASKED_ROLES
from tests.conftest import County
from tests.photos.helpers import create_headers, patch_headers, plant_example_bytes
from tests.records.examples import an_edit, example
from tests.security.world import (
    ACTORS,
    CHECKER,
    HAND_MADE,
    KINDS,
    MAKER,
    ROLE,
    SCOPE,
    TIED,
    VILLAGES,
    World,
    build,
    reach,
)
from tests.sync.phone import household, new_id

ALLOWED = {
    "any": {"cadre", "supervisor", "admin"},
    "writer": {"cadre", "admin"},
    "reviewer": {"supervisor", "admin"},
    "admin": {"admin"},
}
NOWHERE = frozenset({"-"})  # the scope of an object that does not exist
EXPORT_KINDS = ("households", "members", "visits", "spot-checks")
ID_NUMBER = household("")["id_number"]  # every household of the world has it


@dataclass(frozen=True)
class Target:
    """Whose scope reaches the object: ``all`` of its villages must be in scope (a record, a
    round over a township), or ``any`` (a township filter: one village of it is enough)."""

    villages: frozenset[str]
    rule: str = "all"

    def reached_by(self, scope: frozenset[str]) -> bool:
        if self.rule == "any":
            return bool(self.villages & scope)
        return self.villages <= scope


@dataclass
class Variant:
    url: str
    kw: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None
    ok: int = 200
    outside: int = 404
    # substrings a successful answer must carry, given the caller's scope
    must: Callable[[frozenset[str]], set[str]] | None = None


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # the route's path template, as the app lists it
    who: str  # public | any | reviewer | admin
    variants: Callable[[World, str], list[Variant]]


def _one(url: str, **kw: Any) -> Callable[[World, str], list[Variant]]:
    return lambda w, actor: [Variant(url, **kw)]


def _ids(w: World, kinds: tuple[str, ...]) -> Callable[[frozenset[str]], set[str]]:
    return lambda scope: {w.ids[k][v] for k in kinds for v in scope}


def _township_filters(w: World, url: str, ok: int = 200) -> list[Variant]:
    """The route unfiltered, then filtered by each township: 404 outside the scope."""
    out = [Variant(url, ok=ok)]
    for t in sorted(set(w.township_of.values())):
        vs = frozenset(v for v, tt in w.township_of.items() if tt == t)
        out.append(Variant(url, {"params": {"township_code": t}}, Target(vs, "any"), ok=ok))
    return out


def _objects(w: World, url: Callable[[str], str], ids: dict[str, str], **kw: Any) -> list[Variant]:
    """One variant per village's object, and one for an object that does not exist."""
    out = [Variant(url(ids[v]), target=Target(frozenset(v)), **kw) for v in VILLAGES]
    out.append(Variant(url(str(uuid.uuid4())), target=Target(NOWHERE), **kw))
    return out


def _households(w: World, actor: str) -> list[Variant]:
    must = lambda scope: {w.markers[v] for v in scope}  # noqa: E731
    out = [Variant("/api/v1/households", must=must)]
    for v in VILLAGES:
        out += [
            Variant("/api/v1/households", {"params": {"village_code": w.codes[v]}}),
            Variant("/api/v1/households", {"params": {"group_code": w.groups[v]}}),
            Variant("/api/v1/households", {"params": {"q": w.markers[v]}}),
        ]
    return out


def _counts(w: World, actor: str) -> list[Variant]:
    url = "/api/v1/households/counts"
    out = _township_filters(w, url)
    out += [
        Variant(url, {"params": {"village_code": w.codes[v]}}, Target(frozenset(v)))
        for v in VILLAGES
    ]
    return out


def _push(w: World, actor: str) -> list[Variant]:
    body = {
        "device_id": f"m-{actor}",
        "batch_id": str(uuid.uuid4()),
        "device_time": datetime.now(UTC).isoformat(),
        "ops": [],
    }
    # Another phone's device id: a phone cannot speak for another.
    other = {**body, "batch_id": str(uuid.uuid4()), "device_id": "w-admin"}
    return [
        Variant("/api/v1/sync/push", {"json": body}),
        Variant("/api/v1/sync/push", {"json": other}, ok=400),
    ]


def _pull(w: World, actor: str) -> list[Variant]:
    # a phone holds the types its role works on in the field (RecordType.pulled_by)
    from backend.records.registry import REGISTRY

    kinds = tuple(name for name, rt in REGISTRY.items() if ROLE.get(actor) in rt.pulled_by)
    return [Variant("/api/v1/sync/pull", {"params": {"limit": 1000}}, must=_ids(w, kinds))]


def _conflicts(w: World, actor: str) -> list[Variant]:
    out = [Variant("/api/v1/conflicts", must=_ids(w, ("conflict",)))]
    out += [
        Variant("/api/v1/conflicts", {"params": {"village_code": w.codes[v]}}) for v in VILLAGES
    ]
    return out


def _maps(w: World, actor: str) -> list[Variant]:
    out = [Variant("/api/v1/maps", must=_ids(w, ("condition_map",)))]
    out += [Variant("/api/v1/maps", {"params": {"village_code": w.codes[v]}}) for v in VILLAGES]
    return out


def _create_user(w: World, actor: str) -> list[Variant]:
    body = {
        "username": f"new_by_{actor}",
        "password": "a-new-password-1",
        "role": "cadre",
        "villages": [w.codes["a"]],
    }
    # A village of another county is unknown to its admin: 422, and nothing made.
    return [Variant("/api/v1/users", {"json": body}, Target(frozenset("a")), ok=201, outside=422)]


def _users(suffix: str, body: dict[str, Any], ok: int) -> Callable[[World, str], list[Variant]]:
    def variants(w: World, actor: str) -> list[Variant]:
        out = [
            Variant(f"/api/v1/users/{w.users[u]}{suffix}", {"json": body}, Target(villages), ok=ok)
            for u, villages in (("spare_1", frozenset("abc")), ("spare_x", frozenset("x")))
        ]
        out.append(Variant(f"/api/v1/users/999999{suffix}", {"json": body}, Target(NOWHERE), ok=ok))
        return out

    return variants


def _device(action: str):  # type: ignore[no-untyped-def]
    def variants(w: World, actor: str) -> list[Variant]:
        out = [
            Variant(f"/api/v1/devices/{w.devices[u]}/{action}", target=Target(villages))
            for u, villages in (("spare_1", frozenset("abc")), ("spare_x", frozenset("x")))
        ]
        out.append(Variant(f"/api/v1/devices/999999/{action}", target=Target(NOWHERE)))
        return out

    return variants


def _rounds(suffix: str) -> Callable[[World, str], list[Variant]]:
    def variants(w: World, actor: str) -> list[Variant]:
        out = [
            Variant(f"/api/v1/supervision/rounds/{rid}{suffix}", target=Target(villages))
            for rid, villages in w.rounds.values()
        ]
        out.append(
            Variant(f"/api/v1/supervision/rounds/{uuid.uuid4()}{suffix}", target=Target(NOWHERE))
        )
        return out

    return variants


def _draw(w: World, actor: str) -> list[Variant]:
    """A round of the caller's scope, then one per township: 404 outside the scope."""
    out = [Variant("/api/v1/supervision/rounds", ok=201)]
    for v in _township_filters(w, "/api/v1/supervision/rounds")[1:]:
        body = {"township_code": v.kw["params"]["township_code"]}
        out.append(Variant(v.url, {"json": body}, v.target, ok=201))
    return out


def _exports(url: str, must_markers: bool = False) -> Callable[[World, str], list[Variant]]:
    def variants(w: World, actor: str) -> list[Variant]:
        must = (lambda scope: {w.markers[v] for v in scope}) if must_markers else None
        out = _township_filters(w, url)
        out[0].must = must
        out += [
            Variant(url, {"params": {"village_code": w.codes[v]}}, Target(frozenset(v)))
            for v in VILLAGES
        ]
        return out

    return variants


def _conflict_resolve(w: World, actor: str) -> list[Variant]:
    # Fields that are not the conflict's: past the scope check it is a 422, nothing resolved.
    body = {"fields": {"no_such_field": {"choice": "stored"}}}
    return _objects(
        w, lambda i: f"/api/v1/conflicts/{i}/resolve", w.ids["conflict"], kw={"json": body}, ok=422
    )


# Photos: every village's photo record (tests/records/examples.py) has its bytes planted in
# the media store, so inside the scope the answer is the photo, outside it 404.
def _photo_reads(suffix: str) -> Callable[[World, str], list[Variant]]:
    def variants(w: World, actor: str) -> list[Variant]:
        plant_example_bytes()
        return _objects(w, lambda i: f"/api/v1/photos/{i}{suffix}", w.ids["photo"])

    return variants


def _photo_uploads(w: World, actor: str) -> list[Variant]:
    plant_example_bytes()
    ids = {**w.ids["photo"], "-": str(uuid.uuid4())}
    return [
        Variant(
            "/api/v1/photos/uploads",
            {"headers": create_headers(ids[v], 10)},
            Target(frozenset(v) if v != "-" else NOWHERE),
            ok=201,
        )
        for v in ids
    ]


def _photo_patches(w: World, actor: str) -> list[Variant]:
    plant_example_bytes()  # whole already: an empty PATCH at its end changes nothing
    kw = {"headers": patch_headers(10), "content": b""}
    return _objects(w, lambda i: f"/api/v1/photos/uploads/{i}", w.ids["photo"], kw=kw, ok=204)


CASES: list[Case] = [
    Case("GET", "/healthz", "public", _one("/healthz")),
    Case("GET", "/api/v1/version", "public", _one("/api/v1/version")),
    Case("GET", "/api/v1/schema", "any", _one("/api/v1/schema")),
    Case(
        "POST",
        "/api/v1/auth/token",
        "public",
        _one(
            "/api/v1/auth/token",
            kw={"json": {"username": "nobody", "password": "wrong", "device_id": "d-x"}},
            ok=401,
        ),
    ),
    Case(
        "POST",
        "/api/v1/auth/refresh",
        "public",
        _one("/api/v1/auth/refresh", kw={"json": {"refresh_token": "r" * 40}}, ok=401),
    ),
    Case(
        "GET",
        "/api/v1/me",
        "any",
        lambda w, a: [Variant("/api/v1/me", must=lambda s: {w.codes[v] for v in s})],
    ),
    Case(
        "GET",
        "/api/v1/devices",
        "admin",
        lambda w, a: (
            [Variant("/api/v1/devices")]
            + [
                Variant("/api/v1/devices", {"params": {"user_id": w.users[u]}})
                for u in ("spare_1", "spare_x")
            ]
        ),
    ),
    Case("POST", "/api/v1/devices/{device_pk}/revoke", "admin", _device("revoke")),
    Case("POST", "/api/v1/devices/{device_pk}/restore", "admin", _device("restore")),
    Case(
        "GET",
        "/api/v1/geo/villages",
        "any",
        lambda w, a: [Variant("/api/v1/geo/villages", must=lambda s: {w.codes[v] for v in s})],
    ),
    Case("POST", "/api/v1/sync/push", "any", _push),
    Case("GET", "/api/v1/sync/pull", "any", _pull),
    Case("GET", "/api/v1/conflicts", "any", _conflicts),
    Case(
        "GET",
        "/api/v1/conflicts/{conflict_id}",
        "any",
        lambda w, a: _objects(w, lambda i: f"/api/v1/conflicts/{i}", w.ids["conflict"]),
    ),
    Case("POST", "/api/v1/conflicts/{conflict_id}/resolve", "reviewer", _conflict_resolve),
    Case("GET", "/api/v1/households", "any", _households),
    Case("GET", "/api/v1/households/counts", "any", _counts),
    Case(
        "GET",
        "/api/v1/households/{household_id}",
        "any",
        lambda w, a: (
            _objects(w, lambda i: f"/api/v1/households/{i}", w.ids["household"])
            # a member's id is not a household's
            + [Variant(f"/api/v1/households/{w.ids['member']['a']}", target=Target(NOWHERE))]
        ),
    ),
    # the printable family file (backend/measures): one household, or a whole village
    Case(
        "GET",
        "/api/v1/households/{household_id}.pdf",
        "any",
        lambda w, a: _objects(w, lambda i: f"/api/v1/households/{i}.pdf", w.ids["household"]),
    ),
    Case(
        "GET",
        "/api/v1/villages/{village_code}/households.pdf",
        "any",
        lambda w, a: (
            _objects(w, lambda i: f"/api/v1/villages/{i}/households.pdf", w.codes)[:-1]
            + [Variant("/api/v1/villages/520623999999/households.pdf", target=Target(NOWHERE))]
        ),
    ),
    *[
        Case("GET", path, "reviewer", lambda w, a, path=path: _township_filters(w, path))
        for path in (
            "/api/v1/measures/report",
            "/api/v1/measures/report.csv",
            "/api/v1/measures/report.xlsx",
        )
    ],
    Case(
        "GET",
        "/api/v1/records/{type_name}/{record_id}/changes",
        "any",
        lambda w, a: (
            _objects(w, lambda i: f"/api/v1/records/household/{i}/changes", w.ids["household"])
            + _objects(w, lambda i: f"/api/v1/records/member/{i}/changes", w.ids["member"])
            # an id of one type asked for as another's is nowhere
            + [
                Variant(
                    f"/api/v1/records/household/{w.ids['member']['a']}/changes",
                    target=Target(NOWHERE),
                )
            ]
        ),
    ),
    Case("GET", "/api/v1/maps", "any", _maps),
    Case(
        "GET",
        "/api/v1/maps/{map_id}.svg",
        "any",
        lambda w, a: _objects(w, lambda i: f"/api/v1/maps/{i}.svg", w.ids["condition_map"]),
    ),
    Case(
        "GET",
        "/api/v1/users",
        "admin",
        lambda w, a: [
            Variant("/api/v1/users"),
            Variant("/api/v1/users", {"params": {"role": "cadre"}}),
        ],
    ),
    Case("POST", "/api/v1/users", "admin", _create_user),
    Case("PATCH", "/api/v1/users/{user_id}", "admin", _users("", {"display_name": "改名"}, 200)),
    Case(
        "POST",
        "/api/v1/users/{user_id}/password",
        "admin",
        _users("/password", {"password": "another-pass-1"}, 204),
    ),
    Case(
        "GET",
        "/api/v1/sync-health",
        "reviewer",
        lambda w, a: _township_filters(w, "/api/v1/sync-health"),
    ),
    Case("POST", "/api/v1/supervision/rounds", "reviewer", _draw),
    Case("GET", "/api/v1/supervision/rounds", "reviewer", _one("/api/v1/supervision/rounds")),
    Case("GET", "/api/v1/supervision/rounds/{round_id}", "reviewer", _rounds("")),
    Case("GET", "/api/v1/supervision/rounds/{round_id}/audit", "reviewer", _rounds("/audit")),
    *[
        Case("GET", path, "reviewer", lambda w, a, path=path: _township_filters(w, path))
        for path in (
            "/api/v1/reports/coverage",
            "/api/v1/reports/coverage.svg",
            "/api/v1/reports/spot-checks",
            "/api/v1/reports/spot-checks.svg",
            "/api/v1/reports/recall",
            "/api/v1/reports/conflicts",
            "/api/v1/reports/conflicts.svg",
            *(f"/api/v1/village-base/{r}" for r in ("report", "report.csv", "report.xlsx")),
            *(f"/api/v1/village-base/{r}" for r in ("tiers.svg", "not-met.svg")),
            "/api/v1/reports/orders",
        )
    ],
    Case(
        "GET",
        "/api/v1/loans/report",
        "reviewer",
        lambda w, a: (
            _township_filters(w, "/api/v1/loans/report")
            + [
                Variant(
                    "/api/v1/loans/report",
                    {"params": {"village_code": w.codes[v]}},
                    Target(frozenset(v)),
                )
                for v in VILLAGES
            ]
        ),
    ),
    Case(
        "GET",
        "/api/v1/county-records/{type_name}",
        "any",
        lambda w, a: [
            Variant("/api/v1/county-records/policy"),
            # a type filed under villages is not the county's own
            Variant("/api/v1/county-records/household", target=Target(NOWHERE)),
        ],
    ),
    Case("GET", "/api/v1/exports/all.xlsx", "reviewer", _exports("/api/v1/exports/all.xlsx", True)),
    *[
        Case(
            "GET",
            f"/api/v1/exports/{{kind}}.{ext}",
            "reviewer",
            _exports(f"/api/v1/exports/{kind}.{ext}", kind == "households"),
        )
        for ext in ("csv", "xlsx")
        for kind in EXPORT_KINDS
    ],
    # After the exports: each county's admin reads its own county's log, no one else's.
    Case("GET", "/api/v1/exports/log", "admin", lambda w, a: [Variant("/api/v1/exports/log")]),
    # Last: a logout ends the actor's session, access token included.
    Case("OPTIONS", "/api/v1/photos/uploads", "public", _one("/api/v1/photos/uploads", ok=204)),
    Case("POST", "/api/v1/photos/uploads", "writer", _photo_uploads),
    Case("PATCH", "/api/v1/photos/uploads/{photo_id}", "writer", _photo_patches),
    Case("GET", "/api/v1/photos/{photo_id}", "any", _photo_reads("")),
    Case("GET", "/api/v1/photos/{photo_id}/thumbnail", "any", _photo_reads("/thumbnail")),
    Case("POST", "/api/v1/auth/logout", "any", _one("/api/v1/auth/logout", ok=204)),
]

# Routes that serve no data of anyone: FastAPI's schema and docs, the PWA shell.
EXEMPT = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/"),
    ("GET", "/sw.js"),
}


def app_routes() -> set[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers of any depth."""
    from backend.main import create_app

    found: set[tuple[str, str]] = set()

    def walk(routes: Any) -> None:
        for r in routes:
            inner = getattr(r, "effective_route_contexts", None)
            if inner is not None:  # FastAPI ≥ 0.160 keeps included routers as branches
                walk(inner())
                continue
            path, methods = getattr(r, "path", None), getattr(r, "methods", None)
            if path and methods:
                found.update((m, path) for m in methods if m != "HEAD")

    walk(create_app().routes)
    return found


def test_every_route_is_in_the_matrix() -> None:
    covered = {(c.method, c.path) for c in CASES}
    missing = app_routes() - covered - EXEMPT
    assert not missing, f"routes without a line in the authorisation matrix: {sorted(missing)}"
    stale = covered - app_routes()
    assert not stale, f"matrix lines for routes the app no longer has: {sorted(stale)}"


# ── the matrix ──────────────────────────────────────────────────────────────────────────


def expected_status(who: str, actor: str, v: Variant) -> int:
    if who == "public":
        return v.ok
    if actor not in ROLE:
        return 401
    if ROLE[actor] not in ALLOWED[who]:
        return 403
    if v.target is not None and not v.target.reached_by(SCOPE[actor]):
        return v.outside
    return v.ok


def forbidden(w: World, actor: str) -> tuple[set[str], set[str]]:
    """What must not appear in an answer to ``actor``: substrings (ids, codes, names,
    markers from outside the scope; unmasked ID numbers) and exact values (names of
    accounts tied elsewhere)."""
    scope = SCOPE.get(actor, frozenset())
    outside = set(VILLAGES) - scope
    subs: set[str] = set()
    for v in outside:
        subs |= {w.codes[v], w.names[v], w.markers[v], f"成员{v.upper()}标记"}
        subs |= {
            w.ids[k][v] for k in KINDS if k not in REGISTRY or v not in reach(actor, REGISTRY[k])
        }
    mine = {w.township_of[v] for v in scope}
    for v in outside:
        t = w.township_of[v]
        if t not in mine:
            subs |= {t, w.township_names[t]}
    subs |= {rid for rid, villages in w.rounds.values() if not villages <= scope}
    if ROLE.get(actor) not in UNMASKED_ROLES:
        subs.add(ID_NUMBER)  # masked for supervisors wherever it shows
    exact = {u for u, tied in TIED.items() if not tied & scope}
    return subs, exact


NAME_KEYS = {"username", "display_name", "name"}


def strings(obj: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, string) of a JSON answer; keys count as strings too (codes as keys)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield "", str(k)
            yield from strings(v, str(k))
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v, key)
    elif obj is not None:
        yield key, str(obj)


def answer_strings(r: httpx.Response) -> list[tuple[str, str]]:
    ctype = r.headers.get("content-type", "")
    if "spreadsheetml" in ctype:
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            return [("", z.read(n).decode("utf-8", "replace")) for n in z.namelist()]
    if "json" in ctype:
        return list(strings(r.json()))
    return [("", r.content.decode("utf-8-sig", "replace"))]


def leaks(w: World, actor: str, r: httpx.Response, must: set[str]) -> list[str]:
    subs, exact = forbidden(w, actor)
    pairs = answer_strings(r)
    found = [text for _, text in pairs]
    out = sorted({s for s in subs for text in found if s in text})
    # account names compared whole, where names are (a role is also spelt "admin")
    out += sorted({text for key, text in pairs if key in NAME_KEYS and text in exact})
    missing = sorted(m for m in must if not any(m in text for text in found))
    return [f"carries {x!r}" for x in out] + [f"lacks {m!r}" for m in missing]


@pytest.fixture
def world(client: httpx.Client, county: County) -> World:
    return build(client, county)


def test_routes_by_role_and_scope(world: World) -> None:
    w = world
    failures: list[str] = []
    for case in CASES:
        actors = ["anon"] if case.who == "public" else list(ACTORS)
        for actor in actors:
            for v in case.variants(w, actor):
                kw = dict(v.kw)  # a variant's own headers (tus's) go beside the actor's
                headers = {**w.headers[actor], **kw.pop("headers", {})}
                r = w.client.request(case.method, v.url, headers=headers, **kw)
                want = expected_status(case.who, actor, v)
                where = f"{case.method} {v.url} {v.kw.get('params', '')} as {actor}"
                if r.status_code != want:
                    failures.append(f"{where}: {r.status_code}, expected {want}: {r.text[:160]}")
                    continue
                if r.status_code == 401 and r.json().get("error") not in (
                    "unauthorized",
                    "invalid_token",
                    "bad_credentials",
                    "refresh_invalid",
                ):
                    failures.append(f"{where}: 401 {r.text[:160]}")
                if 200 <= r.status_code < 300 and r.status_code != 204:
                    must = v.must(SCOPE[actor]) if v.must and actor in SCOPE else set()
                    failures += [f"{where}: {x}" for x in leaks(w, actor, r, must)]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])


# ── pushes: every op type, to every village, by every role ─────────────────────────────

EDITS = {
    "household": {"remark": "改"},
    "member": {"name": "改名"},
    "visit": {"notes": "改"},
    "condition_map": {"title": "改"},
    "map_element": {"x": 5},
    "spot_check": {"remark": "改"},
}
# Any type without a line above is edited in a plain text field (tests/records/examples.py).
EDITS.update({t: an_edit(REGISTRY[t]) for t in REGISTRY if t not in EDITS})
PUSHES = [
    *((t, "create") for t in EDITS),
    *((t, "edit") for t in EDITS if EDITS[t]),
    ("household", "create_existing"),  # a create carrying another record's id
    ("household", "delete"),
    ("member", "delete"),
]


def _data(w: World, type_: str, v: str) -> dict[str, Any]:
    code, now = w.codes[v], datetime.now(UTC).isoformat()
    if type_ not in HAND_MADE:
        return example(REGISTRY[type_], code, w.groups[v], {k: w.ids[k][v] for k in w.ids})
    return {
        "household": household(code, w.groups[v], head_name="新户"),
        "member": {"household_id": w.ids["household"][v], "name": "新成员"},
        "visit": {"household_id": w.ids["household"][v], "occurred_at": now},
        "condition_map": {"village_code": code, "group_code": w.groups[v], "title": "新图"},
        "map_element": {"map_id": w.ids["condition_map"][v], "kind": "pin", "x": 1, "y": 1},
        "spot_check": {"village_code": code, "cadre_id": w.users[MAKER[v]], "checked_at": now},
    }[type_]


def expected_verdict(actor: str, type_: str, action: str, v: str) -> str:
    rt = REGISTRY[type_]
    if ROLE[actor] not in rt.writers:
        return "forbidden"
    if rt.county_wide and action == "create":
        return "ok"  # filed under the writer's own county, whatever village made the example
    if v not in reach(actor, rt):
        # A create carrying another's id reads exactly like a create of a fresh one.
        if action in ("create", "create_existing"):
            return "out_of_scope" if rt.village_field else "unknown_parent"
        return "not_found"
    if action == "create" and rt.max_per_parent == 1:
        return "too_many"  # the world's example already fills its parent's one place
    if rt.event and action == "edit":
        author = MAKER[v] if type_ == "visit" else CHECKER[v]
        if actor != author:
            return "event_immutable"
    return "ok"


def _op(w: World, type_: str, action: str, v: str) -> dict[str, Any]:
    op: dict[str, Any] = {"op_id": str(uuid.uuid4()), "unset": [], "delete": False}
    if action == "create":
        op |= {"type": type_, "id": new_id(), "base_version": None, "set": _data(w, type_, v)}
    elif action == "create_existing":
        op |= {
            "type": type_,
            "id": w.ids[type_][v],
            "base_version": None,
            "set": _data(w, type_, v),
        }
    elif action == "edit":
        op |= {"type": type_, "id": w.ids[type_][v], "base_version": 1, "set": EDITS[type_]}
    else:
        op |= {"type": type_, "id": w.ids[type_][v], "base_version": 1, "set": {}, "delete": True}
    return op


def snapshot(codes: list[str]) -> dict[str, Any]:
    """Everything stored in these villages: every record's version, history and conflicts."""
    out: dict[str, Any] = {}
    with open_session() as s:
        for rt in REGISTRY.values():
            t = rt.table
            for r in s.execute(
                select(t.c.id, t.c.version, t.c.deleted, t.c.seq).where(t.c.village_code.in_(codes))
            ):
                out[r.id] = tuple(r)
        for model in (RecordHistory, RecordConflict):
            t = model.__table__  # type: ignore[attr-defined]
            out[t.name] = s.execute(
                select(func.count()).select_from(t).where(t.c.village_code.in_(codes))
            ).scalar_one()
    return out


def test_pushes_by_role_and_scope(world: World) -> None:
    w = world
    failures: list[str] = []
    for actor in ROLE:
        plan = [
            (t, action, v)
            for t, action in PUSHES
            for v in VILLAGES
            # in scope a delete would take the record from the cases after it
            if not (action == "delete" and expected_verdict(actor, t, action, v) == "ok")
        ]
        ops = [_op(w, t, action, v) for t, action, v in plan]
        outside = [w.codes[v] for v in VILLAGES if v not in SCOPE[actor]]
        before = snapshot(outside)
        r = w.client.post(
            "/api/v1/sync/push",
            json={
                "device_id": f"m-{actor}",
                "batch_id": str(uuid.uuid4()),
                "device_time": datetime.now(UTC).isoformat(),
                "ops": ops,
            },
            headers=w.headers[actor],
        )
        assert r.status_code == 200, r.text
        for (t, action, v), res in zip(plan, r.json()["results"], strict=True):
            want = expected_verdict(actor, t, action, v)
            got = res["error"]["code"] if res["status"] == "rejected" else "ok"
            if res["status"] == "duplicate":
                got = "duplicate"
            if got != want:
                failures.append(
                    f"{actor} {action} {t} in {v}: {res['status']} {got}, expected {want}"
                )
        if snapshot(outside) != before:
            failures.append(f"{actor}: the villages outside the scope changed")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
