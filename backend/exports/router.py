"""Streamed exports for supervisors and admins: one kind as CSV or XLSX, or all as XLSX."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from backend.auth.dependencies import Admin, Reviewer, SettingsDep
from backend.database import SessionDep
from backend.exports import limit, service
from backend.exports.service import Kind
from backend.geo.params import TownshipCode, VillageCode
from backend.timeutil import BEIJING

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _headers(ascii_name: str, chinese_name: str) -> dict[str, str]:
    # RFC 6266/5987: an ASCII fallback, and the Chinese name for clients that read it.
    return {
        "Content-Disposition": f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(chinese_name)}",
        "Cache-Control": "no-store",  # personal data: never kept by a proxy or the browser
    }


def _stamp() -> str:
    return datetime.now(BEIJING).strftime("%Y%m%d")


def _responses(media: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media: {}}}}


def _prepared(
    caller: Reviewer,
    settings: SettingsDep,
    township_code: TownshipCode = None,
    village_code: VillageCode = None,
) -> service.Request:
    """The export's filters, checked against the caller's scope before anything streams."""
    return service.prepare(
        caller,
        township_code=township_code,
        village_code=village_code,
        skew_flag_s=settings.clock_skew_flag_seconds,
    )


Prepared = Annotated[service.Request, Depends(_prepared)]


class ExportLogOut(BaseModel):
    id: int
    at: datetime
    username: str
    display_name: str
    kind: str
    format: str
    township_code: str | None
    village_code: str | None
    id_numbers_whole: bool


@router.get("/log")
def export_log(
    caller: Admin, session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[ExportLogOut]:
    """Admin: the county's exports, newest first — who took which records, when, and whether
    with whole ID numbers."""
    rows = service.export_log(session, caller.user.county_code, limit)
    return [ExportLogOut(**row) for row in rows]


def _xlsx(kinds: list[str], req: service.Request, settings: SettingsDep) -> limit.Holding:
    """A workbook's stream in one of the bounded slots (429 when none is free), logged."""
    slot = limit.take(settings.max_concurrent_exports)
    try:
        service.log_export(req, "all" if len(kinds) > 1 else kinds[0], "xlsx")
    except BaseException:
        slot.release()
        raise
    return limit.Holding(slot, service.stream_xlsx(kinds, req))


@router.get("/all.xlsx", response_class=StreamingResponse, responses=_responses(XLSX))
def export_all_xlsx(req: Prepared, settings: SettingsDep) -> StreamingResponse:
    """Every export in one workbook, a sheet each (households, members, visits, spot checks,
    and each other declared type with export columns)."""
    body = _xlsx(list(service.SHEETS), req, settings)
    headers = _headers(f"minqing-all-{_stamp()}.xlsx", f"民情数据_{_stamp()}.xlsx")
    return StreamingResponse(body, media_type=XLSX, headers=headers)


@router.get("/{kind}.csv", response_class=StreamingResponse, responses=_responses("text/csv"))
def export_csv(kind: Kind, req: Prepared) -> StreamingResponse:
    """One kind as CSV (UTF-8 with BOM, Chinese headers), streamed."""
    title = service.sheet(kind).title
    service.log_export(req, kind, "csv")
    headers = _headers(f"minqing-{kind}-{_stamp()}.csv", f"民情_{title}_{_stamp()}.csv")
    return StreamingResponse(
        service.stream_csv(kind, req), media_type="text/csv; charset=utf-8", headers=headers
    )


@router.get("/{kind}.xlsx", response_class=StreamingResponse, responses=_responses(XLSX))
def export_xlsx(kind: Kind, req: Prepared, settings: SettingsDep) -> StreamingResponse:
    """One kind as an XLSX workbook (openpyxl write-only), streamed."""
    title = service.sheet(kind).title
    body = _xlsx([kind], req, settings)
    headers = _headers(f"minqing-{kind}-{_stamp()}.xlsx", f"民情_{title}_{_stamp()}.xlsx")
    return StreamingResponse(body, media_type=XLSX, headers=headers)
