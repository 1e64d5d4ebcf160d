"""The printable family file prints the household's latest visit photo (its thumbnail, with
the date it was taken) once the bytes are on the server; a line says so while they are not;
a household without photos has no image at all. Read back with pdfimages and pdftotext."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import County
from tests.measures.test_familyfile import text_of
from tests.photos.helpers import image_bytes, photo_data, visit_data
from tests.photos.test_photos import photo_of, upload
from tests.sync.phone import Phone, household, new_id

pytestmark = pytest.mark.skipif(not shutil.which("pdfimages"), reason="needs poppler-utils")


def images_of(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """``pdfimages -list`` rows (page, num, type, width, height, …), one per image drawn."""
    path = tmp_path / "file.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
    return [line.split() for line in out.stdout.decode().splitlines()[2:]]


def visit_in(phone: Phone, village: str) -> tuple[str, str]:
    """A new household and a visit to it: their ids."""
    hid, vid = new_id(), new_id()
    phone.push_ok(
        [phone.op("household", hid, household(village)), phone.op("visit", vid, visit_data(hid))]
    )
    return hid, vid


def test_the_latest_stored_photo_is_printed_with_its_date(
    client, county: County, media: Path, tmp_path: Path
) -> None:
    a = Phone(client, "cadre_a", "d-a")
    hid, vid = visit_in(a, county.village_a)
    old, new = image_bytes(800, 600, seed=1), image_bytes(600, 800, seed=2)
    photo_of(a, vid, old, taken_at="2026-11-01T09:00:00+08:00")
    pid = photo_of(a, vid, new, taken_at="2026-11-20T15:30:00+08:00")
    url = f"/api/v1/households/{hid}.pdf"

    # Records but no bytes yet: the file is made, says so, and draws nothing.
    r = client.get(url, headers=a.headers)
    assert r.status_code == 200, r.text
    assert images_of(r.content, tmp_path) == []
    assert "走访照片（共2张" in text_of(r.content)
    assert "照片尚未上传到服务器" in text_of(r.content)

    assert upload(client, a.headers, pid, new).status_code == 204
    r = client.get(url, headers=a.headers)
    [row] = images_of(r.content, tmp_path)
    # the thumbnail (320 px on its long side, the portrait photo upright), not the original
    assert row[3:5] == ["240", "320"], row
    text = text_of(r.content)
    assert "拍摄于2026-11-2015:30（北京时间）" in text
    assert "照片尚未上传" not in text

    # the village file prints it too, once, and nothing for a household without photos
    other = new_id()
    a.push_ok([a.op("household", other, household(county.village_a, head_name="吴秀英"))])
    r = client.get(f"/api/v1/villages/{county.village_a}/households.pdf", headers=a.headers)
    assert r.status_code == 200, r.text
    assert len(images_of(r.content, tmp_path)) == 1
    r = client.get(f"/api/v1/households/{other}.pdf", headers=a.headers)
    assert images_of(r.content, tmp_path) == []
    assert "走访照片" not in text_of(r.content)


def test_an_unreadable_photo_never_fails_the_file(
    client, county: County, media: Path, tmp_path: Path
) -> None:
    a = Phone(client, "cadre_a", "d-a")
    hid, vid = visit_in(a, county.village_a)
    raw = image_bytes(400, 300, seed=3)
    pid = photo_of(a, vid, raw)
    assert upload(client, a.headers, pid, raw).status_code == 204
    # the stored file damaged on disk after it was verified (a bad sector, a bad restore)
    [stored] = [p for p in (media / "sha256").rglob("*") if p.is_file()]
    stored.write_bytes(b"\xff\xd8\xff" + b"\0" * 40)
    shutil.rmtree(media / "thumbs", ignore_errors=True)
    r = client.get(f"/api/v1/households/{hid}.pdf", headers=a.headers)
    assert r.status_code == 200, r.text
    assert images_of(r.content, tmp_path) == []
    assert "照片文件无法读取" in text_of(r.content)


def test_another_households_photo_is_not_printed_here(
    client, county: County, media: Path, tmp_path: Path
) -> None:
    """Another household's photo is not printed in this household's file."""
    a = Phone(client, "cadre_a", "d-a")
    _, vid = visit_in(a, county.village_a)
    raw = image_bytes(400, 300, seed=4)
    pid = new_id()
    a.push_ok([a.op("photo", pid, photo_data(vid, raw))])
    assert upload(client, a.headers, pid, raw).status_code == 204
    hid, _ = visit_in(a, county.village_a)
    r = client.get(f"/api/v1/households/{hid}.pdf", headers=a.headers)
    assert images_of(r.content, tmp_path) == []
