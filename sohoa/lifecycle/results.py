"""Results (kết quả) handed in by a department: made PDF/A-2b (a born-digital PDF keeps its own text; a scan is
read like any page), stamped with a QR code of its public verification address, signed by the issuing
organisation (PAdES B-LTA when a timestamping service is configured), archived write-once with the procedure's
retention and linked to the dossier. A refusal (Mẫu 03) and an apology letter (Mẫu 04) are results of the same
kind. Idempotent: the result id is derived from the dossier, the kind and the file's SHA-256.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sohoa.archive.dossier import retention_lock
from sohoa.archive.keys import content_key
from sohoa.errors import InputRejected
from sohoa.intake.files import AcceptedFile, inspect_file, list_pages
from sohoa.lifecycle.errors import IllegalTransition, ResultRejected
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.transitions import apply_action
from sohoa.ocr.pages import run_page_tasks
from sohoa.pdfa.assemble import DocumentMetadata, assemble_pdfa, check_signed_pdfa
from sohoa.pdfa.stamp import stamp_qr
from sohoa.services.db import DossierRecord
from sohoa.services.db.lifecycle import EventRecord, ResultRecord
from sohoa.services.runtime import Runtime

KINDS = {"result": "finish", "refusal": "refuse", "apology": "apologise"}
"""Kind of signed document → the lifecycle action it comes with."""
MARK_FIRST_LINE = {"result": "KẾT QUẢ ĐIỆN TỬ", "refusal": "PHIẾU TỪ CHỐI (MẪU 03)", "apology": "PHIẾU XIN LỖI (MẪU 04)"}
"""First line of the visible signature mark per kind (a result is an original, not a copy: never "SAO Y")."""
MAX_RESULT_PAGES = 200
"""A result longer than this is refused (a licence or decision is a few pages)."""


@dataclass(frozen=True)
class IssuedResult:
    """A result signed, archived and recorded."""

    record: ResultRecord
    """What the database keeps."""
    event: EventRecord | None
    """The lifecycle event it came with; None when the same result had been issued already."""
    verification_url: str
    """Its public verification address (the QR code's content)."""
    pdfa_passed: bool
    """Whether the signed file passed the PDF/A-2b check."""


def dossier_digitized(components, results) -> bool:
    """The 766 indicator's test: every component digitized (states 1-3) and an electronic result issued."""
    return bool(components) and all(c.state >= 1 for c in components) and any(r.kind == "result" for r in results)


def result_id(code: str, kind: str, source_sha256: str) -> str:
    """The id of a result: the same file handed in again for the same dossier and kind gets the same id."""
    return hashlib.sha256(f"{code}|{kind}|{source_sha256}".encode()).hexdigest()[:24]


def verification_url(public_url: str, identifier: str) -> str:
    """The public address where anyone checks a result (printed in its QR code)."""
    return f"{public_url.rstrip('/')}/xac-minh/{identifier}"


def issue_result(runtime: Runtime, code: str, file: Path, kind: str, actor: str, title: str = "",
                 reason: str = "") -> IssuedResult:
    """Sign and archive the result `file` of dossier `code` and record its lifecycle action (finish, refuse or
    apologise). Refused before any work when the dossier is not in a status that may have it."""
    if kind not in KINDS:
        raise IllegalTransition(f"dossier {code}: result kind {kind!r}; expected one of {', '.join(KINDS)}")
    rules, database = load_rules(runtime.config.lifecycle_dir), runtime.database
    record = database.get_dossier(code)
    rules.transitions.target(KINDS[kind], record.status, record.before_supplement, code)
    if runtime.engines.signer is None:
        raise IllegalTransition(f"dossier {code}: no signing key is configured; a result must be signed")
    try:
        accepted = inspect_file(file, runtime.settings.limits)
    except InputRejected as error:
        raise ResultRejected(f"result {error}") from None
    identifier = result_id(code, kind, accepted.sha256)
    stored = database.find_result(identifier)
    url = verification_url(runtime.config.public_url, identifier)
    if stored is not None:
        return IssuedResult(stored, None, url, True)
    with tempfile.TemporaryDirectory(prefix=f"sohoa-result-{code}-") as directory:
        signed_path, level, passed = _signed_pdfa(runtime, record, accepted, kind, title, url, Path(directory))
        lock = retention_lock(runtime.engines.store, runtime.engines.catalog.get(record.procedure_code).retention_years)
        digest = hashlib.sha256(signed_path.read_bytes()).hexdigest()
        stored_object = runtime.engines.store.put_file(content_key("results", digest, ".pdf"), signed_path,
                                                       "application/pdf", lock=lock)
    result = database.add_result(ResultRecord(
        id=identifier, dossier_code=code, kind=kind, title=title or file.name, source_sha256=accepted.sha256,
        signed_key=stored_object.key, signed_sha256=stored_object.sha256, size=stored_object.size, level=level,
        signer=runtime.engines.signer.signer_subject, issued_at=database.now(), issued_by=actor))
    event = apply_action(database, rules, code, KINDS[kind], actor, reason=reason or title,
                         details={"result_id": identifier, "signed_sha256": result.signed_sha256, "kind": kind,
                                  "signed_key": result.signed_key, "level": level})
    database.record_access(code, actor, f"result:{kind}", result.signed_key, f"ok: {level}, {identifier}")
    return IssuedResult(result, event, url, passed)


def _signed_pdfa(runtime: Runtime, record: DossierRecord, accepted: AcceptedFile, kind: str, title: str,
                 url: str, work_dir: Path) -> tuple[Path, str, bool]:
    """The result as a QR-stamped PDF/A-2b, signed; (path, PAdES level, PDF/A check passed)."""
    from sohoa.signing import sign_copy

    pages = list_pages((accepted,))
    if len(pages) > MAX_RESULT_PAGES:
        raise ResultRejected(f"result {accepted.name}: {len(pages)} pages; at most {MAX_RESULT_PAGES}")
    metadata = DocumentMetadata(title=title or accepted.name, author=runtime.config.organisation,
                                created=runtime.database.now(), subject=f"Kết quả hồ sơ {record.code} · TTHC "
                                                                         f"{record.procedure_code} · {url}")
    pdfa = _pdfa(pages, runtime, url, metadata, work_dir, keep_text=True)
    if pdfa is None:  # a born-digital file that cannot be PDF/A as it is (fonts not embedded …): read it as a scan
        pages = tuple(dataclasses.replace(page, born_digital_text=None) for page in pages)
        pdfa = _pdfa(pages, runtime, url, metadata, work_dir, keep_text=False)
    if pdfa is None:
        raise ResultRejected(f"result {accepted.name}: cannot be made PDF/A-2b")
    signer = runtime.engines.signer
    mark_signer = signer.with_copy_form(MARK_FIRST_LINE[kind]) if hasattr(signer, "with_copy_form") else signer
    signed = sign_copy(pdfa.read_bytes(), mark_signer, kind="result")
    out = work_dir / "result.signed.pdf"
    out.write_bytes(signed.data)
    level = mark_signer.level_for("result") if hasattr(mark_signer, "level_for") else "B-B"
    return out, level, check_signed_pdfa(out).passed


def _pdfa(pages, runtime: Runtime, url: str, metadata: DocumentMetadata, work_dir: Path, keep_text: bool) -> Path | None:
    directory = work_dir / ("text" if keep_text else "scan")
    directory.mkdir()
    results = run_page_tasks(pages, directory, runtime.settings.pages, runtime.settings.jobs)
    locations = [(r.page_pdf, 0) if r.page_pdf is not None else (r.prepared.source.path, r.prepared.source.frame)
                 for r in results]
    locations[0] = (stamp_qr(locations[0][0], locations[0][1], url, directory / "first-page.pdf"), 0)
    out = directory / "result.pdf"
    return out if assemble_pdfa(locations, metadata, out).passed else None


__all__ = ["KINDS", "IssuedResult", "dossier_digitized", "issue_result", "result_id", "verification_url"]
