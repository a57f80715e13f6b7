"""Typed errors of the procedure catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class CatalogError(ValueError):
    """A catalogue data file is missing, unreadable or does not match the schema.

    ``file`` is the offending YAML file, ``field`` the dotted field path inside it
    (for example ``variants[0].components[2].position``; empty when the whole file is
    at fault) and ``reason`` says what is wrong.  ``problems`` holds every
    ``(field, reason)`` pair found in the file, the first of which is ``field``/``reason``.
    """

    def __init__(
        self,
        file: Path | str,
        field: str,
        reason: str,
        problems: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.file = Path(file)
        self.field = field
        self.reason = reason
        self.problems: tuple[tuple[str, str], ...] = tuple(problems) or ((field, reason),)
        lines = [f"{self.file}: {f or '<file>'}: {r}" for f, r in self.problems]
        super().__init__("invalid catalogue data\n  " + "\n  ".join(lines))


class CatalogLookupError(LookupError):
    """Base class of look-up failures; ``suggestions`` lists close known keys."""

    def __init__(self, message: str, key: str, suggestions: Sequence[str]) -> None:
        self.key = key
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        super().__init__(message)

    def __str__(self) -> str:  # LookupError/KeyError would repr() the message
        return str(self.args[0])


class UnknownProcedure(CatalogLookupError):
    """No procedure with this code is in the catalogue."""

    def __init__(self, code: str, suggestions: Sequence[str]) -> None:
        hint = f"; closest known codes: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown procedure code {code!r}{hint}", code, suggestions)
        self.code = code


class UnknownVariant(CatalogLookupError):
    """The procedure has no variant (trường hợp) with this id."""

    def __init__(self, code: str, variant_id: str, known: Sequence[str]) -> None:
        super().__init__(
            f"procedure {code!r} has no variant {variant_id!r}; known variants: {', '.join(known)}",
            variant_id,
            known,
        )
        self.code = code
        self.variant_id = variant_id
