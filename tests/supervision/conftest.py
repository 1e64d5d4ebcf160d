import pytest

from tests.supervision.generated import BigCounty, build_big_county


@pytest.fixture
def big_county(db: str, password_hash: str) -> BigCounty:
    return build_big_county(password_hash)
