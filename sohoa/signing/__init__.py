"""Sign digitised dossiers as NĐ 30/2020 electronic copies (PAdES B-B … B-LTA, visible copy
mark), and verify signed PDFs (``verify_pdf``, docs/verification.md).

Typical use::

    signer = load_signer(SigningSettings(pkcs12_path=p12, organisation="Sở Công Thương …"))
    copy = sign_copy(pdf_bytes, signer)          # once per document, key stays loaded

See docs/signing.md.
"""

import importlib

# Where each public name lives. Loaded on first use: pyHanko takes half a second to import, and the
# CLI registers `sohoa verify` without needing it (the same pattern as sohoa.tools.evaluation).
_HOMES = {
    "CopyMarkLayout": "sohoa.signing.copy_mark",
    "DemoIdentity": "sohoa.signing.demo_identity",
    "init_demo_identity": "sohoa.signing.demo_identity",
    "CopyMarkError": "sohoa.signing.errors",
    "SigningError": "sohoa.signing.errors",
    "SigningInputError": "sohoa.signing.errors",
    "SigningKeyError": "sohoa.signing.errors",
    "CopySigner": "sohoa.signing.model",
    "SignedCopy": "sohoa.signing.model",
    "SignedPdfaReport": "sohoa.pdfa.check",
    "check_signed_pdfa": "sohoa.pdfa.check",
    "COPY_FORM_REASONS": "sohoa.signing.settings",
    "VIETNAM_TIME": "sohoa.signing.settings",
    "SigningSettings": "sohoa.signing.settings",
    "Pkcs11Settings": "sohoa.signing.pkcs11",
    "PADES_LEVELS": "sohoa.signing.settings",
    "load_signer": "sohoa.signing.signer",
    "sign_copy": "sohoa.signing.signer",
    "ArchiveLookup": "sohoa.signing.verify",
    "TrustSettings": "sohoa.signing.verify",
    "verify_pdf": "sohoa.signing.verify",
    "ArchiveMatch": "sohoa.signing.verify_model",
    "SignatureReport": "sohoa.signing.verify_model",
    "VerificationReport": "sohoa.signing.verify_model",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


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
