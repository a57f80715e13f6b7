"""Loading the organisation's PKCS#12 identity, and a pyHanko signer that keeps the key loaded.

pyHanko's ``SimpleSigner`` re-parses its private key from DER on every raw signature (and signs
twice per PDF: once for real, once to estimate the container size). :class:`InMemoryKeySigner`
keeps the ``cryptography`` key object from the one-time PKCS#12 load and answers the size
estimate with a placeholder, so each PDF costs exactly one private-key operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from sohoa.signing.errors import SigningKeyError

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class LoadedIdentity:
    """Key material read from a PKCS#12 file."""

    private_key: SigningKey
    """The decrypted private key (RSA or EC)."""

    certificate: x509.Certificate
    """The signer's certificate, matching ``private_key``."""

    chain: tuple[x509.Certificate, ...]
    """Other certificates in the file (intermediate and root CAs), embedded in signatures."""

    source: Path
    """The PKCS#12 file the identity came from (for error messages)."""


def read_passphrase(
    passphrase_file: Path | None, passphrase_env: str, environ: Mapping[str, str], p12: Path
) -> bytes:
    """Read the PKCS#12 passphrase from ``passphrase_file`` if set, else from ``environ``.

    One trailing newline of the file is dropped (editors add one). An empty passphrase is
    allowed only when it is explicitly set (unencrypted test files).
    """
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise SigningKeyError(
                f"cannot read passphrase file {passphrase_file} for {p12}: {exc.strerror}"
            ) from None
        return text.removesuffix("\n").removesuffix("\r").encode("utf-8")
    if passphrase_env not in environ:
        raise SigningKeyError(
            f"no passphrase for {p12}: environment variable {passphrase_env} is not set "
            "and no passphrase_file is configured"
        )
    return environ[passphrase_env].encode("utf-8")


def load_pkcs12_identity(p12: Path, passphrase: bytes) -> LoadedIdentity:
    """Decrypt ``p12`` and check that it holds a usable RSA/EC key and its certificate."""
    try:
        data = p12.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(f"PKCS#12 file not found: {p12}") from None
    except OSError as exc:
        raise SigningKeyError(f"cannot read PKCS#12 file {p12}: {exc.strerror}") from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, passphrase or None)
    except (ValueError, TypeError):
        # cryptography cannot tell a wrong passphrase from a damaged file.
        raise SigningKeyError(
            f"cannot open PKCS#12 file {p12}: wrong passphrase or corrupt file"
        ) from None
    if key is None or cert is None:
        raise SigningKeyError(f"PKCS#12 file {p12} lacks a private key or its certificate")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningKeyError(
            f"PKCS#12 file {p12} holds a {type(key).__name__}; only RSA and EC keys are supported"
        )
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise SigningKeyError(f"PKCS#12 file {p12}: the certificate does not match the key")
    return LoadedIdentity(private_key=key, certificate=cert, chain=tuple(others), source=p12)


def _public_der(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def to_asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    """Convert a ``cryptography`` certificate to the asn1crypto form pyHanko uses."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class InMemoryKeySigner(Signer):
    """pyHanko signer over an already-decrypted ``cryptography`` private key.

    Supports RSA with PKCS#1 v1.5 padding (what Vietnamese public CAs issue) and ECDSA.
    """

    def __init__(self, identity: LoadedIdentity):
        registry = SimpleCertificateStore()
        registry.register_multiple([to_asn1_certificate(c) for c in identity.chain])
        super().__init__(
            signing_cert=to_asn1_certificate(identity.certificate),
            cert_registry=registry,
            prefer_pss=False,
            embed_roots=True,
        )
        self._private_key = identity.private_key
        self._placeholder_length = _max_signature_length(identity.private_key)

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Sign ``data``; on a dry run (size estimate) return zero bytes of the maximal length."""
        if dry_run:
            return bytes(self._placeholder_length)
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        raise SigningKeyError(f"signature mechanism {mechanism} is not supported for this key")


def _max_signature_length(key: SigningKey) -> int:
    if isinstance(key, rsa.RSAPrivateKey):
        return (key.key_size + 7) // 8
    # DER ECDSA-Sig-Value: SEQUENCE of two INTEGERs, each at most one byte longer than the order.
    integer = (key.curve.key_size + 7) // 8 + 1
    return 2 + 2 * (2 + integer) + 2
