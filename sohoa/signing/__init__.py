"""Sign digitised dossiers as NĐ 30/2020 electronic copies (PAdES B-B … B-LTA, visible copy
mark), and verify signed PDFs (``verify_pdf``, docs/verification.md).

Typical use::

    signer = load_signer(SigningSettings(pkcs12_path=p12, organisation="Sở Công Thương …"))
    copy = sign_copy(pdf_bytes, signer)          # once per document, key stays loaded

See docs/signing.md.
"""

from sohoa.signing.copy_mark import CopyMarkLayout
from sohoa.signing.demo_identity import DemoIdentity, init_demo_identity
from sohoa.signing.errors import CopyMarkError, SigningError, SigningInputError, SigningKeyError
from sohoa.signing.model import CopySigner, SignedCopy
from sohoa.signing.pdfa_check import SignedPdfaReport, check_signed_pdfa
from sohoa.signing.settings import COPY_FORM_REASONS, VIETNAM_TIME, SigningSettings
from sohoa.signing.pkcs11 import Pkcs11Settings
from sohoa.signing.settings import PADES_LEVELS
from sohoa.signing.signer import load_signer, sign_copy
from sohoa.signing.verify import ArchiveLookup, TrustSettings, verify_pdf
from sohoa.signing.verify_model import ArchiveMatch, SignatureReport, VerificationReport

__all__ = [
    "PADES_LEVELS",
    "ArchiveLookup",
    "ArchiveMatch",
    "Pkcs11Settings",
    "SignatureReport",
    "TrustSettings",
    "VerificationReport",
    "verify_pdf",
    "COPY_FORM_REASONS",
    "VIETNAM_TIME",
    "CopyMarkError",
    "CopyMarkLayout",
    "CopySigner",
    "DemoIdentity",
    "SignedCopy",
    "SignedPdfaReport",
    "SigningError",
    "SigningInputError",
    "SigningKeyError",
    "SigningSettings",
    "check_signed_pdfa",
    "init_demo_identity",
    "load_signer",
    "sign_copy",
]
