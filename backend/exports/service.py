"""Exports of households, members, visits and spot checks in the caller's scope, streamed.

Rows are read in pages from a session of the export's own: the request's unit of work
ends (commits) before the answer's body is sent, so the body cannot read through it.
The rows are those the caller's scope allows at the time of the request.

- **CSV**: UTF-8 with a BOM (Excel then reads Chinese), written a few hundred rows at a
  time. A cell that a spreadsheet would run as a formula (starting with ``= @ + -``, their
  full-width forms, or blanks before one, and not one plain number) is prefixed with ``'``
  (OWASP "CSV injection").
- **XLSX**: openpyxl's write-only mode, each sheet written into the zip archive as its rows
  are read and sent a page at a time (backend/exports/xlsx.py); at most
  ``MINQING_MAX_CONCURRENT_EXPORTS`` build at once (backend/exports/limit.py). Text cells
  are always text, never formulas; ID numbers stay text (Excel shows a CSV's unmasked
  18-digit ID numbers as 5.2E+17 — use the XLSX for those).

National ID numbers are masked unless the caller's role sees them (admin). Every export is
logged (``ExportLog``) before its first byte is sent.
"""

import csv
import io
import logging
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from backend.auth.dependencies import Caller
from backend.database import open_session
from backend.errors import NotFound
from backend.exports import columns as c, xlsx
from backend.exports.models import ExportLog
from backend.geo.scope import Scope
from backend.records import registry
from backend.records.registry import UNMASKED_ROLES
from backend.tables import (
    EXPORT_LOG as EL,
    HOUSEHOLD as H,
    MEMBER as M,
    SPOT_CHECK as SC,
    TOWNSHIP as TWP,
    USER as U,
    VILLAGE as VIL,
    VILLAGER_GROUP as GRP,
    VISIT as V,
)

log = logging.getLogger("minqing.exports")


# households, members, visits, spot-checks, and every other declared type by its name
Kind = Annotated[str, Path(pattern=r"^[a-z][a-z_-]{1,30}$")]
PAGE = 500


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: str  # the sheet's and the file's Chinese name
    columns: list[c.Column]


SHEETS: dict[str, Sheet] = {
    "households": Sheet("households", "农户", c.HOUSEHOLDS),
    "members": Sheet("members", "家庭成员", c.MEMBERS),
    "visits": Sheet("visits", "走访记录", c.VISITS),
    "spot-checks": Sheet("spot-checks", "电话抽查", c.SPOT_CHECKS),
}
# Types with the sheets above (their rows join names of their own).
JOINED = {"household", "member", "visit", "spot_check"}
# Every other declared type with export columns has a sheet of its own, by its name.
SHEETS.update(
    {
        name: Sheet(name, rt.label, c.declared(rt))
        for name, rt in registry.load().items()
        if rt.export and name not in JOINED
    }
)


@dataclass(frozen=True)
class Request:
    """What an export reads, fixed while the request is answered (the body runs later)."""

    scope: Scope
    options: c.Options
    township_code: str | None
    village_code: str | None
    user_id: int
    county_code: str
    device_pk: int | None


def prepare(
    caller: Caller, *, township_code: str | None, village_code: str | None, skew_flag_s: int
) -> Request:
    """Check the filters against the caller's scope (404 outside it) before streaming."""
    scope = caller.scope
    if township_code is not None and not scope.allows_township(township_code):
        raise NotFound()
    if village_code is not None and not scope.allows(village_code):
        raise NotFound()
    return Request(
        scope=scope,
        options=c.Options(mask=caller.role not in UNMASKED_ROLES, skew_flag_s=skew_flag_s),
        township_code=township_code,
        village_code=village_code,
        user_id=caller.user_id,
        county_code=caller.user.county_code,
        device_pk=caller.device.id,
    )


def log_export(req: Request, kind: str, fmt: str) -> None:
    """Committed in a unit of work of its own before the export streams: no unlogged copy.
    (The request's own session only reads: on SQLite a read turned writer can be refused.)"""
    with open_session(write=True) as session:
        session.add(
            ExportLog(
                county_code=req.county_code,
                user_id=req.user_id,
                device_pk=req.device_pk,
                kind=kind,
                format=fmt,
                township_code=req.township_code,
                village_code=req.village_code,
                id_numbers_whole=not req.options.mask,
            )
        )
        session.commit()


