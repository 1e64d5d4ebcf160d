"""The printable family file (家庭档案, the paper "一户一袋" inspectors open): one household
on A4 — the household, its members, measures with their status and results, its loans where
a loan type is declared, its latest visits, its latest visit photo (when its bytes are on the
server), and lines for signatures — or every household of a village, one after another.

Library: fpdf2 (pure Python over fontTools, maintained, LGPL). It embeds a subset of the
Noto Sans CJK collection Debian ships (fonts-noto-cjk: CFF-outline OpenType in a .ttc) as a
CIDFontType0C font with a ToUnicode map, so the text is searchable and pdftotext extracts
it. ReportLab's TTFont refuses CFF outlines ("postscript outlines are not supported");
WeasyPrint renders HTML through Pango and cairo's system libraries, a far larger footprint
for a form this plain.

Cells come from the declarations (backend/exports/columns.py): the same Chinese labels,
vocabulary names and ID masking as the exports, so a printed file says what the phone says.
"""

import functools
import glob
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fpdf import FPDF
from PIL import UnidentifiedImageError
from sqlalchemy import func, select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.config import get_settings
from backend.errors import AppError, NotFound, Unprocessable
from backend.exports import columns as c
from backend.photos.storage import MediaStore
from backend.records.registry import REGISTRY, UNMASKED_ROLES, RecordType
from backend.tables import TOWNSHIP, VILLAGE, VILLAGER_GROUP
from backend.timeutil import BEIJING

LATEST_VISITS = 5
# The latest photo is printed from its thumbnail (320 px, backend/photos/storage.py) fitted
# in this box: ~180 dpi at 45 mm, enough for a face or a cowshed on paper, and a village
# file embeds a ~20 KB JPEG per household instead of the ~250 KB original.
PHOTO_BOX_MM = (60.0, 45.0)
# A village PDF is made within one request: measured 396 households in 9.0 s (~23 ms each)
# on the shared test machine, so the largest village allowed takes about 25 s. With a photo
# per household (200 households, noisy 640×480 JPEGs, one run): 0.95 s without photos,
# 1.1–1.5 s with their thumbnails already made, 3.1 s when every thumbnail is made on the
# way; the file grows from 0.3 to 5.4 MB (~27 KB a thumbnail at worst).
MAX_VILLAGE_HOUSEHOLDS = 1000
FONT = "noto"
# Debian's fonts-noto-cjk first; other layouts of the same files after.
FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/**/NotoSansSC-Regular.otf",
)


class NoFont(AppError):
    status_code, code = 503, "no_cjk_font"


@functools.cache
def cjk_font() -> tuple[str, int]:
    """The CJK font file and, in a collection, the index of its Simplified Chinese face
    (the collection holds JP, KR, SC, TC, HK faces; SC has the mainland's glyph forms)."""
    for pattern in FONT_GLOBS:
        for path in sorted(glob.glob(pattern, recursive=True)):
            if not path.endswith(".ttc"):
                return path, 0
            from fontTools.ttLib import TTCollection

            with TTCollection(path, lazy=True) as ttc:
                for n, font in enumerate(ttc.fonts):
                    if " SC" in str(font["name"].getDebugName(1)):
                        return path, n
            return path, 0
    raise NoFont("服务器未安装中文字体（fonts-noto-cjk），无法生成 PDF")


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        path, index = cjk_font()
        self.add_font(FONT, fname=path, collection_font_number=index)
        self.set_font(FONT, size=10)
        self.set_title(title)
        self.set_creator("民情")
        self.set_auto_page_break(True, margin=15)
        self.set_margins(12, 12, 12)
        self.stamp = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M")
        self.set_fill_color(232, 232, 232)
        self.set_draw_color(80, 80, 80)
        self.char_width: dict[str, float] = {}  # at TABLE_PT, the only size tables use

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"打印于 {self.stamp}　第 {self.page_no()} 页", align="C")


# ── reading ─────────────────────────────────────────────────────────────────────────────


