"""Typed errors of the core. The edges (CLI, API, workers) translate them into exit and status codes."""

from __future__ import annotations


class SohoaError(Exception):
    """Base class of every error the core raises on purpose."""

    exit_code = 1
    http_status = 500


class InputRejected(SohoaError):
    """A file handed in cannot be processed. Names the file and the reason."""

    exit_code = 65  # EX_DATAERR
    http_status = 422

    def __init__(self, file_name: str, reason: str):
        super().__init__(f"{file_name}: {reason}")
        self.file_name = file_name
        self.reason = reason


class UnknownProcedureCode(SohoaError):
    """The procedure code is not in the catalogue."""

    exit_code = 64  # EX_USAGE
    http_status = 404


class ProcedureNotClear(SohoaError):
    """No procedure was given and the papers do not point clearly enough to one; names the candidates.

    A usage error, not "try again later": the same papers give the same ranking, a person must name the procedure.
    """

    exit_code = 64  # EX_USAGE
    http_status = 422


class DossierNotFound(SohoaError):
    """No dossier with this code."""

    exit_code = 66  # EX_NOINPUT
    http_status = 404


class StageFailed(SohoaError):
    """A pipeline stage failed on accepted input; what was accepted stays archived."""

    exit_code = 70  # EX_SOFTWARE
    http_status = 500

    def __init__(self, stage: str, reason: str):
        super().__init__(f"stage {stage} failed: {reason}")
        self.stage = stage
        self.reason = reason


class InvalidQuery(SohoaError):
    """A search or listing was asked for with values that cannot be used (names the value and why)."""

    exit_code = 64  # EX_USAGE
    http_status = 422


class SettingInvalid(SohoaError, ValueError):
    """An environment setting has a value that cannot be used; names the variable, the value and what is accepted."""

    exit_code = 64  # EX_USAGE
    http_status = 500

    def __init__(self, variable: str, value: str, accepted: str):
        super().__init__(f"{variable}={value!r} is not valid: expected {accepted}")
        self.variable = variable
        self.value = value
        self.accepted = accepted
