"""How ``sohoa`` ends: the core's typed errors and typer's usage errors become one line on stderr and an exit code.

No traceback reaches a person for anything the program can name: a wrong option, a missing argument, an invalid
environment setting, a refused file. The table of every command's codes is in docs/reliability.md ("Exit codes").
"""

from __future__ import annotations

import sys
import warnings
from typing import NoReturn

import typer

from sohoa.edges.cli.console import err

EX_USAGE = 64
"""A command used wrongly: unknown command or option, missing argument, invalid environment setting."""
EX_DATAERR = 65
"""A file handed in cannot be processed."""
EX_UNAVAILABLE = 69
"""Object storage cannot be reached."""
EX_CONFIG = 78
"""Configuration: catalogue, signing key, lifecycle data."""
USAGE_CODES = {"verify": 3}
"""Commands whose help promises another code than 64 for a usage error (``sohoa verify``: 2 is INDETERMINATE)."""
INTERRUPTED = 130
"""Ctrl-C."""


def run(app: typer.Typer) -> NoReturn:
    """Run ``app`` on ``sys.argv`` and exit with the code its help and docs promise."""
    # pyHanko imports cryptography's DSA, which warns on every start; it is not the user's concern
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    try:
        code = app(standalone_mode=False)  # without standalone mode, click returns typer.Exit's code
    except typer.Exit as done:
        code = done.exit_code
    except SystemExit as done:
        code = done.code
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted", INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - every error the program can name; the rest is re-raised
        _fail_on(error)
    sys.exit(code or 0)


def _fail_on(error: Exception) -> NoReturn:
    from sohoa.archive import StorageError
    from sohoa.catalog import CatalogError
    from sohoa.errors import SohoaError
    from sohoa.signing import SigningError, SigningInputError

    if isinstance(error, typer.TyperException) and hasattr(error, "show"):  # typer's (vendored click) errors
        error.show()
        sys.exit(usage_code(error) if getattr(error, "exit_code", 1) == 2 else getattr(error, "exit_code", 1))
    if isinstance(error, SohoaError):
        _fail(str(error), error.exit_code)
    if isinstance(error, SigningInputError):
        _fail(str(error), EX_DATAERR)
    if isinstance(error, StorageError):
        _fail(f"object storage: {error}", EX_UNAVAILABLE)
    if isinstance(error, (CatalogError, SigningError)):
        _fail(str(error), EX_CONFIG)
    raise error


def usage_code(error: Exception) -> int:
    """The usage exit code of the command the error is about: 64, or the one its help promises."""
    ctx = getattr(error, "ctx", None)
    command = " ".join((ctx.command_path if ctx is not None else "").split()[1:])
    return USAGE_CODES.get(command, EX_USAGE)


def _fail(message: str, code: int) -> NoReturn:
    from rich.text import Text

    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    sys.exit(code)
