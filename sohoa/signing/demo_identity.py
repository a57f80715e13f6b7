"""A local, self-made signing identity for demos and tests. NOT FOR PRODUCTION.

A signature made with it is cryptographically sound but has no legal value: the root CA is
created on this machine and trusted by nobody. Production uses a PKCS#12 (or, later, a token)
issued to the organisation by a licensed Vietnamese CA.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from sohoa.signing.errors import SigningKeyError
from sohoa.signing.keys import load_pkcs12_identity

ROOT_FILE = "demo-root.pem"
PKCS12_FILE = "demo-signer.p12"
PASSPHRASE_FILE = "passphrase.txt"
ROOT_COMMON_NAME = "sohoa DEMO root CA — NOT FOR PRODUCTION"
DEMO_MARKER = "DEMO - NOT FOR PRODUCTION"
_MAX_NAME_LENGTH = 64  # X.520 upper bound for CN and O (checked on UTF-8 bytes)


@dataclass(frozen=True)
class DemoIdentity:
    """Files of a demo signing identity (all mode 0600)."""

    pkcs12_path: Path
    """``demo-signer.p12``: signer key + certificate + demo root, encrypted with the passphrase."""

    root_cert_path: Path
    """``demo-root.pem``: the demo root CA certificate (trust anchor for verification)."""

    passphrase_path: Path
    """``passphrase.txt``: the PKCS#12 passphrase (use as ``SigningSettings.passphrase_file``)."""

    subject: str
    """RFC 4514 subject of the signer certificate."""


def init_demo_identity(
    directory: Path, organisation: str, passphrase: str | None = None
) -> DemoIdentity:
    """Create (or reuse) a demo root CA and a signer certificate for ``organisation``.

    Idempotent: if ``directory`` already holds the identity it is reused, never regenerated
    (``organisation`` is then ignored; the existing certificate's subject is returned). A
    ``passphrase`` is used to encrypt a new PKCS#12, or must open the existing one.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    identity = DemoIdentity(
        pkcs12_path=directory / PKCS12_FILE,
        root_cert_path=directory / ROOT_FILE,
        passphrase_path=directory / PASSPHRASE_FILE,
        subject="",
    )
    with _directory_lock(directory):
        if identity.pkcs12_path.exists() or identity.root_cert_path.exists():
            return _reuse(identity, passphrase)
        return _create(identity, organisation, passphrase or secrets.token_urlsafe(24))


@contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """Serialise concurrent first-time initialisations (e.g. several workers starting)."""
    fd = os.open(directory / ".demo-identity.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _reuse(identity: DemoIdentity, passphrase: str | None) -> DemoIdentity:
    for path in (identity.pkcs12_path, identity.root_cert_path):
        if not path.exists():
            raise SigningKeyError(
                f"incomplete demo identity in {path.parent}: {path.name} is missing; "
                "remove the directory's demo files to create a new identity"
            )
    if passphrase is None:
        if not identity.passphrase_path.exists():
            raise SigningKeyError(
                f"demo identity {identity.pkcs12_path} exists but {identity.passphrase_path} "
                "is missing and no passphrase was given"
            )
        passphrase = identity.passphrase_path.read_text(encoding="utf-8").removesuffix("\n")
    loaded = load_pkcs12_identity(identity.pkcs12_path, passphrase.encode("utf-8"))
    if not identity.passphrase_path.exists():
        _write_private(identity.passphrase_path, passphrase.encode("utf-8") + b"\n")
    subject = loaded.certificate.subject.rfc4514_string()
    return DemoIdentity(
        identity.pkcs12_path, identity.root_cert_path, identity.passphrase_path, subject
    )


def _create(identity: DemoIdentity, organisation: str, passphrase: str) -> DemoIdentity:
    organisation = unicodedata.normalize("NFC", organisation).strip()
    if not organisation:
        raise SigningKeyError("init_demo_identity needs a non-empty organisation name")
    now = datetime.now(UTC).replace(microsecond=0)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _root_certificate(root_key, now)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = _signer_certificate(signer_key, root, root_key, organisation, now)
    encryption = serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
    p12 = pkcs12.serialize_key_and_certificates(
        b"sohoa-demo-signer", signer_key, signer, [root], encryption
    )
    # The root key is discarded: the demo CA never issues anything else.
    _write_private(identity.passphrase_path, passphrase.encode("utf-8") + b"\n")
    _write_private(identity.root_cert_path, root.public_bytes(serialization.Encoding.PEM))
    _write_private(identity.pkcs12_path, p12)
    subject = signer.subject.rfc4514_string()
    return DemoIdentity(
        identity.pkcs12_path, identity.root_cert_path, identity.passphrase_path, subject
    )


def _root_certificate(key: rsa.RSAPrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ROOT_COMMON_NAME)])
    usage = _key_usage(key_cert_sign=True, crl_sign=True)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _signer_certificate(
    key: rsa.RSAPrivateKey,
    root: x509.Certificate,
    root_key: rsa.RSAPrivateKey,
    organisation: str,
    now: datetime,
) -> x509.Certificate:
    common_name = _fit(f"{DEMO_MARKER} - {organisation}")
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip
    usage = _key_usage(digital_signature=True, content_commitment=True)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )


def _key_usage(**enabled: bool) -> x509.KeyUsage:
    flags = dict.fromkeys(
        ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
         "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"),
        False,
    )  # fmt: skip
    flags.update(enabled)
    return x509.KeyUsage(**flags)


def _fit(text: str) -> str:
    """Cut ``text`` to the 64-unit bound of X.520 names (cryptography counts UTF-8 bytes)."""
    if len(text.encode("utf-8")) <= _MAX_NAME_LENGTH:
        return text
    while len(text.encode("utf-8")) > _MAX_NAME_LENGTH - len("…".encode()):
        text = text[:-1]
    return text.rstrip() + "…"


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600, atomically (temporary file + rename)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
