"""Photos' bytes: the tus 1.0 upload (core, creation, checksum) and reading them back.

Written by hand, not with a tus library: the one well-kept FastAPI package (tuspyserver)
keeps uploads under its own ids with a JSON sidecar, offers no checksum extension and mounts
a download route of its own — we need uploads bound to a photo record (its length, type and
SHA-256 are the record's), content-addressed storage, and the caller's scope on every route.
The protocol's core is three requests; here it is about 150 lines.

The upload of photo ``X`` is ``/api/v1/photos/uploads/X``: creating it again answers the same
upload, so a phone that lost the answer to its POST simply asks again, and any phone that
knows the record can resume it. Nothing is written to the database: the offset is the size
of the partial file on disk (backend/photos/storage.py), which survives a killed server.
"""

import base64
import binascii
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import select
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from backend.auth.dependencies import Caller, current_caller
from backend.config import Settings
from backend.database import open_session
from backend.errors import AppError, Forbidden, NotFound
from backend.photos.records import MAX_PHOTO_BYTES, PHOTO, PHOTO_TYPES
from backend.photos.storage import MediaStore, NotAnImage, could_be_image, inspect, sha256_of

TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}
CHECKSUM_ALGORITHMS = ("sha1", "sha256")  # tus requires sha1; the phone sends sha256
NOT_IMAGE = "只能上传 JPEG、PNG 或 WebP 格式的照片"


class TusError(AppError):
    """An error answer of the upload protocol: it carries Tus-Resumable like every answer."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail, code=code, headers=dict(TUS_HEADERS))
        self.status_code = status


@dataclass(frozen=True)
class PhotoRow:
    id: str
    sha256: str
    mime: str
    bytes: int
    width: int
    height: int


def store_of(settings: Settings) -> MediaStore:
    return MediaStore(settings.media_path())


def photo_in_scope(session: Session, caller: Caller, photo_id: str, *, write: bool) -> PhotoRow:
    """The photo record (a visit's or a measure's: ids are UUIDs, so one id names at most
    one) if the caller may see it (or, ``write``, send its bytes); else 404, the same answer
    as for a photo that does not exist (no leak of what is outside scope)."""
    if caller.role not in (PHOTO.writers if write else PHOTO.readers):
        raise Forbidden("您的角色不能上传照片")
    for rt in PHOTO_TYPES:
        if caller.role not in (rt.writers if write else rt.readers):
            continue
        t = rt.table
        row = (
            session.connection()
            .execute(
                select(
                    t.c.sha256, t.c.mime, t.c.bytes, t.c.width, t.c.height, t.c.village_code
                ).where(t.c.id == photo_id, ~t.c.deleted)
            )
            .first()
        )
        if row is not None and caller.scope.allows(row.village_code):
            return PhotoRow(photo_id, row.sha256, row.mime, row.bytes, row.width, row.height)
    raise NotFound("照片不存在或不在您的范围内")


def authorise(
    settings: Settings, creds: HTTPAuthorizationCredentials | None, photo_id: str, *, write: bool
) -> PhotoRow:
    """The caller and the photo, read in a short read-only session of our own: an upload's
    PATCH may stream for minutes on a 2G link, and a request-long session on a writing
    method would hold SQLite's one write turn all that time (backend/database.py)."""
    with open_session() as session:
        caller = current_caller(session, settings, creds)
        return photo_in_scope(session, caller, photo_id, write=write)


def check_version(version: str | None) -> None:
    if version != TUS_VERSION:
        raise TusError(412, "tus_version", f"仅支持 tus {TUS_VERSION}（请求头 Tus-Resumable）")


def metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    out: dict[str, str] = {}
    for pair in (header or "").split(",")[:20]:
        key, _, value = pair.strip().partition(" ")
        if not key:
            continue
        try:
            out[key] = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise TusError(400, "bad_metadata", "Upload-Metadata 格式不正确") from exc
    return out


def parse_int(value: str | None, name: str) -> int:
    if value is None or not value.isdigit() or len(value) > 12:
        raise TusError(400, "bad_header", f"缺少或无效的请求头 {name}")
    return int(value)


def create(store: MediaStore, photo: PhotoRow, length: int) -> int:
    """Begin (or find again) the upload of a photo's bytes; answers its offset."""
    if length > MAX_PHOTO_BYTES:
        raise TusError(413, "too_large", f"照片超过上限 {MAX_PHOTO_BYTES} 字节")
    if length != photo.bytes:
        raise TusError(400, "length_mismatch", f"照片大小与记录不符（记录为 {photo.bytes} 字节）")
    return offset_of(store, photo) if _begun(store, photo) else _begin(store, photo)


def _begun(store: MediaStore, photo: PhotoRow) -> bool:
    return store.has(photo.sha256) or store.offset(photo.id) is not None


