"""Photos for the tests: real JPEG/PNG bytes made with Pillow, their records, a tus client."""

import base64
import hashlib
import io
import random
from datetime import UTC, datetime
from typing import Any

from PIL import Image

TUS = {"Tus-Resumable": "1.0.0"}
UPLOADS = "/api/v1/photos/uploads"


def image_bytes(
    width: int = 400, height: int = 300, fmt: str = "JPEG", seed: int = 1, noise: bool = False
) -> bytes:
    """A picture Pillow made; ``noise`` makes a JPEG that compresses badly (a bigger file)."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (width, height), (rnd.randrange(256), 120, 60))
    if noise:
        img.frombytes(rnd.randbytes(width * height * 3))
    out = io.BytesIO()
    img.save(out, fmt, quality=90)
    return out.getvalue()


def photo_data(visit_id: str, raw: bytes, fmt: str = "JPEG", **extra: Any) -> dict[str, Any]:
    with Image.open(io.BytesIO(raw)) as img:
        width, height = img.size
    return {
        "visit_id": visit_id,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "mime": {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt],
        "bytes": len(raw),
        "width": width,
        "height": height,
        "taken_at": datetime.now(UTC).isoformat(),
        "gps": {"lat": 27.2, "lon": 108.9, "accuracy_m": 12},
        **extra,
    }


def visit_data(household_id: str) -> dict[str, Any]:
    return {"household_id": household_id, "occurred_at": datetime.now(UTC).isoformat()}


def create_headers(photo_id: str, length: int) -> dict[str, str]:
    meta = "photo_id " + base64.b64encode(photo_id.encode()).decode()
    return {**TUS, "Upload-Length": str(length), "Upload-Metadata": meta}


def patch_headers(offset: int, chunk: bytes | None = None, digest: bytes | None = None):
    """PATCH headers; with ``chunk`` the tus checksum of it (or of ``digest`` if given)."""
    headers = {
        **TUS,
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset),
    }
    if chunk is not None:
        value = digest if digest is not None else hashlib.sha256(chunk).digest()
        headers["Upload-Checksum"] = "sha256 " + base64.b64encode(value).decode()
    return headers


def plant_example_bytes() -> None:
    """Bytes for the generated example photo (SHA-256 of zeros, 10 bytes: see
    tests/records/examples.py), put straight into the store: a real JPEG, so that the
    thumbnail can be made; the store never rehashes on a read."""
    from backend.config import get_settings
    from backend.photos.storage import MediaStore

    path = MediaStore(get_settings().media_path()).content("0" * 64)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image_bytes(40, 30))
