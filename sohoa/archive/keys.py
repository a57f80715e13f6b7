"""Keys and user metadata of archived objects: the content-addressed key layout and the
``x-amz-meta-*`` metadata every object carries, with the SHA-256 and SHA-512 of its content."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sohoa.archive.digest import Digest

SHA256_META = "sha256"
"""User-metadata name of the content digest (sent as ``x-amz-meta-sha256``)."""
SHA512_META = "sha512"
"""User-metadata name of the second digest (``x-amz-meta-sha512``)."""
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
"""A lower-case hex SHA-256 digest."""
SHA512_HEX = re.compile(r"^[0-9a-f]{128}$")
"""A lower-case hex SHA-512 digest."""
_META_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


def content_key(prefix: str, sha256: str, suffix: str = "") -> str:
    """Content-addressed key ``<prefix>/<sha[:2]>/<sha><suffix>``, e.g. ``originals/ab/ab12….pdf``.

    The two-character fan-out keeps listings of one "directory" small on filer-backed stores.
    ``sha256`` is normalised to lower case; ``suffix`` (e.g. ``.pdf``) must not contain '/'.
    """
    digest = sha256.strip().lower()
    if not SHA256_HEX.match(digest):
        raise ValueError(f"not a hex SHA-256 digest: {sha256!r}")
    cleaned = prefix.strip("/")
    if not _PREFIX_RE.match(cleaned) or any(part in {".", ".."} for part in cleaned.split("/")):
        raise ValueError(f"invalid key prefix {prefix!r}: use [A-Za-z0-9._-] segments separated by '/'")
    if "/" in suffix:
        raise ValueError(f"invalid key suffix {suffix!r}: must not contain '/'")
    return f"{cleaned}/{digest[:2]}/{digest}{suffix}"


def user_metadata(metadata: Mapping[str, str] | None, digest: Digest, where: str) -> dict[str, str]:
    """``metadata`` checked and normalised for S3 (lower-case names without ``x-amz-meta-``), with the
    content digests added; ``where`` names the object in error messages."""
    sha256 = digest.sha256
    result: dict[str, str] = {}
    for name, value in (metadata or {}).items():
        lowered = name.lower().removeprefix("x-amz-meta-")
        if not _META_KEY_RE.match(lowered):
            raise ValueError(f"{where}: metadata name {name!r} must be [A-Za-z0-9-]")
        if not isinstance(value, str) or not all(" " <= ch <= "~" for ch in value):
            raise ValueError(
                f"{where}: metadata {name!r} must be printable US-ASCII (S3 headers); "
                "percent-encode Vietnamese text, e.g. urllib.parse.quote(value)"
            )
        if lowered in (SHA256_META, SHA512_META) and value.lower() != getattr(digest, lowered):
            raise ValueError(f"{where}: metadata {lowered!r} is reserved and set from the content")
        result[lowered] = value
    result[SHA256_META] = sha256
    if digest.sha512:
        result[SHA512_META] = digest.sha512
    return result
