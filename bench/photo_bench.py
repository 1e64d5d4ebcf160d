"""Photos over a poor link: a cadre's phone with N visit photos syncs through a link
throttled to --kbit (CDP network emulation, both directions), in real Chromium.

Run: .venv/bin/python bench/photo_bench.py [--photos 20] [--kbit 400]
(the PWA must be built: `npm run build --prefix pwa`; needs /usr/bin/chromium)

Offline, the cadre records N visits with one photo each (the gallery input; the phone
downscales each to 1600 px JPEG). Then, throttled, one tap on 同步. Measured:
- when the records of that sync were committed (the photo records' ``created_at``) and when
  the first photo's bytes were whole on the server (its file's time in the media
  directory), both by the server's clock: the records must come first — photos never hold
  them up;
- the total time until the last photo is stored, against the baseline of the raw photo
  bytes divided by the link rate (the time the bytes alone need on that link): the ratio is
  the protocol's overhead (tus requests of 64 KB chunks, HEAD/POST per photo, latency).
Writes bench/results/photo_bench.json.
"""

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pwa_bench import ARGS, CHROMIUM, PASSWORD, ROOT, seed, start_server  # noqa: E402

LATENCY_MS = 300  # a 2G/EDGE round trip


def camera_like(path: Path, seed_: int) -> None:
    """A 2000×1500 picture with smooth detail (noise blown up), so the phone's JPEG of it
    is photo-sized (~100–300 KB), not a flat colour's few KB."""
    from PIL import Image

    rnd = random.Random(seed_)
    small = Image.frombytes("RGB", (64, 48), rnd.randbytes(64 * 48 * 3))
    big = small.resize((2000, 1500), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())


def photo_rows() -> list[object]:
    from sqlalchemy import text

    from backend.database import get_engine

    with get_engine().connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT created_at FROM photo"))]


def as_epoch(value: object) -> float:
    from datetime import UTC, datetime

    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(at, datetime)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=20)
    ap.add_argument("--kbit", type=float, default=400)
    args = ap.parse_args()
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        sys.exit("build the PWA first: npm run build --prefix pwa")
    media = Path(tempfile.mkdtemp(prefix="photo-bench-media-"))
    os.environ["MINQING_MEDIA_DIR"] = str(media)
    server, tmp, _env = start_server("photo-bench-")
    seed(server, args.photos)
    pictures = []
    for i in range(args.photos):
        camera_like(tmp / f"IMG_{i:04d}.jpg", i)
        pictures.append(tmp / f"IMG_{i:04d}.jpg")

    from playwright.sync_api import sync_playwright

    figures: dict[str, float | int] = {"photos": args.photos, "kbit": args.kbit}
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp / "profile"),
                executable_path=CHROMIUM,
                args=ARGS,
                headless=True,
                viewport={"width": 360, "height": 640},
                locale="zh-CN",
                has_touch=True,
                is_mobile=True,
            )
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            page.set_default_timeout(600_000)
            page.goto(server.url)
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            synced = (
                "n => { const b = document.querySelector('[data-testid=sync]');"
                " return b && !b.disabled && Number(b.dataset.runs) > n &&"
                " !document.querySelector('[data-testid=last-sync]').textContent.includes('从未') }"
            )
            page.wait_for_function(synced, arg=0)
            households = page.evaluate(
                """async () => {
                    const db = await new Promise((ok) => { const r = indexedDB.open('minqing'); r.onsuccess = () => ok(r.result); });
                    const all = await new Promise((ok) => { const r = db.transaction('records').objectStore('records').getAll(); r.onsuccess = () => ok(r.result); });
                    db.close();
                    return all.filter((r) => r.type === 'household').map((r) => r.id);
                }"""
            )
            for hid, picture in zip(households, pictures, strict=False):
                page.evaluate("h => { location.hash = '#/h/' + h + '/visit' }", hid)
                page.wait_for_selector("[data-testid=photo-gallery]", state="attached")
                page.set_input_files("[data-testid=photo-gallery]", str(picture))
                page.wait_for_selector("[data-testid=photos] [data-testid=photo-thumb]")
                page.click("button:has-text('保存走访')")
                page.wait_for_selector("[data-testid=facts]")
            sizes = page.evaluate(
                """async () => {
                    const db = await new Promise((ok) => { const r = indexedDB.open('minqing'); r.onsuccess = () => ok(r.result); });
                    const all = await new Promise((ok) => { const r = db.transaction('photos').objectStore('photos').getAll(); r.onsuccess = () => ok(r.result); });
                    db.close();
                    return all.map((p) => p.bytes);
                }"""
            )
            raw = sum(sizes)
            figures["photo_bytes_total"] = raw
            figures["photo_bytes_median"] = sorted(sizes)[len(sizes) // 2]

            rate = args.kbit * 1000 / 8  # bytes per second
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": LATENCY_MS,
                    "downloadThroughput": rate,
                    "uploadThroughput": rate,
                },
            )
            runs = int(page.get_attribute("[data-testid=sync]", "data-runs") or 0)
            t0 = time.time()
            page.click("[data-testid=sync]")
            files: list[Path] = []
            while len(files) < len(sizes) and time.time() < t0 + 3600:
                files = [f for f in (media / "sha256").rglob("*") if f.is_file()]
                time.sleep(0.2)
            page.wait_for_function(synced, arg=runs)
            stored = sorted(f.stat().st_mtime for f in files)
            committed = max(as_epoch(r) for r in photo_rows())
            figures["records_committed_s"] = round(committed - t0, 2)
            figures["first_photo_stored_s"] = round(stored[0] - t0, 2)
            figures["all_photos_stored_s"] = round(stored[-1] - t0, 2)
            figures["baseline_bytes_over_link_s"] = round(raw / rate, 2)
            figures["ratio_to_baseline"] = round((stored[-1] - t0) / (raw / rate), 2)
            figures["records_before_first_photo"] = committed < stored[0]
            ctx.close()
    finally:
        server.kill()

    print(json.dumps(figures, indent=2, ensure_ascii=False))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "photo_bench.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
