"""What a person can do about an INDETERMINATE verification: why it did not conclude, and which option or setting
changes that (``sohoa verify`` prints these on stderr, after the report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sohoa.signing.demo_identity import DEMO_MARKER, ROOT_COMMON_NAME, ROOT_FILE

if TYPE_CHECKING:
    from sohoa.signing.verify import TrustSettings
    from sohoa.signing.verify_model import SignatureReport, VerificationReport

UNTRUSTED = "NO_CERTIFICATE_CHAIN_FOUND"
NO_REVOCATION = "TRY_LATER"


def verification_hints(report: VerificationReport, trust: TrustSettings) -> list[str]:
    """One line per distinct reason an undecided signature of ``report`` could not be decided, naming what to set."""
    hints: list[str] = []
    for signature in report.signatures:
        if signature.indication != "INDETERMINATE":
            continue
        hint = _hint(signature, trust)
        if hint and hint not in hints:
            hints.append(hint)
    return hints


def _is_demo(signature: SignatureReport) -> bool:
    signer = signature.signer
    return signer is not None and (DEMO_MARKER in signer.subject or ROOT_COMMON_NAME in signer.issuer)


def _hint(signature: SignatureReport, trust: TrustSettings) -> str | None:
    demo = _is_demo(signature)
    if signature.sub_indication == UNTRUSTED:
        anchors = ", ".join(str(path) for path in trust.trust_anchors) or "none"
        where = (f" It was signed with a local sohoa DEMO identity (self-signed root, not for production): its root is "
                 f"DATA_DIR/pki/{ROOT_FILE} on the machine that signed it.") if demo else ""
        return (f"the signer's certificate does not chain to a trusted root (trust anchors: {anchors}).{where} "
                "If you trust its issuer, pass --trust ROOT.pem or set SOHOA_TRUST_ANCHORS=ROOT.pem.")
    if signature.sub_indication != NO_REVOCATION:
        return None
    if demo:
        return (f"signed with the local sohoa DEMO identity (self-signed root, not for production): its certificates "
                f"name no OCSP responder or CRL, so under the revocation policy '{trust.revocation}' "
                "(SOHOA_VERIFY_REVOCATION, default require) it cannot be decided. To check all the rest, pass "
                "--revocation if_declared or set SOHOA_VERIFY_REVOCATION=if_declared; for copies with legal value, "
                "sign with the organisation's certificate (SOHOA_SIGNING_P12).")
    if not trust.allow_fetching:
        return ("no revocation data (OCSP/CRL) is embedded in the file and fetching it is off (--offline or "
                "SOHOA_VERIFY_FETCH=0): verify without --offline, or ask for a B-LT/B-LTA copy that embeds it.")
    return ("the revocation data (OCSP/CRL) the certificates name could not be obtained and the file does not embed "
            "it: check network access to the CA's OCSP responder and CRL, then try again.")
