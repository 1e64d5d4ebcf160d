"""Photos' bytes on disk: content-addressed, one copy of identical bytes, partial uploads kept.

Layout under the media directory (``Settings.media_path()``; back it up with the database):

    sha256/ab/abcdef…          the bytes of every finished photo, named by their SHA-256
    thumbs/ab/abcdef….jpg      a small JPEG of each (made by Pillow when the bytes arrive)
    partial/<photo id>         an upload under way; its size is the tus offset

Why this shape: a finished file is only ever made by an atomic rename of a verified partial,
so a reader never sees half a photo and a crash leaves either the partial or the whole file.
The offset lives in the partial's size, not in a database row, so an upload cut by a dropped
connection or a killed server resumes where the bytes on disk end — nothing to write to the
database while a slow link trickles in (SQLite has one writer; a PATCH must not hold it).
Two records with the same bytes (the same picture attached twice) share one file.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

THUMB_SIDE = 320
# Decompression bombs: a small file that decodes to a huge bitmap. A 10,000² image is the
# largest a record may declare (backend/photos/records.py).
Image.MAX_IMAGE_PIXELS = 100_000_000

_SNIFF = 12  # bytes enough to tell the formats below apart
_PIL_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def sniff(head: bytes) -> str | None:
    """The image type the first bytes announce (JPEG, PNG or WebP), or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def could_be_image(head: bytes) -> bool:
    """Whether the first bytes may still begin an accepted image (fewer than 12 seen)."""
    if len(head) >= _SNIFF:
        return sniff(head) is not None
    prefixes = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
    return any(p[: len(head)] == head[: len(p)] for p in prefixes)


@dataclass(frozen=True)
class ImageInfo:
    mime: str
    width: int
    height: int


class NotAnImage(Exception):
    pass


def inspect(path: Path) -> ImageInfo:
    """Check the file is a whole JPEG/PNG/WebP that Pillow decodes; answer its type and size."""
    with path.open("rb") as f:
        mime = sniff(f.read(_SNIFF))
    if mime is None:
        raise NotAnImage("not a JPEG, PNG or WebP")
    try:
        with Image.open(path) as img:
            if img.format != _PIL_FORMAT[mime]:
                raise NotAnImage(f"announced {mime}, decodes as {img.format}")
            width, height = img.size
            img.verify()  # structure and checksums, without decoding every pixel
        with Image.open(path) as img:
            img.load()  # a truncated file passes verify() but not a full decode
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise NotAnImage(str(exc)) from exc
    return ImageInfo(mime, width, height)


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # ── paths ─────────────────────────────────────────────────────────────────────────

    def content(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    def thumb(self, sha256: str) -> Path:
        return self.root / "thumbs" / sha256[:2] / f"{sha256}.jpg"

    def partial(self, photo_id: str) -> Path:
        return self.root / "partial" / photo_id

    # ── uploads ───────────────────────────────────────────────────────────────────────

    def has(self, sha256: str) -> bool:
        return self.content(sha256).is_file()

    def offset(self, photo_id: str) -> int | None:
        """Bytes received so far for an upload, or None when none was begun."""
        try:
            return self.partial(photo_id).stat().st_size
        except FileNotFoundError:
            return None

    def begin(self, photo_id: str) -> None:
        path = self.partial(photo_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def discard(self, photo_id: str) -> None:
        self.partial(photo_id).unlink(missing_ok=True)

    def truncate(self, photo_id: str, offset: int) -> None:
        """Drop bytes past ``offset`` (a chunk whose checksum failed or was cut short)."""
        with self.partial(photo_id).open("r+b") as f:
            f.truncate(offset)
            f.flush()
            os.fsync(f.fileno())

    def finish(self, photo_id: str, sha256: str) -> None:
        """Move a verified partial to its content address (or drop it: the bytes are there)."""
        src = self.partial(photo_id)
        dest = self.content(sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            src.unlink(missing_ok=True)
            return
        os.replace(src, dest)  # atomic on one file system: never half a photo at dest
        _fsync_dir(dest.parent)

    def make_thumb(self, sha256: str) -> Path:
        """The thumbnail of stored bytes, made on first need; EXIF orientation applied."""
        out = self.thumb(sha256)
        if out.is_file():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        from PIL import ImageOps

        with Image.open(self.content(sha256)) as img:
            small = ImageOps.exif_transpose(img).convert("RGB")
            small.thumbnail((THUMB_SIDE, THUMB_SIDE))
            tmp = out.with_suffix(".tmp")
            small.save(tmp, "JPEG", quality=75, optimize=True)
        os.replace(tmp, out)
        return out

    # ── checks (``minqing photos check``) ─────────────────────────────────────────────

    def stored_hashes(self) -> set[str]:
        base = self.root / "sha256"
        if not base.is_dir():
            return set()
        return {p.name for p in base.glob("??/*") if p.is_file()}

    def partial_ids(self) -> set[str]:
        base = self.root / "partial"
        return {p.name for p in base.iterdir()} if base.is_dir() else set()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 16):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: the directory entry, not only the file, must reach the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
