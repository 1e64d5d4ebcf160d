"""create_app(): the API routers, error handlers, limits and the built PWA as static files."""

import ctypes
import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette_compress import CompressMiddleware, add_compress_type

from backend import __version__
from backend.auth.router import router as auth_router
from backend.bodylimit import BodyLimitMiddleware
from backend.config import Settings, get_settings
from backend.database import SessionDep
from backend.errors import ERROR_RESPONSES, install_error_handlers
from backend.geo.router import router as geo_router
from backend.headers import SecurityHeadersMiddleware
from backend.models import import_all

# Zstandard where the client takes it (Chromium 156 offers it, to http://127.0.0.1 too),
# else brotli, else gzip. A 1,000-record pull page (476 KB of JSON): zstd level 1 took
# 0.5 ms and made 54 KB; gzip level 6 took 4.0 ms for 57 KB, level 1 1.7 ms for 68 KB
# (a quarter of a full pull's server time went to gzip -6).
ZSTD_LEVEL = 1
GZIP_LEVEL = 6
BROTLI_QUALITY = 4
# Compressed: the types on starlette-compress's list (JSON, HTML, JS, CSS, SVG; not photos,
# which are compressed already) and the CSV exports. The list is the library's own, so the
# type is added once, here, not with every app made.
add_compress_type("text/csv")
# How long a thread may keep the GIL when another wants it (Python's default 5 ms). A push
# passes between the event loop and worker threads several times while it holds the
# writers' turn; with pulls serialising pages on other threads, each pass waited up to the
# whole interval, and fifty phones' pushes queued behind those waits (bench/load_bench.py).
SWITCH_INTERVAL_S = 0.0005
GC_YOUNG_THRESHOLD = 20_000
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def _mount_pwa(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if not index.exists():
        return

    @app.get("/", include_in_schema=False)
    def _index() -> FileResponse:
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    @app.get("/sw.js", include_in_schema=False)
    def _sw() -> FileResponse:
        # The service worker must never be cached by HTTP, or updates never arrive.
        return FileResponse(dist / "sw.js", headers={"Cache-Control": "no-cache"})

    app.mount("/", StaticFiles(directory=dist), name="pwa")


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Everything loaded at start (SQLAlchemy, pydantic schemas) lives as long as the process:
    # freezing it keeps the cyclic GC from rescanning it on every collection, which cost a
    # 500-op push 30–40% of its time (bench/sync_bench.py).
    gc.collect()
    gc.freeze()
    # A 500-op push holds ~10,000 live containers until it ends: at Python's default of 700
    # the young generations were collected ~18 times a batch, each time rescanning them,
    # 4–5% of the server's CPU over a push of 10,000 ops (gc.callbacks); at 20,000, once.
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    _fewer_malloc_arenas()
    yield


def _fewer_malloc_arenas() -> None:
    """Two malloc arenas, not glibc's eight a core: each worker thread that runs a route
    otherwise gets an arena of its own, and memory freed in one is not reused by another.
    Fifty phones syncing at once took the server to 205 MB; with two arenas, 178 MB
    (bench/load_bench.py --demo). The same as MALLOC_ARENA_MAX=2, for however the
    service is started; elsewhere than glibc there is nothing to do."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    import_all()  # every domain's record types, before any route reads the registry
    app = FastAPI(
        lifespan=_lifespan,
        title="Minqing 民情",
        version=__version__,
        description="Offline-first field data for resident village cadres.",
        responses=ERROR_RESPONSES,
    )
    install_error_handlers(app)

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> dict[str, str]:
        """Liveness with a database round trip."""
        session.execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}

    @app.get("/api/v1/version", tags=["health"])
    def version() -> dict[str, str]:
        """The service version and the sync contract it speaks."""
        return {"version": __version__, "sync_contract": "v1"}

    app.include_router(auth_router)
    app.include_router(geo_router)
    for module in _domain_routers():
        app.include_router(module)

    app.add_middleware(
        CompressMiddleware,
        minimum_size=1000,
        zstd_level=ZSTD_LEVEL,
        brotli_quality=BROTLI_QUALITY,
        gzip_level=GZIP_LEVEL,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer, 413s included
    _mount_pwa(app, settings.pwa_dist)
    return app


def _domain_routers() -> list:  # type: ignore[type-arg]
    """Routers of the record domains, imported here so the order of mounting is one list."""
    from backend.conflicts.router import router as conflicts
    from backend.countywide.router import router as countywide
    from backend.exports.router import router as exports
    from backend.households.router import router as households
    from backend.loans.router import router as loans
    from backend.maps.router import router as maps
    from backend.measures.router import router as measures
    from backend.orders.router import router as orders
    from backend.people.router import router as people
    from backend.photos.router import router as photos
    from backend.records.router import router as schema
    from backend.reports.router import router as reports
    from backend.supervision.router import router as supervision
    from backend.sync.router import router as sync
    from backend.villagebase.router import router as village_base

    # measures before households: its /households/{id}.pdf would else be read as an id
    return [
        sync,
        schema,
        conflicts,
        measures,
        households,
        maps,
        people,
        supervision,
        reports,
        exports,
        village_base,
        orders,
        loans,
        countywide,
        photos,
    ]
