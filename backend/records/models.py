"""The record store's tables: what every record row has (``RecordColumns``), the base of
every record schema (``DataSchema``), and the store's own bookkeeping — history, conflicts,
the op log and the change counter.

The record types themselves are declared in their domains (``backend/<domain>/records.py``)
and their tables generated from the declaration (backend/records/registry.py). Phones make
the ids (UUIDs, offline); only the server assigns versions and change sequence numbers.
"""

from datetime import datetime

import sqlalchemy as sa
from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from backend.records.fields import JSONType
from backend.timeutil import utcnow


class DataSchema(SQLModel):
    """Base of every record schema: unknown fields are an error, not silently dropped, and
    a required field left out is an error too (its placeholder default None is validated:
    unvalidated, it reached the table's NOT NULL and failed the whole batch). The engine's
    own keywords are checked by ``RecordType.canonical`` once pydantic's pass is through:
    one loop over the fields costs far less than a validator on each (the push hot path)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)  # type: ignore[assignment]


def record_indexes(table: str, *single: str) -> tuple[sa.Index, ...]:
    """Pulls read "changes since seq in these villages": one index serves that per village."""
    return (
        sa.Index(f"ix_{table}_village_seq", "village_code", "seq"),
        *(sa.Index(f"ix_{table}_{col}", col) for col in single),
    )


class RecordColumns(SQLModel):
    """What every record has besides its data."""

    id: str = Field(primary_key=True, max_length=36)
    version: int = 1
    deleted: bool = False
    # Global change sequence: pulls page through it (see backend/sync/sequence.py). No index
    # of its own: every read of changes names villages, and ``(village_code, seq)``
    # (``record_indexes``) serves it (migration 0018).
    seq: int = Field(sa_type=sa.BigInteger)
    # The village that fixes who may see and change the record. No index of its own:
    # ``(village_code, seq)`` (``record_indexes``) serves every lookup by village.
    village_code: str = Field(foreign_key="village.code", max_length=12)
    has_conflict: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    created_by: int = Field(foreign_key="user.id")
    created_device: str = Field(default="", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_by: int = Field(foreign_key="user.id")
    updated_device: str = Field(default="", max_length=64)


# ── the store's own bookkeeping ─────────────────────────────────────────────────────────


class RecordHistory(SQLModel, table=True):
    """Every version of every record: the base for three-way merges and the audit trail.

    An undo log: the record's row is its whole latest version, and the entry of version v
    keeps only what v replaced (``replaced``: each field whose value v changed, with its
    value in v-1), so data(v-1) = data(v) overlaid with replaced(v). A create replaced
    nothing, nor does a delete. Every reader rebuilds versions through
    ``backend.records.store.rebuild`` (migration 0017: the whole data of every version was
    362 MB of the demo county's 632 MB)."""

    __tablename__ = "record_history"
    # The unique (type, record_id, version) is the one index: every read names the type
    # and the record. An index on (record_id, version) and one on village_code repeated it
    # or served no query, and cost a B-tree write per version (migration 0011).
    __table_args__ = (sa.UniqueConstraint("type", "record_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=20)
    record_id: str = Field(max_length=36)
    version: int
    replaced: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    deleted: bool = False
    # The fields the version asserted (the merge weighs them); a create's are every field of
    # its type and stored as [] (``backend.records.store.changed_fields``).
    changed: list = Field(sa_type=JSONType)  # type: ignore[type-arg]
    village_code: str = Field(max_length=12)
    op: str = Field(max_length=12)  # create | update | delete | resolve
    op_id: str | None = Field(default=None, max_length=36)
    user_id: int
    device_id: str = Field(default="", max_length=64)
    recorded_at: str | None = Field(default=None, max_length=40)
    recorded_at_corrected: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    clock_skew_s: int | None = None
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class RecordConflict(SQLModel, table=True):
    """One op's clash with changes made elsewhere since its base, field by field."""

    __tablename__ = "record_conflict"

    id: str = Field(primary_key=True, max_length=36)
    type: str = Field(max_length=20)
    record_id: str = Field(max_length=36, index=True)
    village_code: str = Field(max_length=12, index=True)
    status: str = Field(default="open", max_length=10, index=True)  # open | resolved
    # {field: {"base": v, "stored": v, "incoming": v, "winner": "stored" | "incoming"}}
    fields: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    base_version: int
    version: int  # the record's version the conflict produced
    stored: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]  # who/when/device
    incoming: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    resolved_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    resolved_by: int | None = None
    resolution: dict | None = Field(default=None, sa_type=JSONType)  # type: ignore[type-arg]


class SyncOp(SQLModel, table=True):
    """Every op ever answered, stored in the same transaction as its effects (idempotency)."""

    __tablename__ = "sync_op"

    op_id: str = Field(primary_key=True, max_length=36)
    batch_id: str = Field(max_length=36)
    user_id: int = Field(index=True)
    device_id: str = Field(max_length=64)
    type: str = Field(max_length=20)
    record_id: str = Field(max_length=36)
    status: str = Field(max_length=10)
    result: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ChangeCounter(SQLModel, table=True):
    """A single row; see backend/sync/sequence.py for why it is a row and not a sequence."""

    __tablename__ = "change_counter"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_type=sa.BigInteger)
