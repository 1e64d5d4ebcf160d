"""Fault injection for the tests that SIGKILL the server in the middle of a batch.

Honoured only when ``environment == "test"``: anywhere else every failpoint is a no-op.
"""

import os
import time

from backend.config import Settings


def reached(settings: Settings) -> None:
    """The push's failpoint: the batch is written and not committed. Say so in the ready file
    (the test waits for it, then kills), then sleep: the window the kill lands in."""
    if settings.environment != "test" or not settings.failpoint_push_sleep_s:
        return
    if settings.failpoint_ready_file is not None:
        settings.failpoint_ready_file.write_text(str(os.getpid()))
    time.sleep(settings.failpoint_push_sleep_s)
