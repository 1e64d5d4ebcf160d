"""Failed-login limits per username *and* address, and per address (moving windows, in
process memory).

The per-user window is keyed by the username together with the address: someone guessing
a cadre's password from their own address is stopped there, without locking the cadre out
of their own account from their phone (five wrong guesses used to lock the real user out
for a minute, right password or not). Guessing from many addresses is still bounded by the
per-address limit of each.

One uvicorn process serves a county; with several workers each keeps its own window, which
still bounds guessing to (workers × limit).
"""

import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from backend.config import Settings
from backend.errors import TooManyRequests

_storage = MemoryStorage()
_limiter = MovingWindowRateLimiter(_storage)


def _items(settings: Settings, username: str, address: str) -> list[tuple[object, str]]:
    return [
        (parse(settings.login_failures_per_user), f"user:{username.lower()}@{address}"),
        (parse(settings.login_failures_per_address), f"addr:{address}"),
    ]


def check_login_allowed(settings: Settings, username: str, address: str) -> None:
    for item, key in _items(settings, username, address):
        if not _limiter.test(item, "login", key):  # type: ignore[arg-type]
            reset = _limiter.get_window_stats(item, "login", key).reset_time  # type: ignore[arg-type]
            retry = max(1, int(reset - time.time()))
            raise TooManyRequests(
                f"登录失败次数过多，请 {retry} 秒后再试", headers={"Retry-After": str(retry)}
            )


def record_login_failure(settings: Settings, username: str, address: str) -> None:
    for item, key in _items(settings, username, address):
        _limiter.hit(item, "login", key)  # type: ignore[arg-type]


def reset_all() -> None:
    """Forget every window (tests)."""
    _storage.reset()
