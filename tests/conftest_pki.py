"""Session-scoped offline test PKI on loopback (sohoa.tools.testpki): root + intermediate CA,
OCSP responder, CRLs, TSA; signers ``signer`` (valid), ``revoked``, ``expired``, ``stranger``
(untrusted root). Enable with ``pytest_plugins = ["tests.conftest_pki"]``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sohoa.tools.testpki import TestPki


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    """The running test PKI (HTTP on 127.0.0.1, random port) for the whole session."""
    with TestPki.start(tmp_path_factory.mktemp("test-pki")) as pki:
        yield pki
