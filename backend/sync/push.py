"""``POST /api/v1/sync/push``: apply a batch of ops, one verdict each (contract rules 1–8).

The whole batch is one transaction (the request's unit of work): the ops' effects and their
``sync_op`` rows — the idempotency keys — commit together or not at all, so a crash leaves
nothing of the batch and a retry after a lost answer finds every op already answered.
Every record writer first takes the change-sequence lock (backend/sync/sequence.py), which
also serialises batches: two connections sending the same batch at once cannot both apply it.
"""

import re
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from backend import failpoints
from backend.auth.dependencies import Caller
from backend.auth.models import Device
from backend.config import Settings
from backend.errors import AppError, BadRequest, TooLarge
from backend.messages import InvalidData
from backend.records import registry
from backend.records.bulk import insert_rows, one_of
from backend.records.merge import Version, merge
from backend.records.registry import RecordType
from backend.records.store import (
    CONFLICTS,
    SYNC_OPS,
    Author,
    Observed,
    RecordState,
    RowWriter,
    load_history,
    load_rows,
)
from backend.sync import sequence
from backend.sync.schemas import UUID_PATTERN, Op, OpError, OpResult, PushAnswer, PushRequest
from backend.timeutil import as_utc, utcnow

NOT_FOUND = "记录不存在或不在您的范围内"
# A create whose id is already a record's the caller may not see: the same answer whatever
# that record is (its existence, type or village are not the caller's to learn).
ID_TAKEN = "该记录编号已被使用，请重新新建"
_UUID = re.compile(UUID_PATTERN)


class Rejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        # A message may quote the input; a NUL in it cannot be stored (PostgreSQL JSONB).
        message = message.replace("\x00", "\\0")
        super().__init__(message)
        self.code = code
        self.message = message


def _canonical(rt: RecordType, data: dict[str, Any]) -> dict[str, Any]:
    """Validate against the type's declaration; answer the one JSON spelling the store keeps."""
    try:
        return rt.canonical(data)
    except InvalidData as exc:
        raise Rejected("invalid", "数据有误 — " + exc.message) from exc


def _filled(v: Version) -> Version:
    """A version as a rival of a second create: a field its own create left empty is not a
    value it set (a note one phone wrote and the other left blank is no clash)."""
    if v.version != 1:
        return v
    return replace(v, changed=[f for f in v.changed if v.data.get(f) not in (None, [], {})])


@dataclass(frozen=True)
class Sender:
    """One phone's push within a batch: who sends it, its ops, and its clock's skew
    (seconds ahead of ours)."""

    caller: Caller
    req: PushRequest
    skew: int


