"""Refuse request bodies over the limit with 413 before reading them whole.

A declared Content-Length over the limit is refused before a byte of the body is read; a
chunked body is counted as it streams and refused the moment it passes the limit.
"""

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import error_body


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = False  # the app began its own answer
        refused = False  # we answered 413 ourselves

        async def limited_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answer at once rather than from the except clause below: a framework
                    # may catch the exception and answer for itself (FastAPI turns any error
                    # while reading a body into a 400), and that answer is then dropped.
                    if not started and not refused:
                        refused = True
                        await self._refuse(send)
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception as exc:
            if refused:
                return  # the 413 has gone out; whatever the app made of the refusal is moot
            if isinstance(exc, _BodyTooLarge):
                return  # over the limit after the app began its own answer: nothing to add
            raise

    async def _refuse(self, send: Send) -> None:
        body: Any = orjson.dumps(
            error_body("too_large", f"请求体超过上限 {self.max_bytes} 字节", limit=self.max_bytes)
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
