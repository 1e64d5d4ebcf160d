"""How many XLSX exports build at once (``MINQING_MAX_CONCURRENT_EXPORTS``).

A workbook keeps a core busy while it is written; without a bound, eight of them at once
made each wait minutes for its first byte and starved sync. One over the bound is refused at
once (429 with Retry-After), before anything is logged or streamed. The slot is given back
when the stream ends, fails or is abandoned by its client (the generator is closed).
"""

import threading
from collections.abc import Generator

from backend.errors import TooManyRequests

RETRY_AFTER_S = 30
_lock = threading.Lock()
_semaphores: dict[int, threading.BoundedSemaphore] = {}


def _semaphore(bound: int) -> threading.BoundedSemaphore:
    with _lock:
        return _semaphores.setdefault(bound, threading.BoundedSemaphore(bound))


class Slot:
    """One export's place; ``release`` is safe to call more than once."""

    def __init__(self, semaphore: threading.BoundedSemaphore) -> None:
        self._semaphore = semaphore
        self._held = True
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                self._semaphore.release()


def take(bound: int) -> Slot:
    semaphore = _semaphore(bound)
    if not semaphore.acquire(blocking=False):
        raise TooManyRequests(
            f"正在生成的 Excel 导出已达上限（{bound} 个），请 {RETRY_AFTER_S} 秒后再试",
            code="exports_busy",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    return Slot(semaphore)


class Holding:
    """``body``, giving the slot back however it ends: finished, failed, closed, or dropped
    without a byte read (a generator never started would never run its ``finally``)."""

    def __init__(self, slot: Slot, body: Generator[bytes, None, None]) -> None:
        self._slot = slot
        self._body = body

    def __iter__(self) -> "Holding":
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._body)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        try:
            self._body.close()
        finally:
            self._slot.release()

    def __del__(self) -> None:
        self.close()
