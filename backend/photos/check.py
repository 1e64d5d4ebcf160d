"""``minqing photos check``: does every photo record have its bytes, and which bytes have no
record? Reads only; deletes nothing — an orphan may be a photo whose record is still on its
way (a phone syncs records first, but a restore from backup may bring the media directory
back newer than the database), so what to remove is a person's decision.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from backend.photos.records import PHOTO_TYPES
from backend.photos.storage import MediaStore, sha256_of


@dataclass
class Report:
    records: int = 0
    missing: list[str] = field(default_factory=list)  # live photo records without bytes
    corrupt: list[str] = field(default_factory=list)  # bytes that no longer hash to their name
    orphans: list[str] = field(default_factory=list)  # stored hashes no live record names
    partial: list[str] = field(default_factory=list)  # uploads begun and not finished

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt)


def check(session: Session, store: MediaStore, *, verify: bool = False) -> Report:
    """Compare the live photo records (of every photo type) with the media directory; ``verify`` rehashes every file."""
    rows = [
        row
        for rt in PHOTO_TYPES
        for row in session.connection()
        .execute(select(rt.table.c.id, rt.table.c.sha256).where(~rt.table.c.deleted))
        .all()
    ]
    stored = store.stored_hashes()
    report = Report(records=len(rows))
    wanted = set()
    for row in rows:
        wanted.add(row.sha256)
        if row.sha256 not in stored:
            report.missing.append(row.id)
    if verify:
        report.corrupt = sorted(h for h in stored if sha256_of(store.content(h)) != h)
    report.missing.sort()
    report.orphans = sorted(stored - wanted)
    report.partial = sorted(store.partial_ids())
    return report
