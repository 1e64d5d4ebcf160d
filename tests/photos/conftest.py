import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.config import get_settings


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    """A media directory of the test's own (settings are read again with it)."""
    os.environ["MINQING_MEDIA_DIR"] = str(tmp_path / "media")
    get_settings.cache_clear()
    yield tmp_path / "media"
    del os.environ["MINQING_MEDIA_DIR"]
    get_settings.cache_clear()
