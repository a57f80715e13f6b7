"""Typed errors of the catalogue database. Every message names the dossier code (or the database) and the reason.

A missing dossier raises :class:`sohoa.errors.DossierNotFound` (shared with the rest of the core).
"""

from __future__ import annotations

from sohoa.errors import SohoaError


class DatabaseError(SohoaError):
    """The database failed or refused an operation (unreachable, locked, migration failed, constraint).

    Messages show the URL with its password hidden, never the password.
    """

    exit_code = 74  # EX_IOERR
    http_status = 503

    def __init__(self, message: str, *, dossier_code: str = "") -> None:
        super().__init__(message)
        self.dossier_code = dossier_code


class InvalidRecord(SohoaError):
    """A value handed to the database cannot be stored (malformed code, naive datetime, bad report...).

    The message names the dossier code when there is one (``dossier_code`` may be empty, e.g. for a
    bad agency code while allocating).
    """

    exit_code = 65  # EX_DATAERR
    http_status = 422

    def __init__(self, dossier_code: str, reason: str) -> None:
        super().__init__(f"dossier {dossier_code}: {reason}" if dossier_code else reason)
        self.dossier_code = dossier_code
        self.reason = reason


class DossierConflict(SohoaError):
    """A dossier with this code already exists for another procedure."""

    exit_code = 65  # EX_DATAERR
    http_status = 409

    def __init__(self, dossier_code: str, reason: str) -> None:
        super().__init__(f"dossier {dossier_code}: {reason}")
        self.dossier_code = dossier_code
        self.reason = reason


class ArtifactNotFound(SohoaError):
    """The object key is not one of the dossier's recorded artifacts."""

    exit_code = 66  # EX_NOINPUT
    http_status = 404

    def __init__(self, dossier_code: str, key: str) -> None:
        super().__init__(f"dossier {dossier_code}: object {key!r} is not one of its artifacts")
        self.dossier_code = dossier_code
        self.key = key


class KeyFieldNotFound(SohoaError):
    """No document of the dossier's report covers the page, or the field is not a key field."""

    exit_code = 66  # EX_NOINPUT
    http_status = 404

    def __init__(self, dossier_code: str, reason: str) -> None:
        super().__init__(f"dossier {dossier_code}: {reason}")
        self.dossier_code = dossier_code
        self.reason = reason


def check_text(code: str, field: str, value: object, max_length: int | None) -> None:
    """`InvalidRecord` naming dossier `code` and `field` unless `value` is a non-blank string within `max_length`."""
    if not isinstance(value, str) or not value.strip() or (max_length is not None and len(value) > max_length):
        limit = f" of at most {max_length} characters" if max_length is not None else ""
        raise InvalidRecord(code, f"{field} must be a non-empty string{limit}, got {value!r:.200}")