def _children(session: Session, type_name: str, household_id: str, order: Any = None) -> list[Any]:
    rt = REGISTRY[type_name]
    t = rt.table
    assert rt.parent is not None
    stmt = select(t).where(t.c[rt.parent[1]] == household_id, ~t.c.deleted)
    stmt = stmt.order_by(*(order if order is not None else [t.c.created_at, t.c.id]))
    return list(session.connection().execute(stmt).mappings())


def _loan_type() -> RecordType | None:
    """The 精扶贷 ledger's type, where one is declared under the household."""
    rt = REGISTRY.get("loan")
    return rt if rt is not None and rt.parent and rt.parent[0] == "household" else None


@dataclass(frozen=True)
class Photos:
    """A household's visit photos for the file: how many, and the newest whose bytes the
    server holds (None when none has arrived yet)."""

    count: int
    sha256: str | None = None
    taken_at: datetime | None = None


def _photos(session: Session, household_ids: Sequence[str]) -> dict[str, Photos]:
    """The visit photos of these households, in one query (a village file asks for up to
    MAX_VILLAGE_HOUSEHOLDS at once). A photo whose bytes are not stored (not uploaded yet,
    or lost) is passed over for an older one: the file never waits for, nor fails on, bytes."""
    photo = REGISTRY.get("photo")
    if photo is None or photo.parent != ("visit", "visit_id") or not household_ids:
        return {}
    p, v = photo.table, REGISTRY["visit"].table
    # Newest first by the corrected time (the phone's clock fixed), the upload time if none:
    # one expression so that SQLite and PostgreSQL, which sort NULLs differently, agree.
    when = func.coalesce(p.c.taken_at_corrected, p.c.created_at)
    rows = session.connection().execute(
        select(v.c.household_id, p.c.sha256, when.label("at"))
        .join(v, v.c.id == p.c.visit_id)
        .where(v.c.household_id.in_(household_ids), ~p.c.deleted, ~v.c.deleted)
        .order_by(v.c.household_id, when.desc(), p.c.id.desc())
    )
    store = MediaStore(get_settings().media_path())
    out: dict[str, Photos] = {}
    for hid, sha, at in rows.all():
        seen = out.get(hid, Photos(0))
        if seen.sha256 is None and store.has(sha):
            seen = Photos(seen.count, sha, at)
        out[hid] = replace(seen, count=seen.count + 1)
    return out


def _place(session: Session, village_code: str) -> dict[str, str]:
    row = (
        session.connection()
        .execute(
            select(VILLAGE.c.name, TOWNSHIP.c.name.label("township"))
            .join(TOWNSHIP, TOWNSHIP.c.code == VILLAGE.c.township_code)
            .where(VILLAGE.c.code == village_code)
        )
        .mappings()
        .first()
    )
    groups = session.connection().execute(
        select(VILLAGER_GROUP.c.code, VILLAGER_GROUP.c.name).where(
            VILLAGER_GROUP.c.village_code == village_code
        )
    )
    return {
        "village": row["name"] if row else village_code,
        "township": row["township"] if row else "",
        **{str(code): str(name) for code, name in groups.all()},
    }


# ── drawing ─────────────────────────────────────────────────────────────────────────────


def _cols(rt: RecordType, names: Sequence[str]) -> list[c.Column]:
    """The export's columns of these fields of ``rt`` (labels, names, masking)."""
    return c.data_columns(replace(rt, export=tuple(names)))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _section(pdf: _Pdf, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)


# Tables are drawn here, not with fpdf2's ``table()``: that lays every cell out twice with
# its general line breaker (a village of 396 households: 24.6 s with it, 9.0 s without, in
# one run). Chinese breaks at any character, so a line is filled one character width at a
# time (widths cached).
LINE = 4.6  # mm: a line of 9 pt text
PAD = 1.0  # mm inside a cell's border
TABLE_PT = 9