def export_log(session: Session, county_code: str, limit: int) -> list[dict[str, Any]]:
    stmt = (
        select(
            EL.c.id,
            EL.c.at,
            U.c.username,
            U.c.display_name,
            EL.c.kind,
            EL.c.format,
            EL.c.township_code,
            EL.c.village_code,
            EL.c.id_numbers_whole,
        )
        .join(U, U.c.id == EL.c.user_id)
        .where(EL.c.county_code == county_code)
        .order_by(EL.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def _place(stmt: Select[Any], village: Any, req: Request) -> Select[Any]:
    stmt = (
        stmt.join(VIL, VIL.c.code == village)
        .join(TWP, TWP.c.code == VIL.c.township_code)
        .where(req.scope.where(village))
    )
    if req.township_code is not None:
        stmt = stmt.where(VIL.c.township_code == req.township_code)
    if req.village_code is not None:
        stmt = stmt.where(village == req.village_code)
    return stmt


def query(kind: str, req: Request) -> Select[Any]:
    """The rows of one export, with the names its columns show, in a stable order."""
    names = (VIL.c.name.label("village_name"), TWP.c.name.label("township_name"))
    if kind == "households":
        stmt = select(H, *names, GRP.c.name.label("group_name")).outerjoin(
            GRP, GRP.c.code == H.c.group_code
        )
        stmt = _place(stmt, H.c.village_code, req).where(~H.c.deleted)
        return stmt.order_by(H.c.village_code, H.c.group_code, H.c.head_name, H.c.id)
    if kind == "members":
        stmt = select(M, *names, H.c.head_name).join(H, H.c.id == M.c.household_id)
        stmt = _place(stmt, M.c.village_code, req).where(~M.c.deleted, ~H.c.deleted)
        return stmt.order_by(
            M.c.village_code, H.c.head_name, M.c.household_id, M.c.created_at, M.c.id
        )
    if kind == "visits":
        stmt = (
            select(V, *names, H.c.head_name, U.c.display_name.label("cadre_name"))
            .join(H, H.c.id == V.c.household_id)
            .outerjoin(U, U.c.id == V.c.created_by)
        )
        stmt = _place(stmt, V.c.village_code, req).where(~V.c.deleted)
        return stmt.order_by(V.c.village_code, V.c.occurred_at_corrected, V.c.id)
    if kind == "spot-checks":
        cadre, checker = aliased(U), aliased(U)
        stmt = (
            select(
                SC,
                *names,
                cadre.c.display_name.label("cadre_name"),
                checker.c.display_name.label("checker_name"),
            )
            .outerjoin(cadre, cadre.c.id == SC.c.cadre_id)
            .outerjoin(checker, checker.c.id == SC.c.created_by)
        )
        stmt = _place(stmt, SC.c.village_code, req).where(~SC.c.deleted)
        return stmt.order_by(SC.c.checked_at_corrected, SC.c.id)
    if kind in SHEETS and kind in registry.REGISTRY:
        rt = registry.REGISTRY[kind]
        t = rt.table
        if rt.county_wide:  # the county's own list, whatever township or village is asked
            stmt = select(t).where(t.c.village_code == req.county_code, ~t.c.deleted)
            return stmt.order_by(t.c.created_at, t.c.id)
        stmt = _place(select(t, *names), t.c.village_code, req).where(~t.c.deleted)
        return stmt.order_by(t.c.village_code, t.c.created_at, t.c.id)
    raise NotFound()


def sheet(kind: str) -> Sheet:
    """The sheet of an export kind; an unknown kind is not found."""
    if kind not in SHEETS:
        raise NotFound()
    return SHEETS[kind]


def rows(kind: str, req: Request) -> Iterator[list[c.Value]]:
    """Each row's cells, read in pages through a read-only session of the export's own."""
    sheet = SHEETS[kind]
    with open_session() as session:
        conn = session.connection().execution_options(yield_per=PAGE)
        for r in conn.execute(query(kind, req)).mappings():
            yield [col.cell(r, req.options) for col in sheet.columns]


# ── CSV ─────────────────────────────────────────────────────────────────────────────────

# One number and nothing else ("-5", "+8613800000000", "3.5"): a spreadsheet reads it as
# that number. "+1-1-1-1" or "-1-1" is arithmetic, i.e. a formula.
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
# Spreadsheets skip leading blanks (and some read a cell that starts on a new line) before
# deciding that a cell is a formula, and some take the full-width signs for the ASCII ones.
_BLANKS = " \t\r\n\v\f\u3000\u00a0"
_FORMULA_START = frozenset("=+-@＝＋－＠")


def csv_safe(value: c.Value) -> str:
    """The cell as CSV text; a would-be formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if not isinstance(value, str):
        return str(value)
    head = value.lstrip(_BLANKS)
    if value[:1] in ("\t", "\r", "\n") or (
        head[:1] in _FORMULA_START and (head != value or not _PLAIN_NUMBER.match(head))
    ):
        return "'" + value
    return value


def stream_csv(kind: str, req: Request) -> Iterator[bytes]:
    """The CSV file, a page of rows at a time; the first bytes are the BOM and headers."""
    buf = io.StringIO()
    out = csv.writer(buf)
    buf.write("\ufeff")
    out.writerow([col.header for col in SHEETS[kind].columns])
    n = 0
    for row in rows(kind, req):
        out.writerow([csv_safe(v) for v in row])
        n += 1
        if n % PAGE == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")
    log.info("export csv %s: %d rows for user %d", kind, n, req.user_id)


# ── XLSX ────────────────────────────────────────────────────────────────────────────────


def _xlsx_cell(ws: Any, value: c.Value) -> Any:
    if isinstance(value, str):
        text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
        if text[:1] not in ("=", "#"):
            return text
        # openpyxl would store "=…" as a formula and "#N/A" as an error: keep it text.
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    return value


def table_csv(header: list[str], rows: Iterable[list[c.Value]]) -> bytes:
    """A report's table as CSV: UTF-8 with a BOM (Excel reads Chinese), formula-safe."""
    buf = io.StringIO()
    buf.write("\ufeff")
    out = csv.writer(buf)
    out.writerow(header)
    for row in rows:
        out.writerow([csv_safe(v) for v in row])
    return buf.getvalue().encode("utf-8")


def tables_xlsx(sheets: Iterable[tuple[str, list[str], Iterable[list[c.Value]]]]) -> bytes:
    """A report's tables as a workbook, a sheet each, cells made as the exports make them
    (text stays text, never a formula). Reports are a few hundred rows: joined in memory."""
    return b"".join(xlsx.stream(sheets, PAGE, _xlsx_cell))


def stream_xlsx(kinds: list[str], req: Request) -> Generator[bytes, None, None]:
    """A workbook with one sheet per kind, sent as it is written (backend/exports/xlsx.py)."""
    sheets = (
        (SHEETS[k].title, [col.header for col in SHEETS[k].columns], rows(k, req)) for k in kinds
    )
    yield from xlsx.stream(sheets, PAGE, _xlsx_cell)
    log.info("export xlsx %s for user %d", kinds, req.user_id)
