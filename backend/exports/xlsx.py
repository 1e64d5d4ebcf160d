"""An XLSX workbook written as it is sent: each sheet's XML goes into the zip archive as its
rows are read, and the compressed bytes leave a page of rows at a time.

openpyxl's write-only mode writes each sheet to a temporary file and zips them all at
``save``: the county workbook was built whole before its first byte (minutes, with one core
busy), and kept building after the client had gone. Here the archive is written to an
unseekable pipe (``zipfile`` then writes data descriptors), each sheet's writer writes into
its archive entry, and only the small parts (styles, workbook, content types) are written by
openpyxl's own ``ExcelWriter`` at the end. A client that leaves stops the work at the next
page: the generator is closed where it waits.
"""

import contextlib
import io
from collections.abc import Iterable, Iterator
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

Row = list[Any]


class _Pipe(io.RawIOBase):
    """Where the archive is written; what it holds is taken out and sent."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self._chunks.append(bytes(b))
        return len(b)

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


class _Writer(ExcelWriter):  # type: ignore[misc]
    def write_worksheet(self, ws: Any) -> None:
        # The sheet's XML is in the archive already (stream): only its relations and its
        # entry in the manifest are left, as ExcelWriter.write_worksheet does them.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def _abandon(ws: Any) -> None:
    """Close a sheet's writers while its entry is open: left to the garbage collector, they
    would write their closing tags into a closed file."""
    with contextlib.suppress(Exception):
        if ws._rows is not None:
            ws._rows.close()
        ws._writer.close()


def stream(
    sheets: Iterable[tuple[str, Row, Iterable[Row]]], every: int, cell: Any = None
) -> Iterator[bytes]:
    """The workbook's bytes; ``sheets`` are (title, header row, rows). Yields at least every
    ``every`` rows (possibly nothing yet: the point where a departed client stops us);
    ``cell(ws, value)`` makes each cell."""
    wb = Workbook(write_only=True)
    pipe = _Pipe()
    with ZipFile(pipe, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        for idx, (title, header, rows) in enumerate(sheets, 1):
            ws = wb.create_sheet(title)
            ws._id = idx  # the sheet's path in the archive (ExcelWriter numbers them alike)
            ws.freeze_panes = "A2"
            with archive.open(ws.path[1:], "w", force_zip64=True) as entry:
                ws._writer = WorksheetWriter(ws, out=entry)
                try:
                    ws._writer.write_top()
                    ws.append(header)
                    for n, row in enumerate(rows, 1):
                        ws.append([cell(ws, v) for v in row] if cell else row)
                        if n % every == 0:
                            yield pipe.take()
                    ws.close()
                finally:
                    if not ws.closed:
                        _abandon(ws)
            yield pipe.take()
        _Writer(wb, archive).write_data()
    yield pipe.take()