def _wrap(pdf: "_Pdf", text: str, width: float, most: int) -> list[str]:
    """The lines of ``text`` within ``width`` mm, at most ``most`` (the last one marked …)."""
    out: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for ch in para:
            w = pdf.char_width.get(ch)
            if w is None:
                w = pdf.char_width[ch] = pdf.get_string_width(ch)
            if line and used + w > width:
                out.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        out.append(line)
    if len(out) > most:  # a cell taller than a page is cut, not drawn off the paper
        out = [*out[: most - 1], out[most - 1][:-1] + "…"]
    return out


def _rows(
    pdf: "_Pdf",
    widths: Sequence[float],
    rows: Iterable[Sequence[str]],
    header: Sequence[str] | None = None,
    shaded: frozenset[int] = frozenset(),
) -> None:
    """Bordered rows across the page (``widths`` in proportion); ``header`` shaded and
    repeated on a new page; the columns in ``shaded`` shaded (a grid's labels)."""
    scale = pdf.epw / sum(widths)
    ws = [w * scale for w in widths]
    most = int((pdf.page_break_trigger - pdf.t_margin - 2 * PAD) / LINE)
    pdf.set_font(FONT, size=TABLE_PT)

    def draw(row: Sequence[str], head: bool) -> None:
        cells = [_wrap(pdf, t, w - 2 * PAD, most) for t, w in zip(row, ws, strict=True)]
        h = max(len(c) for c in cells) * LINE + 2 * PAD
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
            pdf.set_font(FONT, size=TABLE_PT)
            if header is not None and not head:
                draw(header, True)
        x, y = pdf.l_margin, pdf.get_y()
        for n, (lines, w) in enumerate(zip(cells, ws, strict=True)):
            pdf.rect(x, y, w, h, style="DF" if head or n in shaded else "D")
            for k, line in enumerate(lines):
                pdf.set_xy(x + PAD, y + PAD + k * LINE)
                pdf.cell(w - 2 * PAD, LINE, line)
            x += w
        pdf.set_xy(pdf.l_margin, y + h)

    if header is not None:
        draw(header, True)
    for r in rows:
        draw(r, False)


def _grid(pdf: "_Pdf", pairs: list[tuple[str, str]]) -> None:
    """Label–value pairs, two to a row."""
    padded = [*pairs, ("", "")] if len(pairs) % 2 else pairs
    rows = [[*padded[i], *padded[i + 1]] for i in range(0, len(padded), 2)]
    _rows(pdf, (22, 41, 22, 41), rows, shaded=frozenset({0, 2}))


def _table(
    pdf: "_Pdf", headers: Sequence[str], rows: list[list[str]], widths: Sequence[float], empty: str
) -> None:
    if not rows:
        pdf.cell(0, 6, empty, new_x="LMARGIN", new_y="NEXT")
        return
    _rows(pdf, widths, rows, header=headers)


def _photo(pdf: _Pdf, photos: Photos, store: MediaStore, title: str) -> None:
    """The latest photo, small, with its date; a line instead when its bytes are not here
    or cannot be read (a PDF is never refused for a photo)."""
    _section(pdf, f"{title}（共 {photos.count} 张，印最近一张）")
    note = "（照片尚未上传到服务器）"
    if photos.sha256 is not None:
        try:
            thumb = store.make_thumb(photos.sha256)
        except (OSError, UnidentifiedImageError, ValueError):
            note = "（照片文件无法读取）"
        else:
            w, h = PHOTO_BOX_MM
            if pdf.get_y() + h > pdf.page_break_trigger:
                pdf.add_page()
            x, y = pdf.l_margin, pdf.get_y()
            # fpdf2 embeds an image once per file however often it is drawn (keyed by its
            # bytes' hash), so two households sharing a picture cost one copy.
            pdf.image(str(thumb), x=x, y=y, w=w, h=h, keep_aspect_ratio=True)
            pdf.set_xy(x + w + 4, y)
            pdf.cell(0, 6, f"拍摄于 {_text(c.beijing(photos.taken_at))}（北京时间）")
            pdf.set_xy(pdf.l_margin, y + h)
            return
    pdf.cell(0, 6, note, new_x="LMARGIN", new_y="NEXT")


