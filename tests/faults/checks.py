"""What must hold after a fault run, read from the store itself (one seed's villages and users).

1. Every op a phone got an answer for is in the store exactly once: its ``sync_op`` row, and
   its effect in ``record_history`` (with its op_id) at most once; every answer it ever got —
   fresh or duplicate, read or lost — tells the same verdict and version as that row.
2. Every op without an answer is absent or present once; an op never sent is absent.
3. A batch is atomic: if one op of it was stored by it, all its ops are stored.
4. Versions only move forward: each record's history is 1..N without gaps and ends in the row;
   rebuilt from the row through what each version replaced, every version is a whole record.
5. After the final clean sync, every phone's pulled copy equals the store's rows of its villages.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, select

from backend.messages import InvalidData
from backend.records.models import RecordConflict, RecordHistory, SyncOp
from backend.records.registry import REGISTRY, RecordType
from backend.records.store import changed_fields, rebuild
from backend.sync.pull import decode_cursor, to_record
from tests.faults.phone import OpLog, Phone
from tests.faults.world import SeedWorld

HIST = RecordHistory.__table__  # type: ignore[attr-defined]
OPS = SyncOp.__table__  # type: ignore[attr-defined]
CONFLICTS = RecordConflict.__table__  # type: ignore[attr-defined]
EFFECTS = frozenset({"applied", "merged", "conflict"})
TYPES = ("household", "member", "visit")


def _valid(rt: RecordType, data: dict[str, Any]) -> bool:
    try:
        return rt.canonical(data) == data
    except InvalidData:
        return False


def _verdict(answer: dict[str, Any]) -> str:
    return str(answer["first_status"] if answer["status"] == "duplicate" else answer["status"])


def check_seed(
    engine: Engine, world: SeedWorld, phones: list[Phone], ledger: dict[str, OpLog]
) -> tuple[list[str], dict[str, int]]:
    """Answers the failures, and figures about the ops (answered, in doubt, …)."""
    failures: list[str] = []
    villages = world.villages
    users = list(world.user_ids.values())
    with engine.connect() as conn:
        op_rows = {
            r["op_id"]: dict(r)
            for r in conn.execute(select(OPS).where(OPS.c.user_id.in_(users))).mappings()
        }
        hist = [
            dict(r)
            for r in conn.execute(select(HIST).where(HIST.c.village_code.in_(villages))).mappings()
        ]
        conflicts = {
            r["id"]: dict(r)
            for r in conn.execute(
                select(CONFLICTS.c.id, CONFLICTS.c.record_id).where(
                    CONFLICTS.c.village_code.in_(villages)
                )
            ).mappings()
        }
        rows = {
            (name, r["id"]): dict(r)
            for name in TYPES
            for r in conn.execute(
                select(REGISTRY[name].table).where(
                    REGISTRY[name].table.c.village_code.in_(villages)
                )
            ).mappings()
        }
    by_op: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_record: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for h in hist:
        if h["op_id"]:
            by_op[h["op_id"]].append(h)
        by_record[(h["type"], h["record_id"])].append(h)

    figures = {
        "answered": 0,
        "unanswered": 0,
        "never_sent": 0,
        "in_doubt": 0,
        "committed_unknown": 0,
    }
    live_devices = {p.device_id for p in phones if not p.lost_forever}

    # 1, 2: every op once
    for op_id, log in ledger.items():
        row = op_rows.get(op_id)
        effects = by_op.get(op_id, [])
        answers = log.answers + log.lost
        fresh = [a for a in answers if a["status"] != "duplicate"]
        where = f"op {op_id} ({log.op['type']} {log.op['id'][:8]} from {log.device})"
        if len(fresh) > 1:
            failures.append(f"{where}: answered as new {len(fresh)} times")
        if len(effects) > 1:
            failures.append(
                f"{where}: applied {len(effects)} times (versions {[e['version'] for e in effects]})"
            )
        if log.in_doubt:
            figures["in_doubt"] += 1
            if log.answers and all(a["status"] == "duplicate" for a in log.answers):
                figures["committed_unknown"] += 1
        if not log.sent:
            figures["never_sent"] += 1
            if row is not None or effects:
                failures.append(f"{where}: never sent, yet in the store")
            continue
        if log.answers:
            figures["answered"] += 1
        else:
            figures["unanswered"] += 1
            if log.device in live_devices and not log.discarded:
                failures.append(f"{where}: still without an answer after the final sync")
        if answers and row is None:
            failures.append(f"{where}: answered {answers[0]['status']}, but not in the store")
            continue
        if row is None:
            if effects:
                failures.append(f"{where}: an effect without a verdict in the store")
            continue
        stored = row["result"]
        for a in answers:
            if _verdict(a) != row["status"] or a.get("version") != stored.get("version"):
                failures.append(
                    f"{where}: answer {a['status']}/{a.get('first_status')} v{a.get('version')} "
                    f"but the store says {row['status']} v{stored.get('version')}"
                )
            if a["status"] == "duplicate" and a.get("first_status") is None:
                failures.append(f"{where}: a duplicate without first_status")
        if row["status"] not in EFFECTS and effects:
            failures.append(f"{where}: {row['status']}, yet it changed the record")
        if effects and effects[0]["version"] != stored.get("version"):
            failures.append(
                f"{where}: effect v{effects[0]['version']}, verdict v{stored.get('version')}"
            )
        if log.op["base_version"] is None and row["status"] == "applied" and not log.op["delete"]:
            if not effects or effects[0]["op"] != "create" or effects[0]["version"] != 1:
                failures.append(f"{where}: a create applied without its version 1")
        if row["status"] == "conflict":
            c = conflicts.get(stored.get("conflict_id") or "")
            if c is None or c["record_id"] != log.op["id"]:
                failures.append(f"{where}: conflict verdict without its conflict row")

    for op_id in op_rows.keys() - ledger.keys():
        failures.append(f"sync_op {op_id}: an op no phone made")
    for op_id, effects in by_op.items():
        if op_id not in op_rows:
            failures.append(
                f"history v{effects[0]['version']} of {effects[0]['record_id'][:8]}: op {op_id} has no verdict"
            )

    # 3: atomic batches
    for p in phones:
        for body in p.bodies:
            mine = [
                op["op_id"]
                for op in body["ops"]
                if op_rows.get(op["op_id"], {}).get("batch_id") == body["batch_id"]
            ]
            missing = [op["op_id"] for op in body["ops"] if op["op_id"] not in op_rows]
            if mine and missing:
                failures.append(
                    f"batch {body['batch_id']}: {len(mine)} ops stored by it, {len(missing)} missing"
                )

    # 4: versions only move forward
    for key, row in rows.items():
        versions = sorted(h["version"] for h in by_record.get(key, []))
        if versions != list(range(1, row["version"] + 1)):
            failures.append(
                f"{key[0]} {key[1][:8]}: history versions {versions}, row v{row['version']}"
            )
            continue
        # The history keeps what each version replaced; the row is the whole last version.
        # Rebuilt backwards from the row, every version must be a whole record of its type
        # that passes its checks, and each version must differ from the one before in the
        # fields it says it replaced, all of them fields it asserted (a wrong row shows).
        rt = REGISTRY[key[0]]
        last = max(by_record[key], key=lambda h: h["version"])
        if last["deleted"] != row["deleted"]:
            failures.append(f"{key[0]} {key[1][:8]}: the row differs from its last version")
        whole = rebuild({f: row[f] for f in rt.fields}, row["version"], by_record[key])
        for h in by_record[key]:
            data = whole[h["version"]]
            before = whole.get(h["version"] - 1, {})
            if sorted(data) != sorted(rt.fields) or not _valid(rt, data):
                failures.append(f"{key[0]} {key[1][:8]}: v{h['version']} rebuilds to no record")
            elif h["version"] > 1 and any(before[f] == data[f] for f in h["replaced"]):
                failures.append(f"{key[0]} {key[1][:8]}: v{h['version']} replaced no change")
            elif not set(h["replaced"]) <= set(changed_fields(rt, h)):
                failures.append(f"{key[0]} {key[1][:8]}: v{h['version']} replaced unasserted")
            elif h["version"] == 1 and h["replaced"]:
                failures.append(f"{key[0]} {key[1][:8]}: its create replaced something")
    for key in by_record.keys() - rows.keys():
        failures.append(f"{key[0]} {key[1][:8]}: history without a record")

    # 5: phones and store agree
    for p in phones:
        if p.lost_forever:
            continue
        expected = {
            key: to_record(REGISTRY[key[0]], row, False).model_dump(mode="json")
            for key, row in rows.items()
            if row["village_code"] in p.villages
        }
        have = p.pulled
        if have.keys() != expected.keys():
            extra, missing = have.keys() - expected.keys(), expected.keys() - have.keys()
            failures.append(
                f"{p.device_id}: pulled {len(extra)} records not in the store, misses {len(missing)}"
                + _missed(
                    p, [(k[0], rows[k]) for k in sorted(missing, key=lambda k: rows[k]["seq"])]
                )
            )
        for key in have.keys() & expected.keys():
            if have[key] != expected[key]:
                failures.append(
                    f"{p.device_id}: {key[0]} {key[1][:8]} pulled v{have[key]['version']} "
                    f"differs from the store's v{expected[key]['version']}"
                )
                break
    return failures, figures


def _missed(phone: Any, missed: list[tuple[str, dict[str, Any]]]) -> str:
    """What a failure needs to be read after the run: each missed record's place in the
    change order against the phone's cursor (a cursor past a record it never received is a
    pull that skipped it; a record after the cursor is one the last pull never reached)."""
    cursor = decode_cursor(phone.cursor)[0] if phone.cursor else None
    shown = ", ".join(
        f"{name} {r['id'][:8]} seq {r['seq']} v{r['version']} in {r['village_code']}"
        for name, r in missed[:5]
    )
    return f" (cursor at seq {cursor}, {phone.stats.pulls} pulls; missed: {shown})"
