"""Working days for promised dates (ngày hẹn trả): weekends skipped, public holidays from a list.

Only the fixed solar-calendar holidays of Bộ luật Lao động 2019 Điều 112 are built in (1/1, 30/4, 1/5,
2/9 and 1/9). Tết Nguyên đán and Giỗ Tổ Hùng Vương follow the lunar calendar and compensatory days are
announced each year: pass them in `holidays`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 1), (9, 2))
"""(month, day) of the fixed public holidays."""


def is_working_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS and day not in set(holidays)


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date `days` working days after `start` (the day of receipt is not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    extra = set(holidays)
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, extra):
            remaining -= 1
    return current
