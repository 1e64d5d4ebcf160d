"""UTC time helpers: the store keeps UTC; phones report local times with offsets."""

import functools
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator

# The counties are in China: days, "today" and wall-clock times in exports are Beijing's.
BEIJING = timezone(timedelta(hours=8), "北京时间")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Beijing (a birth date "no later than today" means this day).
    Every date a record holds is checked against it (the demo county: ~600,000 times), so
    it is the day number of the clock, its date made once a day."""
    return _day(int((time.time() + _BEIJING_OFFSET_S) // 86_400))


_BEIJING_OFFSET_S = int(BEIJING.utcoffset(None).total_seconds())  # type: ignore[union-attr]
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@functools.lru_cache(maxsize=4)
def _day(days_since_epoch: int) -> date:
    return date.fromordinal(_EPOCH_ORDINAL + days_since_epoch)


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a naive value (SQLite gives those back) is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _phone_time(value: datetime) -> datetime:
    """Years 1900–2199: a phone's clock can be decades off (a dead clock battery says 1970),
    but a time near the calendar's ends overflows once corrected by the phone's skew, and
    that failed the whole batch with a server error."""
    if not 1900 <= value.year < 2200:
        raise ValueError("时间超出范围（1900–2199 年），请检查手机时钟")
    return value


# A time reported by a phone (device_time, recorded_at, a visit's occurred_at, …).
PhoneTime = Annotated[datetime, AfterValidator(_phone_time)]
