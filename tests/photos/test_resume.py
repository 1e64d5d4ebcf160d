"""A photo upload cut halfway — the connection dropped and the server SIGKILLed — resumes from
the offset the restarted server reports, and the stored bytes hash to the record's SHA-256."""

import hashlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import PASSWORD, County
from tests.photos.helpers import (
    TUS,
    UPLOADS,
    create_headers,
    image_bytes,
    patch_headers,
    photo_data,
    visit_data,
)
from tests.sync.phone import household, new_id

pytestmark = pytest.mark.server


def token(url: str) -> dict[str, str]:
    r = httpx.post(
        f"{url}/api/v1/auth/token",
        json={"username": "cadre_a", "password": PASSWORD, "device_id": "d-a1"},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def push(url: str, headers: dict[str, str], ops: list[tuple[str, str, dict]]) -> None:
    now = datetime.now(UTC).isoformat()
    body = {
        "device_id": "d-a1",
        "batch_id": str(uuid.uuid4()),
        "device_time": now,
        "ops": [
            {"op_id": str(uuid.uuid4()), "type": t, "id": i, "base_version": None, "set": d}
            for t, i, d in ops
        ],
    }
    r = httpx.post(f"{url}/api/v1/sync/push", json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"applied"}, r.text


def test_a_patch_cut_by_sigkill_resumes_from_the_servers_offset(
    live_server, county: County, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    server = live_server(MINQING_MEDIA_DIR=str(media))
    headers = token(server.url)
    raw = image_bytes(900, 700, noise=True)  # ~0.5–1 MB of JPEG that does not compress
    assert 300_000 < len(raw) < 2_000_000
    hid, vid, pid = new_id(), new_id(), new_id()
    push(
        server.url,
        headers,
        [
            ("household", hid, household(county.village_a)),
            ("visit", vid, visit_data(hid)),
            ("photo", pid, photo_data(vid, raw)),
        ],
    )
    r = httpx.post(f"{server.url}{UPLOADS}", headers={**headers, **create_headers(pid, len(raw))})
    assert r.status_code == 201, r.text
    url = f"{server.url}{r.headers['Location']}"

    half = len(raw) // 2
    hold = threading.Event()

    def body() -> Iterator[bytes]:
        for i in range(0, half, 16_384):
            yield raw[i : min(i + 16_384, half)]
        hold.wait(30)  # the rest never comes: the server dies first
        yield raw[half:]

    failed: list[BaseException] = []

    def send() -> None:
        try:
            httpx.patch(url, content=body(), headers={**headers, **patch_headers(0)}, timeout=60)
        except httpx.HTTPError as exc:
            failed.append(exc)

    t = threading.Thread(target=send)
    t.start()
    partial = media / "partial" / pid
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not partial.exists() or partial.stat().st_size < half):
        time.sleep(0.01)
    assert partial.stat().st_size == half, "the first half never reached the disk"
    server.kill()  # SIGKILL halfway through the PATCH
    hold.set()
    t.join()
    assert failed, "the phone got an answer from a dead server"

    server = live_server(MINQING_MEDIA_DIR=str(media))  # restarted
    headers = token(server.url)
    url = f"{server.url}{UPLOADS}/{pid}"  # the same upload on the new server's port
    head = httpx.head(url, headers={**headers, **TUS})
    assert head.status_code == 200, head.text
    offset = int(head.headers["Upload-Offset"])
    assert offset == half  # every byte that reached the disk counts
    rest = raw[offset:]
    r = httpx.patch(url, content=rest, headers={**headers, **patch_headers(offset, rest)})
    assert r.status_code == 204, r.text
    assert r.headers["Upload-Offset"] == str(len(raw))
    sha = hashlib.sha256(raw).hexdigest()
    stored = media / "sha256" / sha[:2] / sha
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    assert not partial.exists()
    got = httpx.get(f"{server.url}/api/v1/photos/{pid}", headers=headers)
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == sha


def _cut_patch(url: str, headers: dict[str, str], body: bytes, total: int) -> None:
    """A PATCH that announces ``total`` bytes, sends ``body`` and drops the connection."""
    parts = urlsplit(url)
    lines = [f"PATCH {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {total}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((parts.hostname, parts.port)) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        time.sleep(0.5)  # the server has read what came


def _offset(url: str, headers: dict[str, str], want: int) -> int:
    """The server's offset once it has settled on ``want`` (or whatever it says after 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        r = httpx.head(url, headers={**headers, **TUS})
        offset = int(r.headers["Upload-Offset"])
        if offset == want or time.monotonic() > deadline:
            return offset
        time.sleep(0.05)


def test_a_dropped_connection_keeps_what_came_unless_the_chunk_had_a_checksum(
    live_server, county: County, tmp_path: Path
) -> None:
    server = live_server(MINQING_MEDIA_DIR=str(tmp_path / "media"))
    headers = token(server.url)
    raw = image_bytes(700, 500, noise=True)
    hid, vid, pid = new_id(), new_id(), new_id()
    push(
        server.url,
        headers,
        [
            ("household", hid, household(county.village_a)),
            ("visit", vid, visit_data(hid)),
            ("photo", pid, photo_data(vid, raw)),
        ],
    )
    r = httpx.post(f"{server.url}{UPLOADS}", headers={**headers, **create_headers(pid, len(raw))})
    url = f"{server.url}{r.headers['Location']}"
    third = len(raw) // 3
    # tus core: a cut PATCH keeps the bytes that arrived
    _cut_patch(url, {**headers, **patch_headers(0)}, raw[:third], len(raw))
    assert _offset(url, headers, third) == third
    # with a checksum the cut chunk cannot be verified: none of it is kept
    chunk = raw[third:]
    _cut_patch(url, {**headers, **patch_headers(third, chunk)}, chunk[:third], len(chunk))
    assert _offset(url, headers, third) == third
    r = httpx.patch(url, content=chunk, headers={**headers, **patch_headers(third, chunk)})
    assert r.status_code == 204, r.text
    got = httpx.get(f"{server.url}/api/v1/photos/{pid}", headers=headers)
    assert hashlib.sha256(got.content).hexdigest() == hashlib.sha256(raw).hexdigest()
