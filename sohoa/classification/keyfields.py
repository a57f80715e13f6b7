"""Key fields a person can trust: each extracted value found again among its page's OCR words (their boxes give
the region, their Tesseract confidences the confidence), checked (checks.py), and corrected by a person.

Confidence (docs/classification.md, 'Key fields') estimates the probability that the normal form is what the
paper says: p = the lowest confidence of the value's OCR words (1 on a born-digital page, UNLOCATED when the
words were not found again); a valid enterprise-code check digit raises it to p / (p + (1 - p) / 11) (a misread
code passes the check about one time in eleven); a failed check multiplies it by INVALID_FACTOR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sohoa.classification.checks import Checked, check_field, parse_date
from sohoa.models.report import FIELD_NAMES, ExtractedFields, FieldCorrectionNote, KeyField
from sohoa.ocr.text import fold_diacritics

if TYPE_CHECKING:
    from sohoa.ocr.engine import Word

UNLOCATED = 0.5
"""OCR confidence given to a value found in the text but not among the words (should not happen)."""
INVALID_FACTOR = 0.1
"""A value failing its check keeps a tenth of its confidence: it is almost surely misread or misprinted."""
REVIEW_BELOW = 0.8
"""Fields under this confidence are marked for a person to look at."""
MAX_GAP = 20
"""Words a value may skip between two of its own (a header column beside the Quốc hiệu)."""
_FIRST_PAGE_ONLY = ("number", "issue_date", "issuer")


def key_fields(extracted: ExtractedFields, span: Sequence[int], pages: Sequence[Any]) -> tuple[KeyField, ...]:
    """The five key fields of the document on dossier pages `span`, located on `pages` (all pages of the dossier,
    `sohoa.classification.rules.PageText`: text, words, size, dpi)."""
    out = []
    for name in FIELD_NAMES:
        value = getattr(extracted, name)
        checked = check_field(name, value)
        if not value:
            out.append(KeyField(name=name, value="", normalized="", confidence=0.0, check="missing"))
            continue
        where = span[:1] if name in _FIRST_PAGE_ONLY else span
        out.append(_located(name, value, checked, [(index, pages[index]) for index in where]))
    return tuple(out)


def field_confidence(name: str, ocr: float | None, state: str) -> float:
    """The confidence of a value whose weakest OCR word has confidence `ocr` (0-1; None: not located)."""
    p = UNLOCATED if ocr is None else ocr
    if state == "invalid":
        p *= INVALID_FACTOR
    elif state == "valid" and name == "enterprise_code" and p > 0:
        p = p / (p + (1 - p) / 11)
    return round(min(max(p, 0.0), 1.0), 3)


def _located(name: str, value: str, checked: Checked, pages: list[tuple[int, Any]]) -> KeyField:
    base = dict(name=name, value=value, normalized=checked.normalized, check=checked.state, check_note=checked.note)
    for index, page in pages:
        if page.size is None:  # born-digital: its text layer is exact, there are no word boxes
            if _compact(value) and _compact(value) in _compact(page.text):
                return KeyField(**base, confidence=field_confidence(name, 1.0, checked.state), page=index)
            continue
        words = find_words(name, value, page.words)
        if words:
            ocr = min(word.confidence for word in words) / 100
            box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
                   max(w.box[2] for w in words), max(w.box[3] for w in words))
            return KeyField(**base, confidence=field_confidence(name, ocr, checked.state), ocr_confidence=round(ocr, 3),
                            page=index, region=box, page_size=page.size, dpi=page.dpi)
    return KeyField(**base, confidence=field_confidence(name, None, checked.state))


def find_words(name: str, value: str, words: Sequence[Word]) -> list[Word]:
    """The words of `words` the value was read from: a run whose letters spell it, else its words in order with
    small gaps; empty when not found."""
    tokens = [_compact(word.text) for word in words]
    for target in _targets(name, value):
        run = _run(target, tokens)
        if run is None and name in ("issuer", "enterprise_name"):
            run = _gapped([_compact(part) for part in value.replace(" - ", " ").split()], tokens)
        if run:
            return [words[i] for i in run]
    return []


def _targets(name: str, value: str) -> list[str]:
    if name == "issue_date":
        day = parse_date(value)
        if day is None:
            return []
        return [f"ngay{d}thang{m}nam{day.year}" for d in {str(day.day), f"{day.day:02d}"}
                for m in {str(day.month), f"{day.month:02d}"}]
    return [_compact(value)]


def _run(target: str, tokens: list[str]) -> list[int] | None:
    """Indexes of consecutive tokens whose letters, joined, are `target` (punctuation tokens may sit between)."""
    if not target:
        return None
    for start, token in enumerate(tokens):
        if not token or not target.startswith(token):
            continue
        spelled, run = "", []
        for index in range(start, len(tokens)):
            if not tokens[index]:
                continue
            if not target.startswith(spelled + tokens[index]):
                break
            spelled += tokens[index]
            run.append(index)
            if spelled == target:
                return run
    return None


def _gapped(targets: list[str], tokens: list[str]) -> list[int] | None:
    targets = [t for t in targets if t]
    for start, token in enumerate(tokens):
        if not targets or token != targets[0]:
            continue
        run, at = [start], start
        for target in targets[1:]:
            nxt = next((i for i in range(at + 1, min(len(tokens), at + 1 + MAX_GAP)) if tokens[i] == target), None)
            if nxt is None:
                break
            run.append(nxt)
            at = nxt
        if len(run) == len(targets):
            return run
    return None


def _compact(text: str) -> str:
    return fold_diacritics(text).replace(" ", "").replace("\n", "")


def document_of_page(report: Mapping[str, Any], page: int) -> int | None:
    """Index in ``checklist.documents`` of the document whose pages include dossier page `page`."""
    for position, document in enumerate(report.get("checklist", {}).get("documents", ())):
        if page in document.get("pages", ()):
            return position
    return None


def current_field(document: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The key field `name` of a saved document (built from its flat value when the report predates key fields)."""
    for item in document.get("fields", ()):
        if item.get("name") == name:
            return dict(item)
    value = str(document.get(name, "") or "")
    checked = check_field(name, value)
    return KeyField(name=name, value=value, normalized=checked.normalized, check=checked.state, check_note=checked.note,
                    confidence=0.0 if not value else field_confidence(name, None, checked.state)).model_dump(mode="json")


