"""The record history keeps what each version replaced, not the whole record (issue 19)

Each entry of version v holds, in ``replaced`` (was ``data``), only the fields whose value
v changed, with their value in v-1: an undo log. A record's row is its whole latest
version, so any version is rebuilt from the row backwards (backend/records/store.py
``rebuild``). A create replaced nothing, nor does a delete; a create's ``changed`` (every
field of its type) is stored as [] and read as the type's fields. The demo county's history
was 362 MB of its 632 MB.

The conversion reads consecutive whole versions of every record that has more than one,
writes each version's replaced values by history id with executemany, then empties the
version-1 entries. SQLite keeps the freed pages until a ``VACUUM``.

The downgrade rebuilds every version's whole data from the records' rows, with the same
``rebuild`` the application reads the history with.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
CHUNK = 1000  # records read per query (an IN list) and entries written per executemany


def _history(data_column: str) -> sa.TableClause:
    return sa.table(
        "record_history",
        sa.column("id", sa.Integer),
        sa.column("type", sa.String),
        sa.column("record_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column(data_column, _json),
        sa.column("changed", _json),
        sa.column("op", sa.String),
    )


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _replaced(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Each field whose value differs, with its value before (None where it had none)."""
    return {
        f: before.get(f)
        for f in sorted(before.keys() | after.keys())
        if before.get(f) != after.get(f)
    }


def upgrade() -> None:
    bind = op.get_bind()
    h = _history("data")
    # Every record edited at least once has a version 2.
    edited: dict[str, list[str]] = {}
    for type_, record_id in bind.execute(
        sa.select(h.c.type, h.c.record_id).where(h.c.version == 2).order_by(h.c.type, h.c.record_id)
    ):
        edited.setdefault(type_, []).append(record_id)
    update = sa.update(h).where(h.c.id == sa.bindparam("b_id")).values(data=sa.bindparam("b_data"))
    for type_, ids in edited.items():
        for chunk in _chunks(ids):
            rows = bind.execute(
                sa.select(h.c.id, h.c.record_id, h.c.version, h.c.data)
                .where(h.c.type == type_, h.c.record_id.in_(chunk))
                .order_by(h.c.record_id, h.c.version)
            ).all()
            undo = []
            for prev, cur in zip(rows, rows[1:], strict=False):
                if cur.record_id == prev.record_id:
                    undo.append({"b_id": cur.id, "b_data": _replaced(prev.data, cur.data)})
            if undo:
                bind.execute(update, undo)
    bind.execute(sa.update(h).where(h.c.version == 1).values(data={}))
    bind.execute(sa.update(h).where(h.c.op == "create").values(changed=[]))
    op.alter_column("record_history", "data", new_column_name="replaced")


def downgrade() -> None:
    # The record tables as the application declares them: only the columns this database
    # has are read (a field added after 0017 is dropped before this runs).
    from backend.records.registry import REGISTRY
    from backend.records.store import rebuild

    op.alter_column("record_history", "replaced", new_column_name="data")
    bind = op.get_bind()
    h = _history("data")
    update = (
        sa.update(h)
        .where(h.c.id == sa.bindparam("b_id"))
        .values(data=sa.bindparam("b_data"), changed=sa.bindparam("b_changed"))
    )
    types = [t for (t,) in bind.execute(sa.select(h.c.type).distinct())]
    for type_ in types:
        rt = REGISTRY.get(type_)
        if rt is None:
            raise RuntimeError(f"0017 downgrade: no record type {type_!r} to rebuild its history")
        present = {c["name"] for c in sa.inspect(bind).get_columns(rt.table.name)}
        fields = [f for f in rt.fields if f in present]
        t = rt.table
        ids = [r for (r,) in bind.execute(sa.select(t.c.id).order_by(t.c.id))]
        for chunk in _chunks(ids):
            current = {
                r.id: (r.version, {f: getattr(r, f) for f in fields})
                for r in bind.execute(
                    sa.select(t.c.id, t.c.version, *(t.c[f] for f in fields)).where(
                        t.c.id.in_(chunk)
                    )
                )
            }
            entries: dict[str, list[Any]] = {}
            for e in bind.execute(
                sa.select(h.c.id, h.c.record_id, h.c.version, h.c.data, h.c.changed, h.c.op)
                .where(h.c.type == type_, h.c.record_id.in_(chunk))
                .order_by(h.c.record_id, h.c.version)
            ):
                entries.setdefault(e.record_id, []).append(e)
            whole = []
            for rid, mine in entries.items():
                version, latest = current[rid]
                undo = [{"record_id": rid, "version": e.version, "replaced": e.data} for e in mine]
                try:
                    data = rebuild(latest, version, undo)
                except ValueError as exc:
                    raise RuntimeError(f"0017 downgrade: {type_}: {exc}") from exc
                for e in mine:
                    changed = list(data[e.version]) if e.op == "create" else e.changed
                    whole.append({"b_id": e.id, "b_data": data[e.version], "b_changed": changed})
            for part in _chunks(whole):
                bind.execute(update, part)