MEMBER_FIELDS = ("name", "relation", "sex", "id_number", "birth_date", "health", "labour",
                 "schooling", "status")  # fmt: skip
MEMBER_WIDTHS = (16, 14, 9, 36, 20, 16, 18, 17, 14)
MEASURE_FIELDS = ("title", "kind", "owner", "helping_unit", "funds", "due_on", "status",
                  "done_on", "result", "income_per_year")  # fmt: skip
MEASURE_WIDTHS = (30, 16, 14, 20, 15, 19, 13, 19, 25, 15)
VISIT_FIELDS = ("kind", "notes", "needs", "follow_up_on")


def _orders(pdf: _Pdf, session: Session, h: Any, title: str) -> None:
    """The household's 三单制 orders, each with its item and its status read from its claims."""
    from backend.orders.records import ORDER_STATUS, order_status  # where orders are declared

    t = REGISTRY["household_order"].table
    orders = _children(session, "household_order", h["id"], [t.c.placed_on, t.c.id])
    claims: dict[str, list[Any]] = {o["id"]: [] for o in orders}
    names: dict[str, str] = {}
    if orders:
        cl, it = REGISTRY["order_claim"].table, REGISTRY["branch_item"].table
        conn = session.connection()
        rows = select(cl.c.order_id, cl.c.progress, cl.c.confirmed)
        for claim in conn.execute(rows.where(cl.c.order_id.in_(claims), ~cl.c.deleted)).mappings():
            claims[claim["order_id"]].append(claim)
        items = {o["item_id"] for o in orders}
        names = dict(conn.execute(select(it.c.id, it.c.name).where(it.c.id.in_(items))).all())
    _section(pdf, f"{title}（{len(orders)} 项）")
    _table(
        pdf, ["点单项目", "点单日期", "需求说明", "状态"],
        [
            [
                names.get(o["item_id"], "（项目已删除）"), _text(o["placed_on"]), _text(o["note"]),
                ORDER_STATUS.labels[order_status(claims[o["id"]])],
            ]
            for o in orders
        ],
        (56, 26, 74, 30), "（无）",
    )  # fmt: skip


