"""Signing keys on a PKCS#11 token or HSM (tested with SoftHSM2), behind the same CopySigner.

One PKCS#11 session per worker thread: a session is opened (and logged in) lazily by the first
signature made in a thread and reused by every later signature of that thread; sessions are
never shared between threads. The PIN is read once from a file or the environment and never
logged. The certificate is read from the token (by label or id) unless a file is given.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.signing.errors import SigningKeyError


_TOKEN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Pkcs11Settings:
    """Where the organisation's key lives on a PKCS#11 token."""

    module_path: Path
    """PKCS#11 module, e.g. ``/usr/lib/softhsm/libsofthsm2.so`` or the HSM vendor's library."""

    token_label: str
    """Label of the token holding the key."""

    key_label: str
    """CKA_LABEL of the private key (and, by default, of its certificate)."""

    cert_label: str | None = None
    """CKA_LABEL of the certificate on the token; ``None`` uses ``key_label``."""

    cert_path: Path | None = None
    """Certificate file (PEM/DER) to use instead of the token's certificate object."""

    chain_path: Path | None = None
    """PEM bundle with the intermediate/root CAs to embed in signatures."""

    pin_env: str = "SOHOA_PKCS11_PIN"
    """Name of the environment variable holding the user PIN (used when ``pin_file`` is not set)."""

    pin_file: Path | None = None
    """File holding the user PIN (one trailing newline ignored); wins over the variable."""


def read_pin(settings: Pkcs11Settings, environ: Mapping[str, str]) -> str:
    """The user PIN from ``settings.pin_file`` or ``environ[settings.pin_env]``."""
    if settings.pin_file is not None:
        try:
            return settings.pin_file.read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
        except OSError as exc:
            raise SigningKeyError(f"cannot read PIN file {settings.pin_file}: {exc.strerror}") from None
    if settings.pin_env not in environ:
        raise SigningKeyError(f"no PIN for token {settings.token_label!r}: environment variable "
                              f"{settings.pin_env} is not set and no pin_file is configured")
    return environ[settings.pin_env]


class ThreadLocalPkcs11Signer(Signer):
    """pyHanko signer that keeps one logged-in PKCS#11 session per thread.

    The size-estimate dry run is answered with a placeholder (no token operation).
    """

    def __init__(self, settings: Pkcs11Settings, pin: str):
        self._settings = settings
        self._pin = pin
        self._local = threading.local()
        self._sessions: list = []
        self._lock = threading.Lock()
        first = self._thread_signer()  # opens this thread's session, fails fast on bad settings
        certificate = first.signing_cert
        chain = list(first.cert_registry)
        if settings.chain_path is not None:
            chain += load_certs_from_pemder([str(settings.chain_path)])
        registry = SimpleCertificateStore()
        registry.register_multiple(chain)
        super().__init__(signing_cert=certificate, cert_registry=registry, prefer_pss=False,
                         embed_roots=True)
        public_key = certificate.public_key
        self._placeholder_length = (public_key.bit_size + 7) // 8 if public_key.algorithm == "rsa" else 72

    def _thread_signer(self):
        signer = getattr(self._local, "signer", None)
        if signer is not None:
            return signer
        # Opening sessions, loading objects or signing from two threads at once crashed python-pkcs11 with
        # SoftHSM2 (segfaults in find_token and _pull_single_cert); every token call is serialised, while
        # each thread keeps its own session.
        with _TOKEN_LOCK:
            return self._open_thread_signer()

    def _open_thread_signer(self):
        try:  # python-pkcs11 is needed only when a token is configured
            from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session
        except ImportError:
            raise SigningKeyError("PKCS#11 signing needs the python-pkcs11 package") from None
        settings = self._settings
        criteria = TokenCriteria(label=settings.token_label)
        try:
            try:
                session = open_pkcs11_session(str(settings.module_path), token_criteria=criteria,
                                              user_pin=self._pin)
            except Exception as exc:  # noqa: BLE001
                if type(exc).__name__ != "UserAlreadyLoggedIn":
                    raise
                # PKCS#11 login state is per process: another thread's session already logged in.
                session = open_pkcs11_session(str(settings.module_path), token_criteria=criteria)
        except Exception as exc:  # noqa: BLE001 - python-pkcs11 raises many types (bad PIN, no token)
            raise SigningKeyError(f"cannot open PKCS#11 token {settings.token_label!r} with "
                                  f"{settings.module_path}: {type(exc).__name__}") from None
        signing_cert = None
        if settings.cert_path is not None:
            signing_cert = next(iter(load_certs_from_pemder([str(settings.cert_path)])))
        try:
            signer = PKCS11Signer(session, key_label=settings.key_label,
                                  cert_label=None if signing_cert else (settings.cert_label or settings.key_label),
                                  signing_cert=signing_cert, embed_roots=True)
            _ = signer.signing_cert  # loads the certificate now, so errors surface here
        except Exception as exc:  # noqa: BLE001
            session.close()
            raise SigningKeyError(f"token {settings.token_label!r}: key/certificate "
                                  f"{settings.key_label!r} not usable: {exc}") from None
        with self._lock:
            self._sessions.append(session)
        self._local.signer = signer
        return signer

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        """Sign on the token through this thread's session (placeholder on a dry run)."""
        if dry_run:
            return bytes(self._placeholder_length)
        signer = self._thread_signer()
        with _TOKEN_LOCK:  # see _thread_signer: token calls from two threads at once are not safe here
            return await signer.async_sign_raw(data, digest_algorithm)

    def close(self) -> None:
        """Log out and close every session this signer opened."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def load_pkcs11_key(settings: Pkcs11Settings, environ: Mapping[str, str] | None = None
                    ) -> tuple[ThreadLocalPkcs11Signer, x509.Certificate]:
    """Open the token, find key and certificate; return the signer and the certificate."""
    pin = read_pin(settings, os.environ if environ is None else environ)
    key_signer = ThreadLocalPkcs11Signer(settings, pin)
    cert: asn1_x509.Certificate = key_signer.signing_cert
    return key_signer, x509.load_der_x509_certificate(cert.dump())
