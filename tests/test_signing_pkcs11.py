"""PKCS#11 signing with a real SoftHSM2 token (Debian softhsm2): key imported from the test PKI,
certificate stored on the token; signatures verified with sohoa.signing.verify and pdfsig."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from sohoa.signing import SigningError, SigningKeyError, SigningSettings, load_signer, sign_copy
from sohoa.signing.pkcs11 import Pkcs11Settings
from sohoa.tools.testpki import ORGANISATION, PASSPHRASE
from sohoa.signing.verify import TrustSettings, verify_pdf
from tests.test_signing import make_pdfa_scan

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, PIN, SO_PIN, KEY = "sohoa-test", "246810", "13579111", "sohoa-signer"



@pytest.fixture(scope="module")
def token(tmp_path_factory, test_pki) -> Pkcs11Settings:
    """A SoftHSM2 token in a temporary directory holding the test PKI's `signer` key and cert."""
    # SoftHSM2 and python-pkcs11 are installed by `make setup`; their absence is a failure, not a skip.
    assert MODULE.exists() and shutil.which("softhsm2-util"), "softhsm2 is not installed (make setup)"
    import pkcs11 as pkcs11_lib
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(config)  # read by SoftHSM when the module is initialised
    key, cert, chain = pkcs12.load_key_and_certificates(test_pki.pkcs12("signer").read_bytes(), PASSPHRASE.encode())
    key_pem = directory / "key.pem"
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    run = lambda *args: subprocess.run(["softhsm2-util", *args], check=True, capture_output=True)  # noqa: E731
    run("--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN, "--pin", PIN)
    run("--import", str(key_pem), "--token", TOKEN, "--label", KEY, "--id", "01", "--pin", PIN)
    key_pem.unlink()
    lib = pkcs11_lib.lib(str(MODULE))
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object({
            pkcs11_lib.Attribute.CLASS: pkcs11_lib.ObjectClass.CERTIFICATE,
            pkcs11_lib.Attribute.CERTIFICATE_TYPE: pkcs11_lib.CertificateType.X_509,
            pkcs11_lib.Attribute.TOKEN: True, pkcs11_lib.Attribute.LABEL: KEY, pkcs11_lib.Attribute.ID: b"\x01",
            pkcs11_lib.Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            pkcs11_lib.Attribute.SUBJECT: cert.subject.public_bytes(),
            pkcs11_lib.Attribute.ISSUER: cert.issuer.public_bytes(),
        })
    chain_pem = directory / "chain.pem"
    chain_pem.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    (directory / "pin").write_text(PIN + "\n")
    return Pkcs11Settings(module_path=MODULE, token_label=TOKEN, key_label=KEY, chain_path=chain_pem,
                          pin_file=directory / "pin")


def test_token_signature_verifies(token, test_pki, tmp_path):
    scan = make_pdfa_scan(tmp_path / "scan.pdf")
    signer = load_signer(SigningSettings(None, pkcs11=token, organisation=ORGANISATION,
                                         timestamp_url=test_pki.tsa_url))
    trust = TrustSettings((test_pki.root_pem,))
    for level in ("B-B", "B-LT"):
        data = sign_copy(scan, signer, level=level).data
        report = verify_pdf(data, trust)
        assert report.indication == "TOTAL_PASSED", (level, report.signatures)
        assert report.signatures[0].signer.subject.startswith("Common Name: TEST signer")
        assert len(report.signatures[0].chain) == 3
    path = tmp_path / "token.pdf"
    path.write_bytes(sign_copy(scan, signer).data)
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert re.findall(r"Signature Validation: (.+)", pdfsig) == ["Signature is Valid."]
    signer.close()  # PKCS#11 login is per process: log out for the next tests


def test_one_session_per_thread(token, tmp_path):
    scan = make_pdfa_scan(tmp_path / "scan.pdf")
    signer = load_signer(SigningSettings(None, pkcs11=token, organisation=ORGANISATION))
    key_signer = signer._key_signer
    results: list[bytes] = []

    def work():
        results.append(sign_copy(scan, signer).data)
        results.append(sign_copy(scan, signer).data)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert len(key_signer._sessions) == 3  # the loading thread's + one per worker thread
    signer.close()
    assert key_signer._sessions == []


def test_token_errors_are_typed(token, monkeypatch):
    wrong = Pkcs11Settings(module_path=MODULE, token_label=TOKEN, key_label=KEY, pin_env="TEST_PIN")
    with pytest.raises(SigningKeyError, match="TEST_PIN"):
        load_signer(SigningSettings(None, pkcs11=wrong, organisation=ORGANISATION), environ={})
    with pytest.raises(SigningKeyError, match="cannot open PKCS#11 token") as caught:
        load_signer(SigningSettings(None, pkcs11=wrong, organisation=ORGANISATION), environ={"TEST_PIN": "0000"})
    assert "0000" not in str(caught.value)
    missing = Pkcs11Settings(module_path=MODULE, token_label=TOKEN, key_label="nope", pin_file=token.pin_file)
    with pytest.raises(SigningKeyError, match="nope"):
        load_signer(SigningSettings(None, pkcs11=missing, organisation=ORGANISATION))
    with pytest.raises(SigningError, match="exactly one"):
        SigningSettings(None, organisation=ORGANISATION)
