"""S3 Object Lock as the archive uses it: retention modes, periods, and what a stored version carries.

Originals and results are written once and kept in COMPLIANCE mode until ``retain_until``: nobody,
not even the root account, can delete the version or shorten its retention before then. GOVERNANCE is
for test and staging buckets only (an account with ``s3:BypassGovernanceRetention`` can lift it).
The service only ever *extends* retention; see ``docs/storage.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COMPLIANCE = "COMPLIANCE"
GOVERNANCE = "GOVERNANCE"
OFF = "OFF"
LOCK_MODES = (COMPLIANCE, GOVERNANCE, OFF)
"""Values of ``StorageSettings.lock_mode``; OFF stores without retention (not for production)."""

DEFAULT_RETENTION_YEARS = 20
"""Retention of originals and results when the procedure's catalogue entry sets none (see docs/storage.md)."""
DAYS_PER_YEAR = 366
"""Years are turned into days generously (a leap day each year), so a period is never shorter than asked."""


def years(count: int) -> timedelta:
    """A retention period of ``count`` years, rounded up to whole 366-day years."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"retention years must be a positive integer, got {count!r}")
    return timedelta(days=DAYS_PER_YEAR * count)


@dataclass(frozen=True)
class ObjectLock:
    """Retention to put on a stored version: ``mode`` until ``retain_until`` (timezone-aware)."""

    mode: str
    """``COMPLIANCE`` or ``GOVERNANCE``."""
    retain_until: datetime
    """End of the retention, timezone-aware (sent in UTC, whole seconds rounded up)."""

    def __post_init__(self) -> None:
        if self.mode not in (COMPLIANCE, GOVERNANCE):
            raise ValueError(f"lock mode must be COMPLIANCE or GOVERNANCE, got {self.mode!r}")
        if self.retain_until.tzinfo is None:
            raise ValueError("retain_until must be timezone-aware")

    @classmethod
    def for_period(cls, mode: str, period: timedelta, now: datetime | None = None) -> ObjectLock:
        """Lock in ``mode`` from ``now`` (default: the current time) for ``period``."""
        if period <= timedelta(0):
            raise ValueError(f"retention period must be positive, got {period}")
        start = now or datetime.now(UTC)
        until = (start + period).astimezone(UTC)
        if until.microsecond:
            until = until.replace(microsecond=0) + timedelta(seconds=1)
        return cls(mode, until)


@dataclass(frozen=True)
class LockState:
    """Object Lock state of one stored version."""

    key: str
    """Object key."""
    version_id: str | None
    """Version the state belongs to."""
    mode: str | None
    """``COMPLIANCE``, ``GOVERNANCE`` or None when no retention is set."""
    retain_until: datetime | None
    """End of retention (UTC), or None."""
    legal_hold: bool
    """Whether a legal hold is on (blocks deletion regardless of retention)."""

    def covers(self, lock: ObjectLock) -> bool:
        """Whether this state already protects at least as strongly and as long as ``lock``."""
        if self.mode is None or self.retain_until is None:
            return False
        if lock.mode == COMPLIANCE and self.mode != COMPLIANCE:
            return False
        return self.retain_until >= lock.retain_until
