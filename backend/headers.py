"""Security headers on every answer: the PWA, its assets and the API.

- ``Content-Security-Policy``: scripts, styles, images, workers and fetches from this origin
  only; no plugins, no framing (``frame-ancestors 'none'``), no ``<base>`` elsewhere.
  ``style-src 'unsafe-inline'``: the PWA sets a few colours through ``style`` (legend
  swatches); scripts stay strict. ``img-src blob: data:``: report charts are shown from
  blob URLs, the console draws a data: icon.
- ``Cache-Control: no-store`` on every API answer (SVG charts and maps included): they hold
  personal data (family files, pulls, conflicts, reports) that no proxy or browser cache
  may keep. The PWA keeps what it needs offline in IndexedDB, never in the HTTP cache.
- The interactive API docs (``/docs``, ``/redoc``) load their scripts from a CDN, so they get
  every header but the CSP.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_DOCS = ("/docs", "/redoc", "/openapi.json")


_PHOTOS = "/api/v1/photos/"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        docs = path.startswith(_DOCS)
        api = path.startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                if not docs:
                    headers.setdefault("Content-Security-Policy", CSP)
                # Photos' content-addressed bytes may stay in the browser's own cache
                # ("private", never a proxy's: backend/photos/router.py); nothing else.
                own = headers.get("Cache-Control", "")
                if api and not (path.startswith(_PHOTOS) and own.startswith("private")):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
