"""Reporting periods (day, month, quarter, year) on the Vietnam calendar, and the rates the 766 indicators print.

A rate is kept as its two counts; its percentage is rounded half-up to 2 decimals and reads ``N/A`` when
nothing is counted below the line (a zero denominator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sohoa.services.db.codes import VIETNAM_TIME

NOT_AVAILABLE = "N/A"
"""What a percentage reads when its denominator is zero."""


class Period(StrEnum):
    """How a report's range is cut into buckets."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Bucket:
    """One period of a report: local days `first` to `last`, inclusive."""

    label: str
    """``2026-11-03``, ``2026-11``, ``2026-Q4`` or ``2026``."""
    first: date
    """First local day."""
    last: date
    """Last local day."""

    @property
    def start(self) -> datetime:
        """00:00 Vietnam time on the first day."""
        return datetime.combine(self.first, time(), VIETNAM_TIME)

    @property
    def end(self) -> datetime:
        """00:00 Vietnam time on the day after the last (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(), VIETNAM_TIME)

    def holds(self, moment: datetime | None) -> bool:
        """Whether `moment` (aware) falls in this bucket."""
        return moment is not None and self.start <= moment < self.end


def bucket_of(period: Period, day: date) -> Bucket:
    """The bucket of `period` holding local day `day`."""
    if period is Period.DAY:
        return Bucket(day.isoformat(), day, day)
    if period is Period.MONTH:
        return Bucket(f"{day:%Y-%m}", day.replace(day=1), _month_end(day.year, day.month))
    if period is Period.QUARTER:
        quarter = (day.month - 1) // 3 + 1
        first_month = 3 * quarter - 2
        return Bucket(f"{day.year}-Q{quarter}", date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    return Bucket(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))


def buckets(period: Period, first: date, last: date) -> tuple[Bucket, ...]:
    """The buckets covering local days `first` to `last`, clipped to that range, in order."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    found: list[Bucket] = []
    day = first
    while day <= last:
        whole = bucket_of(period, day)
        found.append(Bucket(whole.label, max(whole.first, first), min(whole.last, last)))
        day = whole.last + timedelta(days=1)
    return tuple(found)


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class Rate:
    """A count over a count, and the percentage the indicators print."""

    count: int
    """Numerator."""
    of: int
    """Denominator."""

    @property
    def percent(self) -> Decimal | None:
        """100 × count / of, rounded half-up to 2 decimals; None when `of` is 0."""
        if self.of == 0:
            return None
        return (Decimal(self.count) * 100 / Decimal(self.of)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def shown(self) -> str:
        """The percentage as printed: ``66.67`` or ``N/A``."""
        value = self.percent
        return NOT_AVAILABLE if value is None else f"{value:.2f}"


__all__ = ["NOT_AVAILABLE", "Bucket", "Period", "Rate", "bucket_of", "buckets"]
