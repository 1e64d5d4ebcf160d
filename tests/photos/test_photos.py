"""Visit photos: a record like any other, its bytes uploaded by tus 1.0, verified against the
record's SHA-256, kept once, answered only inside the caller's scope."""

import hashlib
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import County
from tests.photos.helpers import (
    TUS,
    UPLOADS,
    create_headers,
    image_bytes,
    patch_headers,
    photo_data,
    visit_data,
)
from tests.sync.phone import Phone, household, new_id


def visit_of(phone: Phone, village: str) -> str:
    hid, vid = new_id(), new_id()
    results = phone.push_ok(
        [phone.op("household", hid, household(village)), phone.op("visit", vid, visit_data(hid))]
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return vid


def photo_of(phone: Phone, visit_id: str, raw: bytes, **extra: Any) -> str:
    pid = new_id()
    [r] = phone.push_ok([phone.op("photo", pid, photo_data(visit_id, raw, **extra))])
    assert r["status"] == "applied", r
    return pid


def upload(client: httpx.Client, headers: dict[str, str], pid: str, raw: bytes) -> httpx.Response:
    r = client.post(UPLOADS, headers={**headers, **create_headers(pid, len(raw))})
    assert r.status_code == 201, r.text
    return client.patch(r.headers["Location"], content=raw, headers={**headers, **patch_headers(0)})


def stored(media: Path) -> list[Path]:
    return sorted(p for p in (media / "sha256").rglob("*") if p.is_file())


def test_tus_discovery(client, media: Path) -> None:
    r = client.options(UPLOADS)
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {"creation", "checksum"}
    assert "sha256" in r.headers["Tus-Checksum-Algorithm"]
    assert int(r.headers["Tus-Max-Size"]) == 2_000_000


def test_upload_in_chunks_with_checksums_then_read_back(
    client, county: County, media: Path
) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    raw = image_bytes(800, 600, noise=True)
    pid = photo_of(a, visit_of(a, county.village_a), raw)
    r = client.post(UPLOADS, headers={**a.headers, **create_headers(pid, len(raw))})
    assert r.status_code == 201, r.text
    url = r.headers["Location"]
    assert url == f"{UPLOADS}/{pid}"
    half = len(raw) // 2
    for start, end in [(0, half), (half, len(raw))]:
        head = client.head(url, headers={**a.headers, **TUS})
        assert head.headers["Upload-Offset"] == str(start)
        chunk = raw[start:end]
        r = client.patch(url, content=chunk, headers={**a.headers, **patch_headers(start, chunk)})
        assert r.status_code == 204, r.text
        assert r.headers["Upload-Offset"] == str(end)
        assert r.headers["Tus-Resumable"] == "1.0.0"
    [path] = stored(media)
    assert path.name == hashlib.sha256(raw).hexdigest()
    got = client.get(f"/api/v1/photos/{pid}", headers={**a.headers, "Accept-Encoding": "gzip"})
    assert got.status_code == 200
    assert "content-encoding" not in got.headers  # a JPEG is not gzipped again
    assert got.content == raw
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["cache-control"].startswith("private")
    thumb = client.get(f"/api/v1/photos/{pid}/thumbnail", headers=a.headers)
    assert thumb.status_code == 200
    assert thumb.content[:3] == b"\xff\xd8\xff"
    assert len(thumb.content) < len(raw)
    assert thumb.headers["cache-control"].startswith("private")
    # the supervisor of the township sees it too
    sup = Phone(client, "super_t1", "d-s1")
    assert client.get(f"/api/v1/photos/{pid}/thumbnail", headers=sup.headers).status_code == 200


def test_identical_bytes_are_kept_once(client, county: County, media: Path) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    raw = image_bytes(seed=7)
    vid = visit_of(a, county.village_a)
    first, second = photo_of(a, vid, raw), photo_of(a, vid, raw)
    assert upload(client, a.headers, first, raw).status_code == 204
    # the same picture again: creation answers it whole, no byte travels
    r = client.post(UPLOADS, headers={**a.headers, **create_headers(second, len(raw))})
    assert r.status_code == 201
    assert r.headers["Upload-Offset"] == str(len(raw))
    head = client.head(r.headers["Location"], headers={**a.headers, **TUS})
    assert head.headers["Upload-Offset"] == str(len(raw))
    assert len(stored(media)) == 1
    assert client.get(f"/api/v1/photos/{second}", headers=a.headers).content == raw


def test_wrong_checksum_is_refused_and_nothing_kept(client, county: County, media: Path) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    raw = image_bytes(seed=3)
    pid = photo_of(a, visit_of(a, county.village_a), raw)
    r = client.post(UPLOADS, headers={**a.headers, **create_headers(pid, len(raw))})
    url = r.headers["Location"]
    # a chunk whose tus checksum does not match: refused (460), the offset stays
    bad = patch_headers(0, raw, digest=hashlib.sha256(b"other").digest())
    r = client.patch(url, content=raw, headers={**a.headers, **bad})
    assert r.status_code == 460, r.text
    assert r.json()["error"] == "checksum_mismatch"
    assert client.head(url, headers={**a.headers, **TUS}).headers["Upload-Offset"] == "0"
    assert stored(media) == []
    # bytes that are not the record's photo (its SHA-256 differs): refused whole
    other = bytearray(raw)
    other[-10] ^= 0xFF
    r = client.patch(url, content=bytes(other), headers={**a.headers, **patch_headers(0)})
    assert r.status_code == 460, r.text
    assert "SHA-256" in r.json()["detail"]
    assert stored(media) == []
    assert not list((media / "partial").iterdir())
    # the right bytes still go in afterwards
    assert upload(client, a.headers, pid, raw).status_code == 204
    assert len(stored(media)) == 1


def test_not_an_image_is_refused_in_chinese(client, county: County, media: Path) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    text = b"%PDF-1.4 this is not a photo " * 40
    pid = photo_of(a, visit_of(a, county.village_a), image_bytes(), bytes=len(text))
    r = client.post(UPLOADS, headers={**a.headers, **create_headers(pid, len(text))})
    r = client.patch(r.headers["Location"], content=text, headers={**a.headers, **patch_headers(0)})
    assert r.status_code == 415
    assert r.json()["detail"] == "只能上传 JPEG、PNG 或 WebP 格式的照片"
    assert stored(media) == []
    # a JPEG's first bytes on a file that is not one: refused by Pillow at the end
    fake = b"\xff\xd8\xff\xe0" + b"\0" * 2000
    sha = hashlib.sha256(fake).hexdigest()
    pid = photo_of(a, visit_of(a, county.village_a), image_bytes(), bytes=len(fake), sha256=sha)
    r = upload(client, a.headers, pid, fake)
    assert r.status_code == 415
    assert r.json()["detail"] == "只能上传 JPEG、PNG 或 WebP 格式的照片"
    assert stored(media) == []


def test_size_limits(client, county: County, media: Path) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    vid = visit_of(a, county.village_a)
    [r] = a.push_ok([a.op("photo", new_id(), photo_data(vid, image_bytes(), bytes=2_000_001))])
    assert r["status"] == "rejected"
    assert "大小（字节）：不能大于 2000000" in r["error"]["message"]
    raw = image_bytes()
    pid = photo_of(a, vid, raw)
    r = client.post(UPLOADS, headers={**a.headers, **create_headers(pid, 3_000_000)})
    assert r.status_code == 413
    r = client.post(UPLOADS, headers={**a.headers, **create_headers(pid, len(raw) + 1)})
    assert r.status_code == 400
    assert "大小与记录不符" in r.json()["detail"]


def test_three_photos_per_visit(client, county: County, media: Path) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    vid = visit_of(a, county.village_a)
    for seed in range(3):
        photo_of(a, vid, image_bytes(seed=seed))
    [r] = a.push_ok([a.op("photo", new_id(), photo_data(vid, image_bytes(seed=9)))])
    assert r["status"] == "rejected"
    assert r["error"]["message"] == "每个走访记录最多 3 条走访照片"

    # One on file and three in one batch: the store's and the batch's own are counted together.
    other = visit_of(a, county.village_a)
    photo_of(a, other, image_bytes(seed=10))
    results = a.push_ok(
        [a.op("photo", new_id(), photo_data(other, image_bytes(seed=s))) for s in (11, 12, 13)]
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]


def test_another_villages_cadre_gets_404(client, county: County, media: Path) -> None:
    a, c = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_c", "d-c1")
    raw = image_bytes(seed=5)
    pid = photo_of(a, visit_of(a, county.village_a), raw)
    assert upload(client, a.headers, pid, raw).status_code == 204
    for path in (f"/api/v1/photos/{pid}", f"/api/v1/photos/{pid}/thumbnail"):
        r = client.get(path, headers=c.headers)
        assert r.status_code == 404, path
        assert r.json()["detail"] == "照片不存在或不在您的范围内"
        # exactly the answer for a photo that does not exist
        assert client.get(path.replace(pid, new_id()), headers=c.headers).json() == r.json()
    assert client.head(f"{UPLOADS}/{pid}", headers={**c.headers, **TUS}).status_code == 404
    r = client.post(UPLOADS, headers={**c.headers, **create_headers(pid, len(raw))})
    assert r.status_code == 404
    r = client.patch(
        f"{UPLOADS}/{pid}", content=raw, headers={**c.headers, **patch_headers(len(raw))}
    )
    assert r.status_code == 404
    # and no one without a token
    assert client.get(f"/api/v1/photos/{pid}").status_code == 401


def test_photos_wait_for_their_bytes(client, county: County, media: Path) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    pid = photo_of(a, visit_of(a, county.village_a), image_bytes())
    r = client.get(f"/api/v1/photos/{pid}", headers=a.headers)
    assert r.status_code == 404
    assert r.json()["detail"] == "照片尚未上传"
    r = client.head(f"{UPLOADS}/{pid}", headers={**a.headers, **TUS})
    assert r.status_code == 404
    r = client.post(UPLOADS, headers={"Upload-Length": "10"})
    assert r.status_code == 412


def test_photos_check_lists_missing_and_orphans_and_deletes_nothing(
    client, county: County, media: Path
) -> None:
    from typer.testing import CliRunner

    from backend.cli import app

    a = Phone(client, "cadre_a", "d-a1")
    vid = visit_of(a, county.village_a)
    sent, unsent = image_bytes(seed=11), image_bytes(seed=12)
    pid = photo_of(a, vid, sent)
    missing = photo_of(a, vid, unsent)
    assert upload(client, a.headers, pid, sent).status_code == 204
    orphan = media / "sha256" / "ab" / ("ab" + "0" * 62)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    result = CliRunner().invoke(app, ["photos", "check", "--verify"])
    assert result.exit_code == 1, result.output
    assert "photo records: 2" in result.output
    assert f"records without their bytes: 1\n  {missing}" in result.output
    assert f"stored bytes no record names (orphans, kept): 1\n  {orphan.name}" in result.output
    assert "stored bytes that do not hash to their name: 1" in result.output  # the orphan
    assert orphan.exists()  # nothing deleted
    assert len(stored(media)) == 2


def test_the_last_visits_photos_are_evidence_beside_the_cadre(
    client, county: County, media: Path
) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    old_visit = visit_of(a, county.village_a)
    photo_of(a, old_visit, image_bytes(seed=20))
    vid = visit_of(a, county.village_a)  # the last visit
    early, late = image_bytes(seed=21), image_bytes(seed=22)
    first = photo_of(a, vid, early, taken_at="2026-11-20T09:00:00+08:00")
    second = photo_of(a, vid, late, taken_at="2026-11-20T09:05:00+08:00")
    assert upload(client, a.headers, second, late).status_code == 204
    sup = Phone(client, "super_county", "d-sc")
    r = client.post("/api/v1/supervision/rounds", json={"seed": 1}, headers=sup.headers)
    assert r.status_code == 201, r.text
    cadres = {c["name"]: c["evidence"] for c in r.json()["cadres"]}
    last = cadres["cadre_a"]["last_visit"]
    assert last["id"] == vid
    assert last["photos"] == [second, first]  # latest taken first
    thumb = client.get(f"/api/v1/photos/{second}/thumbnail", headers=sup.headers)
    assert thumb.status_code == 200
    assert cadres["cadre_c"]["last_visit"] is None
