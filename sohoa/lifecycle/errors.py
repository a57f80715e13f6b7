"""Typed errors of the dossier lifecycle; the edges turn them into status and exit codes."""

from __future__ import annotations

from sohoa.errors import SohoaError


class IllegalTransition(SohoaError):
    """The action is not allowed from the dossier's current status (or its preconditions are not met);
    nothing was changed."""

    exit_code = 76  # EX_PROTOCOL
    http_status = 409


class LifecycleDataError(SohoaError):
    """A lifecycle data file (transitions, calendar, departments) does not match its schema."""

    exit_code = 78  # EX_CONFIG
    http_status = 500


class ResultRejected(SohoaError):
    """A result file cannot become a signed electronic result (not a PDF or image, encrypted, corrupt,
    too large); names the file and the reason. Nothing was stored."""

    exit_code = 65  # EX_DATAERR
    http_status = 422


__all__ = ["IllegalTransition", "LifecycleDataError", "ResultRejected"]