def corrected_document(document: Mapping[str, Any], name: str, value: str, actor: str, at: str) -> dict[str, Any]:
    """The saved document with key field `name` set to `value` by `actor` at `at`; the value first read is kept in
    its correction note, and the flat value becomes the corrected normal form."""
    if name not in FIELD_NAMES:
        raise KeyError(name)
    before = current_field(document, name)
    first_read = (before.get("correction") or {}).get("extracted_value", before.get("value", ""))
    checked = check_field(name, value)
    note = FieldCorrectionNote(extracted_value=first_read, corrected_by=actor, corrected_at=at)
    after = {**before, "value": value, "normalized": checked.normalized, "check": checked.state,
             "check_note": checked.note, "confidence": 1.0 if value else 0.0, "correction": note.model_dump(mode="json")}
    fields = [dict(item) for item in document.get("fields", ()) if item.get("name") != name] + [after]
    fields.sort(key=lambda item: FIELD_NAMES.index(item["name"]) if item.get("name") in FIELD_NAMES else len(FIELD_NAMES))
    return {**document, name: checked.normalized, "fields": fields}


def apply_corrections(report: dict[str, Any], corrections: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`report` (read again) with earlier corrections ({page, field, extracted_value, new_value, actor, at}, oldest
    first) applied where the same value was read again on the same document."""
    documents = [dict(d) for d in report.get("checklist", {}).get("documents", ())]
    if not documents or not corrections:
        return report
    for correction in corrections:
        position = document_of_page(report, correction["page"])
        if position is None:
            continue
        first_read = current_field(documents[position], correction["field"])
        read = (first_read.get("correction") or {}).get("extracted_value", first_read.get("value", ""))
        if read == correction["extracted_value"]:
            documents[position] = corrected_document(documents[position], correction["field"], correction["new_value"],
                                                     correction["actor"], correction["at"])
    return {**report, "checklist": {**report.get("checklist", {}), "documents": documents}}
