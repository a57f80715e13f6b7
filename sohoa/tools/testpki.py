"""An offline test PKI served on loopback: root + intermediate CA, OCSP, CRLs, TSA. TESTS ONLY.

Built with certomancer (PyPI, a development dependency) from keys generated on the fly, and
served by certomancer's Animator WSGI app on 127.0.0.1 (a werkzeug server in a thread), so
pyHanko fetches OCSP responses, CRLs and timestamps over real HTTP.

Signers (certificate labels):

* ``signer``  — valid 2020-01-01 … 2100-01-01, OCSP + CRL declared;
* ``revoked`` — same, revoked since 2026-01-01 (key compromise);
* ``expired`` — valid 2020-01-01 … 2022-01-01 (sign with a signing time inside that window);
* ``stranger`` — issued by a root nobody trusts (``stranger-root``).

    with TestPki.start(directory) as pki:
        pki.pkcs12("signer")  -> (path, passphrase file); pki.root_pem; pki.tsa_url
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ARCH = "sohoa-test"
PASSPHRASE = "test-pki-passphrase"
SIGNERS = ("signer", "revoked", "expired", "stranger")
ORGANISATION = "Sở Công Thương tỉnh Thái Nguyên"


_KEY_LABELS = ("root", "interm", "ocsp", "tsa", "signer", "revoked", "expired", "stranger", "stranger-root")


def _config(prefix: str) -> dict:
    """certomancer configuration of the test PKI, its services published under ``prefix``."""
    return {
        "external-url-prefix": prefix,
        "keysets": {ARCH: {"path-prefix": ".", "keys": {name: {"path": f"{name}.key.pem"} for name in _KEY_LABELS}}},
        "pki-architectures": {ARCH: {
            "keyset": ARCH,
            "entity-defaults": {"country-name": "VN", "organization-name": "sohoa TEST PKI"},
            "entities": _entities(),
            "certs": _certificates(),
            "services": _services(),
        }},
    }


def _entities() -> dict:
    """Subject names of the CAs, the OCSP responder, the TSA and the signers."""
    return {
        "root": {"common-name": "sohoa TEST root CA"},
        "interm": {"common-name": "sohoa TEST intermediate CA"},
        "ocsp": {"common-name": "sohoa TEST OCSP responder"},
        "tsa": {"common-name": "sohoa TEST TSA"},
        "signer": {"common-name": "TEST signer", "organization-name": ORGANISATION},
        "revoked": {"common-name": "TEST revoked signer", "organization-name": ORGANISATION},
        "expired": {"common-name": "TEST expired signer", "organization-name": ORGANISATION},
        "stranger": {"common-name": "TEST stranger signer", "organization-name": ORGANISATION},
        "stranger-root": {"common-name": "Untrusted root CA"},
    }


def _certificates() -> dict:
    """The certificates, in certomancer's order (a template before the certificates using it)."""
    ca_usage = {"id": "key_usage", "critical": True,
                "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign", "crl_sign"]}}
    signer_ext = [
        {"id": "key_usage", "critical": True,
         "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]}},
        {"id": "crl_distribution_points", "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["interm"]}}},
        {"id": "authority_information_access",
         "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}}},
    ]
    long = {"valid-from": "2000-01-01T00:00:00+0000", "valid-to": "2500-01-01T00:00:00+0000"}
    return {
        "root": {"subject": "root", "issuer": "root", "validity": long,
                 "extensions": [{"id": "basic_constraints", "critical": True, "value": {"ca": True}}, ca_usage]},
        "interm": {"issuer": "root", "validity": long, "extensions": [
            {"id": "basic_constraints", "critical": True, "value": {"ca": True, "path-len-constraint": 0}},
            ca_usage,
            {"id": "crl_distribution_points",
             "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}}}]},
        "ocsp": {"issuer": "interm", "validity": long, "extensions": [
            {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
            {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
            {"id": "ocsp_no_check"}]},
        "tsa": {"issuer": "root", "validity": long, "extensions": [
            {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            {"id": "crl_distribution_points",
             "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}}}]},
        "signer": {"issuer": "interm", "extensions": signer_ext,
                   "validity": {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}},
        "revoked": {"template": "signer", "subject": "revoked", "subject-key": "revoked",
                    "revocation": {"revoked-since": "2026-01-01T00:00:00+0000", "reason": "key_compromise"}},
        "expired": {"template": "signer", "subject": "expired", "subject-key": "expired",
                    "validity": {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2022-01-01T00:00:00+0000"}},
        "stranger-root": {"subject": "stranger-root", "issuer": "stranger-root", "validity": long,
                          "extensions": [{"id": "basic_constraints", "critical": True, "value": {"ca": True}}, ca_usage]},
        "stranger": {"issuer": "stranger-root", "validity": long, "extensions": signer_ext[:1]},
    }


def _services() -> dict:
    """OCSP for the intermediate CA, CRLs and certificate repositories for both CAs, the TSA."""
    return {
        "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "ocsp", "signing-key": "ocsp"}},
        "crl-repo": {
            "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P90D"},
            "interm": {"for-issuer": "interm", "signing-key": "interm", "simulated-update-schedule": "P7D"},
        },
        "cert-repo": {"root": {"for-issuer": "root", "publish-issued-certs": True},
                      "interm": {"for-issuer": "interm", "publish-issued-certs": True}},
        "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
    }


def _write_keys(directory: Path) -> None:
    for name in ("root", "interm", "ocsp", "tsa", "stranger-root"):
        _write_key(directory / f"{name}.key.pem", ec.generate_private_key(ec.SECP256R1()))
    for name in ("signer", "revoked", "expired", "stranger"):
        _write_key(directory / f"{name}.key.pem", rsa.generate_private_key(65537, 2048))


def _write_key(path: Path, key) -> None:
    if not path.exists():
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))


@dataclass
class TestPki:
    """A running test PKI; see the module docstring."""

    __test__ = False  # not a pytest test class

    directory: Path
    base_url: str
    arch: object
    """certomancer ``PKIArchitecture``."""

    @property
    def root_pem(self) -> Path:
        """PEM file with the test root CA (the trust anchor)."""
        return self.directory / "root.pem"

    @property
    def stranger_root_pem(self) -> Path:
        """PEM file with the untrusted root CA."""
        return self.directory / "stranger-root.pem"

    @property
    def tsa_url(self) -> str:
        """RFC 3161 endpoint."""
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    @property
    def passphrase_path(self) -> Path:
        """File holding the passphrase of every PKCS#12 of this PKI."""
        return self.directory / "passphrase.txt"

    def pkcs12(self, label: str) -> Path:
        """PKCS#12 with the key of ``label``, its certificate and the CA chain."""
        return self.directory / f"{label}.p12"

    @classmethod
    @contextmanager
    def start(cls, directory: Path) -> Iterator[TestPki]:
        """Generate keys (reused if present), build the PKI and serve it until the block ends."""
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from certomancer.registry import CertomancerConfig
        from werkzeug.serving import make_server

        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
        directory.mkdir(parents=True, exist_ok=True)
        _write_keys(directory)
        holder: dict[str, object] = {}

        def app(environ, start_response):
            return holder["animator"](environ, start_response)  # type: ignore[operator]

        server = make_server("127.0.0.1", 0, app, threaded=True)
        base_url = f"http://127.0.0.1:{server.server_port}"
        config = CertomancerConfig(_config(base_url), key_search_dir=str(directory))
        arch = config.get_pki_arch(ARCH)
        holder["animator"] = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
        pki = cls(directory=directory, base_url=base_url, arch=arch)
        pki.root_pem.write_bytes(_pem(arch.get_cert("root")))
        pki.stranger_root_pem.write_bytes(_pem(arch.get_cert("stranger-root")))
        pki.passphrase_path.write_text(PASSPHRASE)
        for label in SIGNERS:
            chain = ["stranger-root"] if label == "stranger" else ["interm", "root"]
            pki.pkcs12(label).write_bytes(
                arch.package_pkcs12(label, certs_to_embed=chain, password=PASSPHRASE.encode()))
        thread = threading.Thread(target=server.serve_forever, name="test-pki", daemon=True)
        thread.start()
        try:
            yield pki
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _pem(cert) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", cert.dump())