class Batch:
    """The pushes applied in one transaction — one phone's, or those committed together
    (backend/sync/groups.py): the records they touch, in memory, until they are written at
    the end. Ops are applied one sender at a time (``turn_to``); a later sender's ops see an
    earlier one's records exactly as they would had it committed just before."""

    def __init__(
        self, session: Session, settings: Settings, requests: list[tuple[Caller, PushRequest]]
    ):
        self.session = session
        self.settings = settings
        self.now = utcnow()
        self.senders = [
            Sender(caller, req, round((as_utc(req.device_time) - self.now).total_seconds()))
            for caller, req in requests
        ]
        self.ops = [op for s in self.senders for op in s.req.ops]
        self.writer = RowWriter(Author(0, "", self.now))  # its author is set by ``turn_to``
        self.states: dict[tuple[str, str], RecordState] = {}
        self.conflict_rows: list[dict[str, Any]] = []
        self.op_rows: list[dict[str, Any]] = []
        self.children: dict[tuple[str, str], int] = {}  # live records under a parent
        # Every op id answered, before this batch or in it: by whom, and the answer.
        self.answered: dict[str, tuple[int, dict[str, Any]]] = {}
        self.turn_to(self.senders[0])

    def turn_to(self, sender: Sender) -> None:
        """Apply the next ops as ``sender``'s: its caller, scope, device and clock."""
        self.caller, self.req, self.skew = sender.caller, sender.req, sender.skew
        # Plain values: an ORM attribute read costs more than the rest of a line, per op.
        self.user_id, self.device = sender.caller.user_id, sender.caller.device.device_id
        self.role = sender.caller.role
        self.me = (self.user_id, self.device)
        self.writer.author = Author(self.user_id, self.device, self.now, sender.skew)

    # ── loading ───────────────────────────────────────────────────────────────────────

    def preload(self) -> None:
        """Current rows, parents and the history the merges need, a few queries per type."""
        ids: dict[str, set[str]] = {}
        for op in self.ops:
            rt = registry.get(op.type)
            if rt is None:
                continue
            ids.setdefault(rt.name, set()).add(op.id)
            # Record ids are UUIDs: anything else cannot be a parent (and a NUL in it would
            # fail the query on PostgreSQL).
            if rt.parent and _UUID.match(str(op.set.get(rt.parent[1]))):
                ids.setdefault(rt.parent[0], set()).add(op.set[rt.parent[1]])
        for name, wanted in ids.items():
            rt = registry.REGISTRY[name]
            rows = load_rows(self.session, rt, wanted)
            for rid in wanted:
                self.states[(name, rid)] = RecordState(rt, rid, rows.get(rid), rid in rows)
        self._prefetch_refs()
        self._prefetch_children()
        # An op from the version on file merges against the current row and needs no
        # history; only a record with an older base, or more than one op in the batch (the
        # second may name a version the first replaces), has its versions read.
        ops_on = Counter((op.type, op.id) for op in self.ops)
        for name in ids:
            lowest: dict[str, int] = {}
            # The history keeps what each version replaced: the base is rebuilt backwards
            # from the current row.
            current: dict[str, dict[str, Any]] = {}
            for op in self.ops:
                st = self.states.get((op.type, op.id))
                if op.type == name and st is not None and st.row is not None:
                    base = op.base_version or 1
                    single = ops_on[(op.type, op.id)] == 1
                    if op.base_version is not None and base >= st.row["version"] and single:
                        continue
                    lowest[op.id] = min(lowest.get(op.id, base), base)
                    current[op.id] = st.row
            rt = registry.REGISTRY[name]
            for rid, versions in load_history(self.session, rt, lowest, current).items():
                self.states[(name, rid)].history.update(versions)

    def _prefetch_children(self) -> None:
        """Live records under each parent that the batch's creates of a limited type name,
        in one grouped count per type (``_count_child``), not one count per parent."""
        parents: dict[str, set[str]] = {}
        for op in self.ops:
            rt = registry.get(op.type)
            if rt is None or rt.max_per_parent is None or op.base_version is not None:
                continue
            assert rt.parent is not None
            parent = op.set.get(rt.parent[1])
            if isinstance(parent, str) and _UUID.match(parent):
                parents.setdefault(rt.name, set()).add(parent)
        conn = self.session.connection()
        for name, ids in parents.items():
            rt = registry.REGISTRY[name]
            assert rt.parent is not None
            column = rt.table.c[rt.parent[1]]
            counts = dict.fromkeys(ids, 0)
            for parent, n in conn.execute(
                select(column, func.count())
                .where(one_of(column, ids), ~rt.table.c.deleted)
                .group_by(column)
            ):
                counts[parent] = n
            for parent, n in counts.items():
                self.children[(name, parent)] = n

    def _prefetch_refs(self) -> None:
        """Reference checks that can (``check.prefetch``) load what the whole batch needs
        in one query, rather than one query per op or per village: each is given the data
        every op of its types names, as sent and as stored."""
        named: dict[Any, list[dict[str, Any]]] = {}
        for op in self.ops:
            rt = registry.get(op.type)
            if rt is None or not rt.ref_checks:
                continue
            st = self.states.get((rt.name, op.id))
            for check in rt.ref_checks:
                if getattr(check, "prefetch", None) is not None:
                    data = named.setdefault(check, [])
                    data.append(op.set)
                    if st is not None and st.row is not None:
                        data.append(st.row)
        for check, data in named.items():
            check.prefetch(self.session, data)  # type: ignore[attr-defined]

    # ── applying ──────────────────────────────────────────────────────────────────────

    def observed(self, op: Op) -> Observed:
        """The op's time as reported, and corrected by the phone's clock skew."""
        reported = op.recorded_at or self.req.device_time
        return Observed(reported.isoformat(), self.writer.corrected(reported))

    def apply(self, op: Op) -> OpResult:
        rt = registry.get(op.type)
        if rt is None:
            raise Rejected("unknown_type", f"未知的记录类型 {op.type}")
        if self.role not in rt.writers:
            raise Rejected("forbidden", f"您的角色不能修改{rt.label}")
        st = self.states[(rt.name, op.id)]
        if st.row is None:
            return self._create(rt, st, op)
        if not self.caller.scope.holds(st.row["village_code"]):
            if op.base_version is None and not op.delete:
                # Judged as a create of a fresh id, so that a refusal reads the same whether
                # the id is taken or not; one that would stand cannot have this id.
                self._create(rt, RecordState(rt, op.id, None, False), op, dry_run=True)
                raise Rejected("id_taken", ID_TAKEN)
            raise Rejected("not_found", NOT_FOUND)
        return self._change(rt, st, op)

    def _village_of(self, rt: RecordType, data: dict[str, Any]) -> str:
        if rt.county_wide:
            return self.caller.scope.county_code
        if rt.village_field:
            village = data[rt.village_field]
            if not self.caller.scope.allows(village):
                raise Rejected("out_of_scope", f"村 {village} 不在您的范围内")
            return str(village)
        assert rt.parent is not None
        parent_type, parent_field = rt.parent
        parent = self.states.get((parent_type, data[parent_field]))
        label = registry.REGISTRY[parent_type].label
        if (
            parent is None
            or parent.row is None
            or not self.caller.scope.holds(parent.row["village_code"])
        ):
            raise Rejected("unknown_parent", f"所属{label}不存在或不在您的范围内（可能尚未同步）")
        if parent.row["deleted"]:
            raise Rejected("parent_deleted", f"所属{label}已被删除")
        return str(parent.row["village_code"])

    def _check_refs(self, rt: RecordType, data: dict[str, Any], village: str) -> None:
        """References beyond the schema (a group of the record's own village, say): checked
        on every create and every change, so no edit can file a record under another's."""
        for check in rt.ref_checks:
            if message := check(self.session, data, village):
                raise Rejected("invalid", message)

    def _create(self, rt: RecordType, st: RecordState, op: Op, dry_run: bool = False) -> OpResult:
        if op.base_version is not None or op.delete:
            raise Rejected("not_found", NOT_FOUND)
        data = _canonical(rt, op.set)
        village = self._village_of(rt, data)
        self._check_refs(rt, data, village)
        if dry_run:
            return OpResult(op_id=op.op_id, status="rejected", id=op.id)
        if rt.max_per_parent is not None:
            self._count_child(rt, data)
        self.writer.create(st, data, village, op_id=op.op_id, observed=self.observed(op))
        return OpResult(op_id=op.op_id, status="applied", id=op.id, version=1)

    def _change(self, rt: RecordType, st: RecordState, op: Op) -> OpResult:
        assert st.row is not None
        if rt.event and st.row["created_by"] != self.user_id:
            raise Rejected("event_immutable", f"{rt.label}只能由记录人更正")
        # A create whose id already exists (another phone made the same record offline: a
        # village base value's id is what it is) makes no second row. Both creates started
        # from nothing, so it merges against an empty base: a field both set differently is
        # a conflict, as two edits of it would be — not a silent win for the later sync.
        creating = op.base_version is None
        base_version = op.base_version or 1
        version = st.row["version"]
        if base_version > version:
            raise Rejected("bad_base_version", f"基础版本 {base_version} 比服务器版本 {version} 新")
        if op.delete:
            if not st.row["deleted"]:
                self.writer.delete(st, op_id=op.op_id, observed=self.observed(op))
            return OpResult(op_id=op.op_id, status="applied", id=op.id, version=st.row["version"])
        if st.row["deleted"]:
            raise Rejected("deleted", f"该{rt.label}已被删除，修改未保存")
        current = st.data
        touched = {**op.set, **dict.fromkeys(op.unset)}
        candidate = _canonical(rt, {**current, **touched})
        labels = rt.labels
        for f in touched:
            if f in rt.immutable and candidate[f] != current[f]:
                raise Rejected("immutable_field", f"{labels.get(f, f)}创建后不能修改")
        base = st.history.get(base_version)
        if base is None and base_version != version:
            raise Rejected("bad_base_version", f"找不到基础版本 {base_version}")
        observed = self.observed(op)
        assert observed.at is not None
        outcome = merge(
            current=current,
            base={} if creating else (base.data if base else current),
            since_base=(
                [_filled(v) for v in st.history.values()]
                if creating
                else [v for n, v in st.history.items() if n > base_version]
            ),
            incoming={f: candidate[f] for f in touched},
            me=self.me,
            observed_at=observed.at,
        )
        # A merge that took every field the op sets leaves the candidate as it was, already
        # canonical (canonical of canonical is itself): validated once, not twice.
        final = candidate if outcome.data == candidate else _canonical(rt, outcome.data)
        self._check_refs(rt, final, st.row["village_code"])
        changed = [f for f in rt.fields if final[f] != current[f] or f in outcome.asserted]
        conflict_id = None
        if changed or outcome.conflicts:
            if outcome.conflicts:
                conflict_id = str(uuid.uuid4())
            self.writer.change(
                st,
                final,
                changed,
                op_id=op.op_id,
                observed=observed,
                has_conflict=True if outcome.conflicts else None,
            )
            if conflict_id:
                self._conflict(rt, st, op, conflict_id, base_version, outcome.conflicts, observed)
        return OpResult(
            op_id=op.op_id,
            status=outcome.status,  # type: ignore[arg-type]
            id=op.id,
            version=st.row["version"],
            conflict_id=conflict_id,
        )

    # ── bookkeeping ───────────────────────────────────────────────────────────────────

    def _count_child(self, rt: RecordType, data: dict[str, Any]) -> None:
        """Enforce the type's limit of live records under one parent."""
        assert rt.parent is not None
        assert rt.max_per_parent is not None
        field = rt.parent[1]
        key = (rt.name, data[field])
        if key not in self.children:
            t = rt.table
            self.children[key] = (
                self.session.connection()
                .execute(
                    select(func.count())
                    .select_from(t)
                    .where(t.c[field] == data[field], ~t.c.deleted)
                )
                .scalar_one()
            )
        if self.children[key] >= rt.max_per_parent:
            parent = registry.REGISTRY[rt.parent[0]].label
            raise Rejected("too_many", f"每个{parent}最多 {rt.max_per_parent} 条{rt.label}")
        self.children[key] += 1

    def _conflict(
        self,
        rt: RecordType,
        st: RecordState,
        op: Op,
        conflict_id: str,
        base_version: int,
        fields: dict[str, dict[str, Any]],
        observed: Observed,
    ) -> None:
        assert st.row is not None
        assert observed.at is not None
        first = next(iter(fields.values()))["stored_by"]
        self.conflict_rows.append(
            {
                "id": conflict_id,
                "type": rt.name,
                "record_id": st.id,
                "village_code": st.row["village_code"],
                "status": "open",
                "fields": fields,
                "base_version": base_version,
                "version": st.row["version"],
                "stored": first,
                "incoming": {
                    "user_id": self.user_id,
                    "device_id": self.device,
                    "op_id": op.op_id,
                    "observed_at": observed.at.isoformat(),
                    "clock_skew_s": self.skew,
                },
                "created_at": self.now,
                "resolved_at": None,
                "resolved_by": None,
                "resolution": None,
            }
        )

    def load_answered(self) -> None:
        """The op ids of this batch answered before, by whom and how."""
        op_ids = [op.op_id for op in self.ops]
        for r in self.session.connection().execute(
            select(SYNC_OPS.c.op_id, SYNC_OPS.c.user_id, SYNC_OPS.c.result).where(
                one_of(SYNC_OPS.c.op_id, op_ids)
            )
        ):
            self.answered[r.op_id] = (r.user_id, r.result)

    def verdict(self, op: Op) -> OpResult:
        """The op applied, or answered as the duplicate it is, or refused."""
        if op.op_id in self.answered:
            by, first = self.answered[op.op_id]
            # An op id is answered from the caller's own ops only: another user's op (its
            # record id and version) is not the caller's to read.
            if by == self.user_id:
                return OpResult.model_validate(
                    {**first, "status": "duplicate", "first_status": first["status"]}
                )
            error = OpError(code="op_id_taken", message="操作编号已被使用，请重新保存后再同步")
            return OpResult(op_id=op.op_id, status="rejected", id=op.id, error=error)
        try:
            result = self.apply(op)
        except Rejected as exc:
            result = OpResult(
                op_id=op.op_id,
                status="rejected",
                id=op.id,
                error=OpError(code=exc.code, message=exc.message),
            )
        self.answer(op, result)
        return result

    def answer(self, op: Op, result: OpResult) -> None:
        answer = result.model_dump(mode="json")
        self.answered[op.op_id] = (self.user_id, answer)
        self.op_rows.append(
            {
                "op_id": op.op_id,
                "batch_id": self.req.batch_id,
                "user_id": self.user_id,
                "device_id": self.device,
                "type": op.type[:20],
                "record_id": op.id,
                "status": result.status,
                "result": answer,
                "at": self.now,
            }
        )

    def write(self, last_seq: int) -> None:
        first = sequence.take(self.session, last_seq, self.writer.touched)
        self.writer.write(self.session, first)
        conn = self.session.connection()
        insert_rows(conn, CONFLICTS, self.conflict_rows)
        insert_rows(conn, SYNC_OPS, self.op_rows)
        device = Device.__table__  # type: ignore[attr-defined]
        self.session.connection().execute(
            update(device)
            .where(device.c.id == bindparam("b_id"))
            .values(last_sync_at=bindparam("b_at"), clock_skew_s=bindparam("b_skew")),
            [
                {"b_id": s.caller.device.id, "b_at": self.now, "b_skew": s.skew}
                for s in self.senders
            ],
        )