def _begin(store: MediaStore, photo: PhotoRow) -> int:
    store.begin(photo.id)
    return 0


def offset_of(store: MediaStore, photo: PhotoRow) -> int:
    """The server's offset: all of it once the bytes are stored (these or identical ones)."""
    if store.has(photo.sha256):
        return photo.bytes
    offset = store.offset(photo.id)
    if offset is None:
        raise TusError(404, "no_upload", "上传不存在，请重新开始")
    return offset


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """``Upload-Checksum: <algorithm> <base64 digest>`` (the tus checksum extension)."""
    if header is None:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise TusError(400, "checksum_algorithm", f"不支持的校验算法 {algorithm}")
    try:
        return algorithm, base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise TusError(400, "bad_checksum", "Upload-Checksum 格式不正确") from exc


# One PATCH at a time per upload (in this process: the service runs one worker, as SQLite
# has one writer anyway). A phone that retries while its old request is still draining
# gets 409 and asks HEAD again.
_busy: set[str] = set()


async def append(
    store: MediaStore,
    photo: PhotoRow,
    offset: int,
    checksum: tuple[str, bytes] | None,
    body: AsyncIterator[bytes],
) -> int:
    """Append a PATCH's body at ``offset``; answers the new offset.

    Without a checksum, bytes are kept as they arrive: a cut connection keeps what came
    (tus core). With one, a chunk that is cut short or does not match is dropped whole.
    Either way the finished file must hash to the record's SHA-256 before it is kept.
    """
    if photo.id in _busy:
        raise TusError(409, "upload_busy", "该照片正在上传中，请稍后重试")
    _busy.add(photo.id)
    try:
        current = offset_of(store, photo)
        if offset != current:
            raise TusError(409, "offset_mismatch", f"偏移量应为 {current}")
        if current == photo.bytes:
            return current
        return await _append(store, photo, offset, checksum, body)
    finally:
        _busy.discard(photo.id)


async def _append(
    store: MediaStore,
    photo: PhotoRow,
    offset: int,
    checksum: tuple[str, bytes] | None,
    body: AsyncIterator[bytes],
) -> int:
    digest = hashlib.new(checksum[0]) if checksum else None
    path = store.partial(photo.id)
    written = offset
    head = b""
    complete = False
    with path.open("r+b") as f:
        f.seek(offset)
        try:
            async for chunk in body:
                if written + len(chunk) > photo.bytes:
                    raise TusError(413, "too_large", "上传的字节超过记录的照片大小")
                if offset == 0 and written < 12:
                    # Refuse a non-image at its first bytes, not after a whole upload on 2G.
                    head = (head + chunk)[:12]
                    if not could_be_image(head):
                        raise TusError(415, "not_an_image", NOT_IMAGE)
                f.write(chunk)
                written += len(chunk)
                if digest:
                    digest.update(chunk)
            complete = True
        except ClientDisconnect:
            pass
        except TusError as exc:
            f.flush()
            if exc.code == "not_an_image":
                store.discard(photo.id)
            else:
                store.truncate(photo.id, offset)
            raise
        f.flush()
        await run_in_threadpool(os.fsync, f.fileno())
    if checksum and digest and (not complete or digest.digest() != checksum[1]):
        store.truncate(photo.id, offset)
        if complete:
            raise TusError(460, "checksum_mismatch", "校验和不符，这一段未保存，请重传")
        return offset
    if written == photo.bytes:
        await run_in_threadpool(_finish, store, photo)
    return written


def _finish(store: MediaStore, photo: PhotoRow) -> None:
    """All bytes are in: keep them only if they are the record's photo, then thumbnail."""
    path = store.partial(photo.id)
    if sha256_of(path) != photo.sha256:
        store.discard(photo.id)  # start over: nothing of a wrong upload is kept
        raise TusError(460, "checksum_mismatch", "照片的 SHA-256 与记录不符，未保存，请重新上传")
    try:
        info = inspect(path)
    except NotAnImage as exc:
        store.discard(photo.id)
        raise TusError(415, "not_an_image", NOT_IMAGE) from exc
    if info.mime != photo.mime or (info.width, info.height) != (photo.width, photo.height):
        store.discard(photo.id)
        raise TusError(422, "image_mismatch", "照片的格式或尺寸与记录不符，未保存")
    store.finish(photo.id, photo.sha256)
    store.make_thumb(photo.sha256)


def stored_file(store: MediaStore, photo: PhotoRow, *, thumbnail: bool) -> Path:
    """The bytes (or thumbnail) of a photo in scope; 404 while they have not arrived."""
    if not store.has(photo.sha256):
        raise NotFound("照片尚未上传")
    return store.make_thumb(photo.sha256) if thumbnail else store.content(photo.sha256)
