"""Values the catalogue database hands out: national status and channel codes, and frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any


class DossierStatus(IntEnum):
    """Dossier status, with the codes synchronised with the national public service portal."""

    RECEIVED_NEW = 1
    RECEIVED = 2
    REJECTED = 3
    IN_PROGRESS = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWN = 7
    STOPPED = 8
    PROCESSED = 9
    RESULT_RETURNED = 10

    @property
    def vietnamese(self) -> str:
        """The official Vietnamese name of the status, e.g. ``"Được tiếp nhận"``."""
        return _STATUS_VI[self.value]


_STATUS_VI = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}


class Channel(IntEnum):
    """How the dossier reached the centre (national codes)."""

    IN_PERSON = 1
    ONLINE = 2
    POST = 3

    @property
    def vietnamese(self) -> str:
        """The official Vietnamese name of the channel, e.g. ``"Trực tiếp"``."""
        return _CHANNEL_VI[self.value]


_CHANNEL_VI = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}

ARTIFACT_KINDS = ("original", "pdfa", "signed", "ocr", "manifest")
"""Kinds of stored objects recorded per dossier (the ``artifacts.kind`` column allows exactly these)."""


@dataclass(frozen=True)
class DossierRecord:
    """One dossier as the database holds it."""

    code: str
    """Dossier code (mã hồ sơ), ``<agency code>-<yyMMdd>-<serial>``."""
    procedure_code: str
    """Procedure code (mã TTHC) the dossier was registered for."""
    variant: str | None
    """Procedure variant id; None until known (filled from the first saved report when unset)."""
    channel: Channel
    """Reception channel (1 in person, 2 online, 3 post); an ``int``."""
    status: DossierStatus
    """Current national status code."""
    received_at: datetime
    """When the centre received the dossier; timezone-aware, UTC."""
    updated_at: datetime
    """Last change of status, error or report; timezone-aware, UTC."""
    error: str | None
    """Reason of the last failure recorded with the status; None when none."""
    report: dict[str, Any] | None
    """The pipeline's ``DossierReport`` as JSON (``model_dump(mode="json")``); None until processed."""
    promised_at: datetime | None = None
    """Promised date (ngày hẹn trả) set on receipt, end of that working day; None until received."""
    department: str | None = None
    """Department handling the dossier (from the procedure, on receipt); None until received."""
    assignee: str | None = None
    """User name of the specialist it is assigned to; None until assigned."""
    before_supplement: DossierStatus | None = None
    """While status 5: the status it had before the request to supplement (where a supplement returns it)."""


@dataclass(frozen=True)
class ArtifactRecord:
    """One stored object belonging to a dossier, as recorded from its report."""

    dossier_code: str
    """Code of the dossier the object belongs to."""
    kind: str
    """One of :data:`ARTIFACT_KINDS`: ``original``, ``pdfa``, ``signed``, ``ocr``, ``manifest``."""
    key: str
    """Object-storage key."""
    sha256: str
    """Lower-case hex SHA-256 of the stored bytes."""
    size: int
    """Size in bytes."""
    position: int | None
    """1-based component position for ``pdfa``/``signed``; None for originals, OCR and the manifest."""
    sha512: str | None = None
    """Lower-case hex SHA-512 when known (from the report, or filled in by the first fixity check)."""


@dataclass(frozen=True)
class AccessRecord:
    """One entry of a dossier's append-only access log."""

    id: int
    """Sequence number of the entry; increases with every entry written."""
    dossier_code: str
    """Code of the dossier accessed (recorded even when no such dossier exists)."""
    accessed_at: datetime
    """When the access happened; timezone-aware, UTC."""
    actor: str
    """Who accessed: user name, service account or ``citizen:<id>``."""
    action: str
    """What was done, e.g. ``view``, ``download``, ``verify``."""
    object_key: str | None
    """Object-storage key accessed, when the access was to one object."""
    outcome: str
    """Result of the access, e.g. ``ok``, ``denied``, ``not_found``."""
    prev_hash: str | None = None
    """``event_hash`` of the entry before (``0``×64 for the first); see :mod:`sohoa.services.db.chain`."""
    event_hash: str | None = None
    """SHA-256 chaining this entry to the previous one."""


@dataclass(frozen=True)
class PreservationEvent:
    """One preservation event (PREMIS sense): a fixity check, a repair, an untracked object found."""

    id: int
    """Sequence number."""
    occurred_at: datetime
    """When; timezone-aware UTC."""
    event_type: str
    """``fixity_check``, ``repair``, ``untracked``."""
    object_key: str
    """Object concerned."""
    outcome: str
    """``ok``, ``missing``, ``changed``, ``repaired``, ``unrepaired``, ``untracked``, ``error``."""
    agent: str
    """Who/what ran it, e.g. ``sohoa-fixity``."""
    detail: str
    """Human-readable detail (digests found, replica used, error)."""


@dataclass(frozen=True)
class FixityRecord:
    """A tracked stored object and the state of its fixity checks."""

    object_key: str
    """Object key."""
    sha256: str
    """Expected SHA-256."""
    sha512: str | None
    """Expected SHA-512 (None until first seen)."""
    size: int
    """Expected size."""
    last_checked_at: datetime | None
    """Last check; None when never checked."""
    last_outcome: str | None
    """Outcome of the last check."""
    failures: int
    """Consecutive failed checks."""


@dataclass(frozen=True)
class AuditAnchor:
    """A chain head written to write-once storage."""

    id: int
    """Sequence number."""
    anchored_at: datetime
    """When."""
    last_event_id: int
    """Id of the newest access-log entry covered."""
    head_hash: str
    """Its ``event_hash``."""
    object_key: str
    """Object holding the anchor."""


@dataclass(frozen=True)
class ApiUserRecord:
    """A person or service allowed to call the API (the token's digest is never handed out)."""

    name: str
    """User name, as the access log records it (``api:<name>``)."""
    role: str
    """Role: intake, specialist, auditor or admin (``sohoa.services.access.Role``)."""
    created_at: datetime
    """When the account was added; timezone-aware, UTC."""
    revoked_at: datetime | None
    """When it was revoked; None while the token is valid."""
    token_rotated_at: datetime | None = None
    """When the current token replaced an earlier one; None if it is the first."""
