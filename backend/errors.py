"""Typed errors and the one JSON shape every error answer has: ``{"error", "detail"}``.

AppError                 base: a status code, a machine code and a message a person can act on
├── BadRequest           400
├── Unauthorized         401  no valid credentials (WWW-Authenticate: Bearer)
├── Forbidden            403  authenticated, but the role may not do this
├── NotFound             404  does not exist *or* is outside the caller's scope (no leak)
├── Conflict             409
├── TooLarge             413  a body, batch or list over its limit; the detail names it
├── Unprocessable        422
└── TooManyRequests      429  with Retry-After

Inside a sync batch a bad op is a verdict in the answer, never one of these.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.messages import describe_errors


class AppError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(
        self, detail: str, *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.headers = headers


class BadRequest(AppError):
    status_code, code = 400, "bad_request"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"

    def __init__(self, detail: str = "请先登录", *, code: str | None = None) -> None:
        super().__init__(detail, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class NotFound(AppError):
    status_code, code = 404, "not_found"

    def __init__(self, detail: str = "记录不存在或不在您的范围内", *, code: str | None = None):
        super().__init__(detail, code=code)


class Conflict(AppError):
    status_code, code = 409, "conflict"


class TooLarge(AppError):
    status_code, code = 413, "too_large"


class Unprocessable(AppError):
    status_code, code = 422, "validation_error"


class TooManyRequests(AppError):
    status_code, code = 429, "too_many_requests"


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class ErrorBody(BaseModel):
    """The one JSON shape of every error answer (``fields`` on a 422 only)."""

    error: str
    detail: str
    fields: list[FieldError] | None = None


# Declared on every route (backend/main.py), so the OpenAPI schema says what errors look
# like: FastAPI's own 422 declaration (``HTTPValidationError``) is not what we answer.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": description}
    for code, description in [
        (400, "Bad request (e.g. an unreadable cursor, another phone's device id)"),
        (401, "No valid access token"),
        (403, "The caller's role may not do this"),
        (404, "Not found, or outside the caller's scope"),
        (409, "Conflicts with the current state"),
        (413, "Over a size limit; the detail names it"),
        (422, "Invalid input; ``fields`` lists each problem"),
        (429, "Too many attempts (Retry-After)"),
    ]
}


def error_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "detail": detail, **extra}


def _loc(err: dict[str, Any]) -> str:
    return ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",))


def install_error_handlers(app: FastAPI) -> None:
    """Render every error, ours or the framework's, in one JSON shape."""

    @app.exception_handler(AppError)
    async def _app_error(_req: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.detail), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _loc(e), "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        detail = "输入有误 — " + describe_errors(list(exc.errors()), 3)
        return JSONResponse(
            error_body("validation_error", detail, fields=errors[:50]), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}
        code = codes.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404:
            detail = "记录不存在或不在您的范围内"
        return JSONResponse(
            error_body(code, detail), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(DataError)
    async def _unstorable(_req: Request, _exc: DataError) -> JSONResponse:
        # Input the database cannot hold — a NUL character in PostgreSQL text, a number out
        # of its range — is the request's fault, not the server's. A push batch carrying such
        # an op is refused whole; the PWA splits it until the op at fault stands alone.
        detail = "输入有误 — 含有无法保存的值（如空字符 \\0，或超出范围的数字）"
        return JSONResponse(error_body("validation_error", detail), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse(error_body("internal_error", "服务器内部错误"), status_code=500)
