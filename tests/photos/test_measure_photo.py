"""A measure's result photo (``measure_photo``): one per measure, its bytes sent by the same
tus upload as a visit photo's and read back by the same routes, 404 outside the scope."""

from pathlib import Path

from backend.database import open_session
from backend.photos.check import check
from backend.photos.storage import MediaStore
from tests.conftest import County
from tests.photos.helpers import image_bytes, photo_data
from tests.photos.test_photos import upload
from tests.sync.phone import Phone, household, new_id


def measure_in(phone: Phone, village: str) -> str:
    hid, mid = new_id(), new_id()
    phone.push_ok(
        [
            phone.op("household", hid, household(village)),
            phone.op(
                "measure", mid, {"household_id": hid, "title": "养牛 2 头", "kind": "industry"}
            ),
        ]
    )
    return mid


def measure_photo(measure_id: str, raw: bytes) -> dict:
    data = photo_data("", raw)
    del data["visit_id"]
    return {**data, "measure_id": measure_id}


def test_one_photo_per_measure_uploaded_and_read_like_a_visits(
    client, county: County, media: Path
) -> None:
    a = Phone(client, "cadre_a", "d-a")
    mid = measure_in(a, county.village_a)
    raw, other = image_bytes(400, 300, seed=7), image_bytes(400, 300, seed=8)
    pid = new_id()
    [r] = a.push_ok([a.op("measure_photo", pid, measure_photo(mid, raw))])
    assert r["status"] == "applied", r
    # a second photo of the same measure is refused: one per measure result
    [r] = a.push_ok([a.op("measure_photo", new_id(), measure_photo(mid, other))])
    assert r["status"] == "rejected", r

    assert upload(client, a.headers, pid, raw).status_code == 204
    got = client.get(f"/api/v1/photos/{pid}", headers=a.headers)
    assert got.status_code == 200
    assert got.content == raw
    assert client.get(f"/api/v1/photos/{pid}/thumbnail", headers=a.headers).status_code == 200
    # the bytes count as wanted by `minqing photos check`: not an orphan, not missing
    with open_session() as session:
        report = check(session, MediaStore(media))
    assert report.ok
    assert report.orphans == []
    assert report.records == 1


def test_another_villages_cadre_gets_404(client, county: County, media: Path) -> None:
    a, c = Phone(client, "cadre_a", "d-a"), Phone(client, "cadre_c", "d-c")
    mid = measure_in(a, county.village_a)
    raw = image_bytes(400, 300, seed=9)
    pid = new_id()
    a.push_ok([a.op("measure_photo", pid, measure_photo(mid, raw))])
    r = upload(client, a.headers, pid, raw)
    assert r.status_code == 204
    for path in (f"/api/v1/photos/{pid}", f"/api/v1/photos/{pid}/thumbnail"):
        assert client.get(path, headers=c.headers).status_code == 404
    r = client.head(
        f"/api/v1/photos/uploads/{pid}", headers={**c.headers, "Tus-Resumable": "1.0.0"}
    )
    assert r.status_code == 404
    # nor may the other village's cadre hang a photo on this measure
    [res] = c.push_ok([c.op("measure_photo", new_id(), measure_photo(mid, raw))])
    assert res["status"] == "rejected", res
