"""Digests computed while streaming: SHA-256 and SHA-512 of the whole content plus the MD5 of each upload part.

The per-part MD5s give the ETag an S3 server (SeaweedFS, MinIO, AWS without KMS) reports for the
object: ``md5(content)`` for a single PUT, ``md5(md5(part1) || md5(part2) …)-N`` for a multipart
upload of N parts. Comparing it after the upload proves the server stored what was read here.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import BinaryIO

PART_SIZE = 16 * 1024 * 1024
"""Multipart part size used for uploads (minio: ≥ 5 MiB). Objects up to this size go in one PUT."""
READ_SIZE = 1024 * 1024
"""Chunk size for reading files while hashing."""


@dataclass(frozen=True)
class Digest:
    """Digests of one content, as uploaded in parts of ``part_size``."""

    sha256: str
    """Lower-case hex SHA-256 of the whole content."""
    size: int
    """Content length in bytes."""
    part_md5s: tuple[bytes, ...]
    """Raw MD5 of each upload part, in order (empty for empty content)."""
    sha512: str = ""
    """Lower-case hex SHA-512 of the whole content (second, independent fixity value)."""

    @property
    def etag(self) -> str:
        """The ETag an MD5-ETag server reports after uploading the content in these parts."""
        if len(self.part_md5s) <= 1:
            return (self.part_md5s[0] if self.part_md5s else hashlib.md5(b"").digest()).hex()
        combined = hashlib.md5(b"".join(self.part_md5s)).hexdigest()
        return f"{combined}-{len(self.part_md5s)}"


class DigestBuilder:
    """Feeds chunks of any size; splits the MD5s at multiples of ``part_size``."""

    def __init__(self, part_size: int = PART_SIZE) -> None:
        self._part_size = part_size
        self._sha = hashlib.sha256()
        self._sha512 = hashlib.sha512()
        self._md5 = hashlib.md5()
        self._in_part = 0
        self._size = 0
        self._parts: list[bytes] = []

    @property
    def size(self) -> int:
        """Bytes fed so far."""
        return self._size

    def update(self, chunk: bytes) -> None:
        """Add the next chunk of content."""
        self._sha.update(chunk)
        self._sha512.update(chunk)
        self._size += len(chunk)
        view = memoryview(chunk)
        while view:
            take = min(len(view), self._part_size - self._in_part)
            self._md5.update(view[:take])
            self._in_part += take
            view = view[take:]
            if self._in_part == self._part_size:
                self._parts.append(self._md5.digest())
                self._md5 = hashlib.md5()
                self._in_part = 0

    def sha256_hex(self) -> str:
        """SHA-256 of what was fed so far (the builder stays usable)."""
        return self._sha.hexdigest()

    def sha512_hex(self) -> str:
        """SHA-512 of what was fed so far (the builder stays usable)."""
        return self._sha512.hexdigest()

    def finish(self) -> Digest:
        """The digest of everything fed."""
        parts = list(self._parts)
        if self._in_part:
            parts.append(self._md5.digest())
        return Digest(sha256=self._sha.hexdigest(), size=self._size, part_md5s=tuple(parts), sha512=self._sha512.hexdigest())


def digest_bytes(data: bytes, part_size: int = PART_SIZE) -> Digest:
    """Digest of an in-memory content."""
    builder = DigestBuilder(part_size)
    builder.update(data)
    return builder.finish()


def digest_stream(stream: BinaryIO, part_size: int = PART_SIZE) -> Digest:
    """Digest of a binary stream read to its end in :data:`READ_SIZE` chunks."""
    builder = DigestBuilder(part_size)
    while chunk := stream.read(READ_SIZE):
        builder.update(chunk)
    return builder.finish()


def content_md5(data: bytes) -> str:
    """Base64 MD5 for the ``Content-MD5`` request header."""
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


class ContentChanged(Exception):
    """Raised by :class:`VerifyingReader` when the stream no longer matches the expected digest."""


class VerifyingReader:
    """Wraps a stream being uploaded; re-hashes it and raises :class:`ContentChanged` on the read
    that reaches ``expected.size`` if the SHA-256 differs, so the upload is aborted before the last
    part is sent (minio aborts the multipart upload on any exception from ``read``)."""

    def __init__(self, stream: BinaryIO, expected: Digest) -> None:
        self._stream = stream
        self._expected = expected
        self._builder = DigestBuilder()

    def read(self, size: int = -1) -> bytes:
        """Read like the wrapped stream, hashing what passes."""
        chunk = self._stream.read(size)
        self._builder.update(chunk)
        if self._builder.size >= self._expected.size:
            self._check()
        return chunk

    def _check(self) -> None:
        if self._builder.size > self._expected.size:
            raise ContentChanged(f"grew to more than {self._expected.size} bytes while uploading")
        actual = self._builder.sha256_hex()
        if actual != self._expected.sha256:
            raise ContentChanged(f"changed while uploading: sha256 {actual} != {self._expected.sha256}")
