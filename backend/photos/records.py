"""A visit photo (走访照片), declared for the record engine.

The record holds what the county needs to trust the bytes: the SHA-256 the phone computed
before the photo ever left it, its size and pixel size, when it was taken (as the phone
reported it, corrected for clock skew like a visit's time) and where. The bytes travel
apart from the record, after the records of the same sync, by tus (backend/photos/tus.py),
and are kept only if they hash to this record's SHA-256.

A photo belongs to a visit: it is evidence of that visit, created once, corrected only by
its author, at most ``MAX_PER_VISIT`` per visit. A measure's result has one photo of its own
(``measure_photo``: the cow bought, the roof mended): the engine gives a type one parent, so
it is a second type with the same fields but its parent, and the same bytes machinery — its
upload, storage and reads find a photo by id in either table (backend/photos/service.py).
"""

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from sqlmodel import Field

from backend.measures.records import MEASURE  # declared first: a measure photo's parent
from backend.records.fields import Vocab, choice, device_time, integer, json_obj, ref
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare
from backend.visits.records import GpsFix  # also declares `visit` first: the parent

MAX_PER_VISIT = 3
# One photo's bytes. Under the request body limit (2 MiB, backend/config.py), so any tus
# client may send a photo in one PATCH; the phone's photos are ~150–300 KB (1600 px JPEG).
MAX_PHOTO_BYTES = 2_000_000
MAX_PIXELS_SIDE = 10_000
SHA256_PATTERN = r"^[0-9a-f]{64}$"

MIME = Vocab(**{"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"})


class PhotoBytes(DataSchema):
    """What every photo record says of its bytes (its parent is the subclass's)."""

    sha256: str = Field(
        default=None,
        min_length=64,
        max_length=64,
        title="SHA-256",
        sa_type=sa.String(64),
        # ``pattern`` through schema_extra: SQLModel's own ``regex=`` is not enforced by
        # pydantic 2. ``format`` lets generated examples (tests/records) make a valid hash.
        schema_extra={"pattern": SHA256_PATTERN, "json_schema_extra": {"format": "sha256"}},
    )
    mime: Annotated[str, MIME] = choice("格式", "image/jpeg")
    bytes: int = integer("大小（字节）", ge=1, le=MAX_PHOTO_BYTES)
    width: int = integer("宽（像素）", ge=1, le=MAX_PIXELS_SIDE)
    height: int = integer("高（像素）", ge=1, le=MAX_PIXELS_SIDE)
    taken_at: datetime = device_time("拍摄时间")
    gps: GpsFix | None = json_obj("定位")


class PhotoData(PhotoBytes):
    visit_id: str = ref("所属走访")


class MeasurePhotoData(PhotoBytes):
    measure_id: str = ref("所属帮扶措施")


# The bytes are bound to the hash: changing it would orphan the bytes already sent.
BYTES_FIELDS = frozenset({"sha256", "mime", "bytes", "width", "height"})
EXPORT = ("taken_at", "gps", "mime", "bytes", "width", "height", "sha256")

PHOTO = declare(
    RecordType(
        name="photo",
        label="走访照片",
        schema=PhotoData,
        parent=("visit", "visit_id"),
        immutable=BYTES_FIELDS | {"visit_id"},
        event=True,
        max_per_parent=MAX_PER_VISIT,
        indexes=("visit_id", "sha256"),
        title=("taken_at",),
        export=EXPORT,
    )
)

Photo = PHOTO.model

MEASURE_PHOTO = declare(
    RecordType(
        name="measure_photo",
        label="帮扶成效照片",
        schema=MeasurePhotoData,
        parent=(MEASURE.name, "measure_id"),
        immutable=BYTES_FIELDS | {"measure_id"},
        event=True,
        max_per_parent=1,
        indexes=("measure_id", "sha256"),
        title=("taken_at",),
        export=EXPORT,
    )
)

# Every type whose records carry photo bytes: the upload, reads and checks look in each.
PHOTO_TYPES = (PHOTO, MEASURE_PHOTO)