def _admit(settings: Settings, caller: Caller, req: PushRequest) -> None:
    """What refuses a batch whole, before any of it is applied."""
    limit = settings.max_ops_per_batch
    if len(req.ops) > limit:
        raise TooLarge(f"每批最多 {limit} 条操作，本批有 {len(req.ops)} 条，请分批同步")
    if req.device_id != caller.device.device_id:
        raise BadRequest("device_id 与登录的设备不符", code="device_mismatch")


def push(session: Session, settings: Settings, caller: Caller, req: PushRequest) -> PushAnswer:
    """Apply a batch in order; every op gets one verdict; nothing half-done survives."""
    [outcome] = push_all(session, settings, [(caller, req)])
    if isinstance(outcome, AppError):
        raise outcome
    return outcome


def push_all(
    session: Session, settings: Settings, requests: list[tuple[Caller, PushRequest]]
) -> list[PushAnswer | AppError]:
    """Apply several phones' batches in one unit of work, in order: each its answer, or the
    error that refused it whole. An error beyond those (the database's) is raised: the
    caller rolls back all of them."""
    refused: dict[int, AppError] = {}
    for i, (caller, req) in enumerate(requests):
        try:
            _admit(settings, caller, req)
        except AppError as exc:
            refused[i] = exc
    admitted = [r for i, r in enumerate(requests) if i not in refused]
    answers = iter(_apply_admitted(session, settings, admitted) if admitted else [])
    return [refused[i] if i in refused else next(answers) for i in range(len(requests))]


def _apply_admitted(
    session: Session, settings: Settings, requests: list[tuple[Caller, PushRequest]]
) -> list[PushAnswer]:
    last_seq = sequence.lock(session)
    batch = Batch(session, settings, requests)
    batch.load_answered()
    batch.preload()
    answers = []
    for sender in batch.senders:
        batch.turn_to(sender)
        results = [batch.verdict(op) for op in sender.req.ops]
        answers.append(PushAnswer(server_time=batch.now, clock_skew_s=sender.skew, results=results))
    batch.write(last_seq)
    failpoints.reached(settings)  # written, not committed: tests SIGKILL the server here
    return answers
