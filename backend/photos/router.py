"""Visit photos' bytes: the tus 1.0 upload routes and the scoped reads of bytes and thumbnail.

The upload routes open their own short read session (backend/photos/service.py authorise)
instead of the request-long SessionDep, so a PATCH streaming over 2G never holds SQLite's
write turn. The reads are GETs and use the usual session.
"""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from backend.auth.dependencies import CurrentCaller, SettingsDep
from backend.database import SessionDep
from backend.errors import ErrorBody
from backend.photos import service
from backend.photos.records import MAX_PHOTO_BYTES
from backend.photos.service import TUS_HEADERS, TusError

router = APIRouter(prefix="/api/v1/photos", tags=["photos"])

_bearer = HTTPBearer(auto_error=False)
Creds = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
# A photo's id is a UUID made on the phone; it also names the partial file of its upload.
PhotoId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")]
UPLOADS = "/api/v1/photos/uploads"
# Content-addressed bytes never change, so the phone's browser may keep them — but only its
# own cache: they are personal data (a household's door), never for a shared proxy.
PRIVATE = "private, max-age=86400"

# The tus request headers, read by the routes themselves (a missing or wrong one answers as
# tus says: 412 for the version, 400 otherwise), declared here so the API schema shows them.
TusResumable = Annotated[str | None, Header(alias="Tus-Resumable", description="1.0.0")]
UploadLength = Annotated[str | None, Header(alias="Upload-Length", description="bytes")]
UploadMetadata = Annotated[
    str | None, Header(alias="Upload-Metadata", description="photo_id <base64 of the id>")
]
UploadOffset = Annotated[str | None, Header(alias="Upload-Offset", description="bytes")]
UploadChecksum = Annotated[
    str | None, Header(alias="Upload-Checksum", description="sha256|sha1 <base64 digest>")
]
TUS_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody, "description": description}
    for code, description in [
        (412, "Tus-Resumable is not 1.0.0"),
        (415, "Not a JPEG, PNG or WebP; or not application/offset+octet-stream"),
        (460, "Checksum mismatch (a chunk's Upload-Checksum, or the photo's SHA-256)"),
    ]
}


@router.options("/uploads", status_code=204)
def tus_options() -> Response:
    """tus discovery: the version, extensions, size limit and checksum algorithms."""
    return Response(
        status_code=204,
        headers={
            **TUS_HEADERS,
            "Tus-Version": service.TUS_VERSION,
            "Tus-Extension": "creation,checksum",
            "Tus-Max-Size": str(MAX_PHOTO_BYTES),
            "Tus-Checksum-Algorithm": ",".join(service.CHECKSUM_ALGORITHMS),
        },
    )


@router.post("/uploads", status_code=201, responses=TUS_RESPONSES)
async def tus_create(
    settings: SettingsDep,
    creds: Creds,
    tus_resumable: TusResumable = None,
    upload_length: UploadLength = None,
    upload_metadata: UploadMetadata = None,
) -> Response:
    """tus creation: begin the upload of a photo record's bytes (metadata ``photo_id``)."""
    service.check_version(tus_resumable)
    length = service.parse_int(upload_length, "Upload-Length")
    photo_id = service.metadata(upload_metadata).get("photo_id", "")
    if not re.fullmatch(r"[0-9a-fA-F-]{36}", photo_id):  # it names a file on disk too
        raise TusError(400, "bad_metadata", "Upload-Metadata 须含 photo_id（照片记录的 id）")
    photo = await run_in_threadpool(service.authorise, settings, creds, photo_id, write=True)
    offset = service.create(service.store_of(settings), photo, length)
    return Response(
        status_code=201,
        headers={**TUS_HEADERS, "Location": f"{UPLOADS}/{photo.id}", "Upload-Offset": str(offset)},
    )


@router.head("/uploads/{photo_id}", responses=TUS_RESPONSES)
async def tus_head(
    photo_id: PhotoId, settings: SettingsDep, creds: Creds, tus_resumable: TusResumable = None
) -> Response:
    """tus: the server's offset of an upload (where a cut upload resumes)."""
    service.check_version(tus_resumable)
    photo = await run_in_threadpool(service.authorise, settings, creds, photo_id, write=True)
    offset = service.offset_of(service.store_of(settings), photo)
    return Response(
        status_code=200,
        headers={**TUS_HEADERS, "Upload-Offset": str(offset), "Upload-Length": str(photo.bytes)},
    )


@router.patch("/uploads/{photo_id}", status_code=204, responses=TUS_RESPONSES)
async def tus_patch(
    photo_id: PhotoId,
    request: Request,
    settings: SettingsDep,
    creds: Creds,
    tus_resumable: TusResumable = None,
    upload_offset: UploadOffset = None,
    upload_checksum: UploadChecksum = None,
) -> Response:
    """tus: append bytes at the offset; the last byte in, the whole photo is verified."""
    service.check_version(tus_resumable)
    if request.headers.get("content-type") != "application/offset+octet-stream":
        raise TusError(415, "bad_content_type", "Content-Type 须为 application/offset+octet-stream")
    offset = service.parse_int(upload_offset, "Upload-Offset")
    checksum = service.parse_checksum(upload_checksum)
    photo = await run_in_threadpool(service.authorise, settings, creds, photo_id, write=True)
    store = service.store_of(settings)
    new_offset = await service.append(store, photo, offset, checksum, request.stream())
    return Response(status_code=204, headers={**TUS_HEADERS, "Upload-Offset": str(new_offset)})


@router.get("/{photo_id}", response_class=FileResponse)
def photo_bytes(
    photo_id: PhotoId, caller: CurrentCaller, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """A photo's bytes, to callers who can see its visit (404 otherwise)."""
    photo = service.photo_in_scope(session, caller, photo_id, write=False)
    path = service.stored_file(service.store_of(settings), photo, thumbnail=False)
    return FileResponse(path, media_type=photo.mime, headers={"Cache-Control": PRIVATE})


@router.get("/{photo_id}/thumbnail", response_class=FileResponse)
def photo_thumbnail(
    photo_id: PhotoId, caller: CurrentCaller, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """A photo's thumbnail (JPEG, 320 px), to callers who can see its visit (404 otherwise)."""
    photo = service.photo_in_scope(session, caller, photo_id, write=False)
    path = service.stored_file(service.store_of(settings), photo, thumbnail=True)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": PRIVATE})
