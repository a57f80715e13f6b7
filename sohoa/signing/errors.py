"""Typed errors raised by :mod:`sohoa.signing`.

Every error raised on purpose by this package is a :class:`SigningError`, so the pipeline can
catch one type. Messages name the file or the reason; they never contain a passphrase.
"""

from __future__ import annotations


class SigningError(Exception):
    """Base class: the electronic copy could not be signed."""


class SigningKeyError(SigningError):
    """The signing key, certificate or passphrase could not be loaded or used."""


class CopyMarkError(SigningError):
    """The visible copy mark cannot be rendered (font missing, glyphs missing, bad text)."""


class SigningInputError(SigningError):
    """The PDF handed in cannot be signed as an electronic copy."""
