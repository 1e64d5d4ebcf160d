"""The three-way field merge: one rule for every record type (contract rules 4 and 5).

Given the version the phone edited (the base), the versions written since, and the fields
the op sets, decide field by field:
- nobody else changed the field since the base → the op's value applies;
- someone else changed it, the op does not touch it → theirs is kept (``merged``);
- both changed it to the same value → nothing to decide;
- both changed it to different values → a conflict: the value observed later in the field
  (skew-corrected ``recorded_at``) is current for now, the other is kept for review.
Changes made by the op's own device are a line, not rivals: a later change of a field by
the same device takes that field back from whoever changed it before.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Version:
    """One stored version of a record, as the merge needs it."""

    version: int
    data: dict[str, Any]
    changed: list[str]
    user_id: int
    device_id: str
    observed_at: datetime  # skew-corrected time the change was made in the field


@dataclass
class MergeOutcome:
    data: dict[str, Any]
    status: str  # applied | merged | conflict
    # {field: {"base", "stored", "incoming", "winner", "stored_by": {...}}}
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)


def merge(
    *,
    current: dict[str, Any],
    base: dict[str, Any],
    since_base: list[Version],
    incoming: dict[str, Any],
    me: tuple[int, str],
    observed_at: datetime,
) -> MergeOutcome:
    """Merge ``incoming`` (the op's fields, validated) into ``current``; see module doc."""
    others: dict[str, Version] = {}
    for v in sorted(since_base, key=lambda v: v.version):
        own = (v.user_id, v.device_id) == me
        for f in v.changed:
            if own:
                others.pop(f, None)
            else:
                others[f] = v
    result = dict(current)
    conflicts: dict[str, dict[str, Any]] = {}
    for f, value in incoming.items():
        if f not in others:
            result[f] = value
            continue
        stored = current.get(f)
        if value == stored or value == base.get(f):
            continue  # same value on both sides, or the op does not really change it
        rival = others[f]
        winner = "incoming" if observed_at >= rival.observed_at else "stored"
        result[f] = value if winner == "incoming" else stored
        conflicts[f] = {
            "base": base.get(f),
            "stored": stored,
            "incoming": value,
            "winner": winner,
            "stored_by": {
                "user_id": rival.user_id,
                "device_id": rival.device_id,
                "version": rival.version,
                "observed_at": rival.observed_at.isoformat(),
            },
        }
    status = "conflict" if conflicts else ("merged" if others else "applied")
    return MergeOutcome(data=result, status=status, conflicts=conflicts)