def _household_pages(
    pdf: _Pdf,
    session: Session,
    h: Any,
    place: dict[str, str],
    opts: c.Options,
    photos: Photos | None = None,
) -> None:
    household = REGISTRY["household"]
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 9, "家庭档案", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    group = place.get(h["group_code"] or "", "")
    pdf.cell(
        0, 6, f"{place['township']} {place['village']} {group}　户编号 {h['id']}",
        align="C", new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    _section(pdf, "一、基本情况")
    _grid(pdf, [(col.header, _text(col.cell(h, opts))) for col in c.data_columns(household)])

    members = _children(session, "member", h["id"])
    _section(pdf, f"二、家庭成员（{len(members)} 人）")
    cols = _cols(REGISTRY["member"], MEMBER_FIELDS)
    _table(
        pdf, [col.header for col in cols],
        [[_text(col.cell(m, opts)) for col in cols] for m in members], MEMBER_WIDTHS, "（无）",
    )  # fmt: skip

    measure = REGISTRY["measure"]
    t = measure.table
    measures = _children(session, "measure", h["id"], [t.c.due_on, t.c.created_at, t.c.id])
    _section(pdf, f"三、一户一策帮扶措施（{len(measures)} 项）")
    cols = _cols(measure, MEASURE_FIELDS)
    _table(
        pdf, [col.header for col in cols],
        [[_text(col.cell(m, opts)) for col in cols] for m in measures], MEASURE_WIDTHS, "（无）",
    )  # fmt: skip

    n = 4
    loan = _loan_type()
    if loan is not None:
        loans = _children(session, loan.name, h["id"])
        names = [f for f in loan.export or () if loan.parent and f != loan.parent[1]]
        cols = _cols(loan, names)
        _section(pdf, f"四、{loan.label}（{len(loans)} 笔）")
        _table(
            pdf, [col.header for col in cols],
            [[_text(col.cell(x, opts)) for col in cols] for x in loans],
            [186 / max(1, len(cols))] * len(cols), "（无）",
        )  # fmt: skip
        n += 1

    if "household_order" in REGISTRY:
        _orders(pdf, session, h, f"{'一二三四五六'[n - 1]}、群众点单（三单制）")
        n += 1

    visit = REGISTRY["visit"]
    t = visit.table
    visits = _children(session, "visit", h["id"], [t.c.occurred_at_corrected.desc(), t.c.id])
    _section(
        pdf, f"{'一二三四五六'[n - 1]}、最近走访（共 {len(visits)} 次，列最近 {LATEST_VISITS} 次）"
    )
    cols = _cols(visit, VISIT_FIELDS)
    _table(
        pdf, ["走访时间（北京时间）", *(col.header for col in cols)],
        [
            [_text(c.beijing(v["occurred_at_corrected"])), *(_text(col.cell(v, opts)) for col in cols)]
            for v in visits[:LATEST_VISITS]
        ],
        (34, 20, 84, 28, 20), "（无）",
    )  # fmt: skip
    if photos is not None:
        _photo(
            pdf, photos, MediaStore(get_settings().media_path()), f"{'一二三四五六七'[n]}、走访照片"
        )

    pdf.ln(8)
    pdf.set_font(FONT, size=10)
    for line in (
        "户主（签字）：____________________　　　帮扶责任人（签字）：____________________",
        "村委会（盖章）：__________________　　　驻村工作队（签字）：____________________",
        "日期：______年____月____日",
    ):
        pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")


def household_row(session: Session, caller: Caller, household_id: str) -> Any:
    """The household's row, if it is live and in the caller's scope (else 404)."""
    t = REGISTRY["household"].table
    h = session.connection().execute(select(t).where(t.c.id == household_id)).mappings().first()
    if h is None or h["deleted"] or not caller.scope.allows(h["village_code"]):
        raise NotFound()
    return h


def village_rows(session: Session, caller: Caller, village_code: str) -> list[Any]:
    """The live households of a village in the caller's scope (else 404), by group and name;
    refused past MAX_VILLAGE_HOUSEHOLDS (a PDF made in one request must stay bounded)."""
    if not caller.scope.allows(village_code):
        raise NotFound()
    t = REGISTRY["household"].table
    rows = list(
        session.connection()
        .execute(
            select(t)
            .where(t.c.village_code == village_code, ~t.c.deleted)
            .order_by(t.c.group_code, t.c.head_name, t.c.id)
            .limit(MAX_VILLAGE_HOUSEHOLDS + 1)
        )
        .mappings()
    )
    if len(rows) > MAX_VILLAGE_HOUSEHOLDS:
        raise Unprocessable(
            f"一个村超过 {MAX_VILLAGE_HOUSEHOLDS} 户，请按户打印", code="too_many_households"
        )
    return rows


def household_pdf(session: Session, role: str, h: Any) -> bytes:
    """One household's family file (its row ``h`` already checked against the scope)."""
    pdf = _Pdf(f"家庭档案 {h['head_name']}")
    opts = c.Options(mask=role not in UNMASKED_ROLES, skew_flag_s=0)
    photos = _photos(session, [h["id"]]).get(h["id"])
    _household_pages(pdf, session, h, _place(session, h["village_code"]), opts, photos)
    return bytes(pdf.output())


def village_pdf(session: Session, role: str, village_code: str, households: list[Any]) -> bytes:
    """Every household of a village, one family file after another (by group, then name)."""
    place = _place(session, village_code)
    pdf = _Pdf(f"{place['village']} 家庭档案")
    opts = c.Options(mask=role not in UNMASKED_ROLES, skew_flag_s=0)
    photos = _photos(session, [h["id"] for h in households])
    for h in households:
        _household_pages(pdf, session, h, place, opts, photos.get(h["id"]))
    if not households:
        pdf.add_page()
        pdf.cell(0, 10, f"{place['village']}：没有农户", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
