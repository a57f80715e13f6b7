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
