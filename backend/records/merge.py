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

A version lists the fields it *asserted* (``changed``), with the time they were observed:
the fields whose value the op made stand, even where the value was already there (a phone
re-saving a value, or two phones agreeing). The latest version listing a field therefore
carries the latest observation of its current value, which is what a later rival is
weighed against — so the outcome does not depend on the order batches arrive in.
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
    asserted: list[str] = field(default_factory=list)
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
    asserted: list[str] = []
    for f, value in incoming.items():
        stored, was = current.get(f), base.get(f)
        if f not in others:
            result[f] = value
            if value != stored or value != was:
                asserted.append(f)
            continue
        rival = others[f]
        if value == stored:  # both sides agree; a later observation of it counts
            if value != was and observed_at > rival.observed_at:
                asserted.append(f)
            continue
        if value == was:
            continue  # the op does not really change it
        winner = "incoming" if observed_at >= rival.observed_at else "stored"
        if winner == "incoming":
            result[f] = value
            asserted.append(f)
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
    return MergeOutcome(data=result, status=status, conflicts=conflicts, asserted=asserted)
