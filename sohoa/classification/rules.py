"""Stage 5, classification: cut the page stream into documents, assign each to a checklist component, or flag it.

Three sources of evidence, combined per page:

* **separator sheets** (`PageText.separator`, from `sohoa.ocr.separators.detect_separator`): every page after a
  separator belongs to its component with confidence 1.0; separator pages belong to no component;
* **catalogue rules**: title phrases and keywords matched on diacritic-folded text, tolerant of OCR
  errors, plus first-page cues (Quốc hiệu / Tiêu ngữ, "Số:", "Trang k/n");
* **the statistical page model** (`sohoa.classification.model`): char n-gram TF-IDF + logistic
  regression trained on the synthetic corpus with OCR noise, giving P(document type) and
  P(first page).

A page whose confidence is below `REVIEW_THRESHOLD` is marked "review" instead of guessed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from sohoa.catalog import DocumentType, Variant
from sohoa.classification.fragments import fragment_scores
from sohoa.classification.model import OTHER, PageModel
from sohoa.classification.titles import DECISIVE_RATIO, MIN_RATIO, TitleMatch, title_matches
from sohoa.models.report import ChecklistVerdict, ComponentEvidence, ExtractedFields, UnexpectedDocument
from sohoa.ocr.text import fold_diacritics

if TYPE_CHECKING:
    from sohoa.ocr.qr import SeparatorMark
    from sohoa.ocr.engine import Word
    from sohoa.ocr.pages import PageResult

_MOTTO_TOKENS = ("cong", "hoa", "xa", "hoi", "chu", "nghia", "viet", "nam")
_SLOGAN_TOKENS = ("doc", "lap", "tu", "do", "hanh", "phuc")
_NATIONAL_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_HEAD_LINES = 25
_TITLE_MIN_RATIO = 0.82
CONTRADICTION_TOP = 0.9
"""The model contradicts a decisive title only when it gives another type at least this ..."""
CONTRADICTION_TITLE = 0.02
"""... and the title's own type at most this."""
_PAGE_NUMBER = re.compile(r"\b(?:trang|tang|trag)\s*(\d{1,2})\s+(\d{1,2})\b")  # folded "Trang 2/3" -> "trang 2 3"

REVIEW_THRESHOLD = 0.3
"""Below this confidence a page is marked 'review' instead of guessed."""
HIGH_CONFIDENCE = 0.9
"""A checklist verdict is 'high confidence' only when every required component reaches this."""
MODEL_WEIGHT = 0.6
"""Weight of the statistical model against the title rules when both have an opinion."""

Role = Literal["component", "continuation", "unexpected", "blank", "unknown", "review", "separator"]


@dataclass(frozen=True)
class PageText:
    """What the classifier looks at for one page."""

    text: str
    """Page text (OCR or born-digital)."""
    blank: bool
    """Blank pages are never assigned."""
    separator: SeparatorMark | None = None
    """A `sohoa.ocr.qr.SeparatorMark` when the page is a separator sheet (detected by its QR code)."""
    words: tuple[Word, ...] = ()
    """The OCR words of the page with their boxes and confidences (empty for born-digital pages), for the key
    fields' regions and confidences."""
    size: tuple[int, int] | None = None
    """Width and height in pixels of the image the words were read on; None when the page was not OCR'd."""
    dpi: float | None = None
    """Resolution of that image."""


def classifier_page(page: PageResult) -> PageText:
    """What the classifier needs of one read page: text, blank, separator, and the OCR words with the size and
    resolution of the page image their boxes are measured on (page pixels)."""
    ocr, dpi = page.ocr, page.prepared.dpi
    size = None
    if ocr is not None and dpi and ocr.layout.bbox is not None:
        scale = dpi / (ocr.layout_dpi or dpi)
        size = (round(ocr.layout.bbox.right * scale), round(ocr.layout.bbox.bottom * scale))
    return PageText(text=page.text, blank=page.prepared.blank, separator=page.separator,
                    words=ocr.words if ocr is not None else (), size=size, dpi=dpi if size else None)


@dataclass(frozen=True)
class PageAssignment:
    """The classifier's decision for one page."""

    role: Role
    """component: a document's first page; continuation: a following page; unexpected: not on the checklist;
    review: too uncertain to guess (see candidate_position); separator: a separator sheet."""
    position: int | None
    """1-based component position, None unless component or continuation."""
    document_type: str | None
    """Matched document type id."""
    confidence: float
    """0-1."""
    title: str
    """Title-like line found on the page, for reviewers."""
    document_start: bool = False
    """True on the first page of a document (as the classifier cut the stream)."""
    candidate_position: int | None = None
    """For 'review' pages (and uncertain 'unexpected' ones): the best guess the classifier did not dare to make."""
    rule_type: str | None = None
    """The document type the catalogue title rules point to (None when no title matched)."""
    model_type: str | None = None
    """The page model's most probable type (`__other__` for papers no checklist asks for)."""
    placed_by: str | None = None
    """Who placed the page by hand (a person's correction, not the classifier's decision)."""


@dataclass(frozen=True)
class _Cues:
    motto: bool
    page_number: tuple[int, int] | None
    title_scores: dict[str, float]
    title: str
    decisive: TitleMatch | None = None
    certification_only: bool = False
    fragments: dict[str, float] | None = None
    """Scores of titles cut or merged by OCR (`sohoa.classification.fragments`), never decisive."""

    @property
    def evidence(self) -> dict[str, float]:
        """Title evidence per type: the best of the whole-title and the fragment scores."""
        if not self.fragments:
            return self.title_scores
        return {k: max(self.title_scores.get(k, 0.0), self.fragments.get(k, 0.0))
                for k in self.title_scores.keys() | self.fragments.keys()}


def classify_pages(pages: tuple[PageText, ...], variant: Variant, known_types: dict[str, DocumentType],
                   model: PageModel) -> tuple[PageAssignment, ...]:
    """One assignment per page, in stream order, the catalogue rules consulting the page `model`."""
    accepting: dict[str, list[int]] = {}
    for component in variant.components:
        for doc in component.document_types:
            accepting.setdefault(doc.id, []).append(component.position)
    texts = [p.text for p in pages]
    live = [i for i, p in enumerate(pages) if not p.blank and p.separator is None]
    type_probs: dict[int, dict[str, float]] = {}
    first_probs: dict[int, float] = {}
    if live:
        rows = model.type_probabilities([texts[i] for i in live])
        firsts = model.first_probabilities([texts[i] for i in live])
        for row, first, index in zip(rows, firsts, live, strict=True):
            type_probs[index] = dict(zip(model.labels, (float(x) for x in row), strict=True))
            first_probs[index] = float(first)

    assignments: list[PageAssignment] = []
    previous: PageAssignment | None = None
    separator_position: int | None = None
    for index, page in enumerate(pages):
        if page.separator is not None:
            separator_position = getattr(page.separator, "position", None)
            assignments.append(PageAssignment("separator", None, None, 1.0, _separator_title(page.separator), True))
            previous = None
            continue
        if page.blank:
            assignments.append(PageAssignment("blank", None, None, 1.0, ""))
            continue
        cues = _cues(page.text, known_types)
        if separator_position is not None and _variant_has(variant, separator_position):
            assignments.append(_after_separator(separator_position, variant, type_probs[index], cues, previous))
            previous = assignments[-1]
            continue
        filled = {a.position for a in assignments if a.document_start}
        expected = {doc_id: next((p for p in positions if p not in filled), positions[0])
                    for doc_id, positions in accepting.items()}
        assignment = _classify_one(cues, type_probs[index], first_probs[index], expected, previous)
        assignments.append(assignment)
        previous = assignment
    return _resolve_shared(assignments, accepting)


def _resolve_shared(assignments: list[PageAssignment], accepting: dict[str, list[int]]) -> tuple[PageAssignment, ...]:
    """A type two components accept (a contract with the supplier or with retailers) fills, in stream order, the
    first one not yet filled; when another document later fills that component too, the shared one moves to a
    component it accepts that nothing fills (shuffled dossiers). Pages placed by a separator sheet are kept."""
    documents: list[list[int]] = []
    for index, assignment in enumerate(assignments):
        if assignment.role == "component" and assignment.document_start:
            documents.append([index])
        elif assignment.role == "continuation" and documents and assignments[documents[-1][0]].position == assignment.position:
            documents[-1].append(index)
    if any(a.role == "separator" for a in assignments):
        return tuple(assignments)
    filled: dict[int, list[int]] = {}
    for number, document in enumerate(documents):
        filled.setdefault(assignments[document[0]].position, []).append(number)
    for number, document in enumerate(documents):
        first = assignments[document[0]]
        positions = accepting.get(first.document_type or "", [])
        if len(positions) < 2 or len(filled[first.position]) < 2:
            continue
        free = [p for p in positions if p != first.position and not filled.get(p)]
        if not free:
            continue
        filled[first.position].remove(number)
        filled[free[0]] = [number]
        for index in document:
            assignments[index] = replace(assignments[index], position=free[0])
    return tuple(assignments)


def _variant_has(variant: Variant, position: int) -> bool:
    return any(c.position == position for c in variant.components)


def checklist_verdict(assignments: tuple[PageAssignment, ...], variant: Variant,
                      pages: tuple[PageText, ...] | None = None) -> ChecklistVerdict:
    """Which components are present, which required ones are missing, what is unexpected, how sure.

    With `pages` (the same `PageText`s given to `classify_pages`), key fields of every document are extracted.
    """
    present = sorted({a.position for a in assignments if a.position is not None})
    missing = [c.position for c in variant.components if c.required and c.position not in present]
    optional = [c.position for c in variant.components if not c.required and c.position not in present]
    evidence = []
    for component in variant.components:
        indexes = tuple(i for i, a in enumerate(assignments) if a.position == component.position)
        starts = [assignments[i].confidence for i in indexes if assignments[i].document_start] or \
            [assignments[i].confidence for i in indexes]
        types = sorted({assignments[i].document_type for i in indexes if assignments[i].document_type})
        evidence.append(ComponentEvidence(position=component.position, name=component.name, required=component.required,
                                          present=bool(indexes), pages=indexes,
                                          confidence=round(max(starts), 3) if starts else 0.0,
                                          document_types=tuple(types)))
    review_pages = tuple(i for i, a in enumerate(assignments) if a.role in ("review", "unknown")
                         or (a.role == "unexpected" and a.candidate_position is not None))
    # A missing component may hide in a review page; a present one may be a misread paper.
    present_conf = [e.confidence for e in evidence if e.required and e.present]
    # A paper flagged unexpected (or under review) with little confidence may be a missing component misread.
    doubts = [a.confidence for a in assignments if a.document_start and a.role in ("unexpected", "review", "unknown")]
    confidence = min(present_conf + doubts, default=1.0)
    if review_pages:
        confidence = min(confidence, REVIEW_THRESHOLD)
    if missing:
        decision = "needs_review" if review_pages else "incomplete"
    else:
        decision = "complete" if confidence >= REVIEW_THRESHOLD and not review_pages else "needs_review"
    return ChecklistVerdict(
        complete=not missing, present_positions=tuple(present), missing_positions=tuple(missing),
        missing_optional_positions=tuple(optional), unexpected=_unexpected_documents(assignments),
        decision=decision, confidence=round(confidence, 3),
        high_confidence=decision != "needs_review" and confidence >= HIGH_CONFIDENCE,
        components=tuple(evidence), review_pages=review_pages,
        documents=extract_documents(assignments, pages) if pages is not None else (),
    )


def document_spans(assignments: tuple[PageAssignment, ...]) -> list[tuple[int, ...]]:
    """Page indexes of each document as the classifier cut the stream (blank and separator pages left out)."""
    spans: list[list[int]] = []
    for index, assignment in enumerate(assignments):
        if assignment.role in ("blank", "separator"):
            continue
        if assignment.document_start or not spans:
            spans.append([index])
        else:
            spans[-1].append(index)
    return [tuple(span) for span in spans]


def extract_documents(assignments: tuple[PageAssignment, ...], pages: tuple[PageText, ...]) -> tuple[ExtractedFields, ...]:
    """Key fields (số ký hiệu, date, issuer, enterprise code and name, summary) of every document."""
    from sohoa.classification.fields import extract_fields
    from sohoa.classification.keyfields import key_fields

    out = []
    for span in document_spans(assignments):
        first = assignments[span[0]]
        fields = extract_fields([pages[i].text for i in span], span, first.position, first.document_type)
        out.append(fields.model_copy(update={"fields": key_fields(fields, span, pages)}))
    return tuple(out)


def _cues(text: str, known_types: dict[str, DocumentType]) -> _Cues:
    lines = [fold_diacritics(line) for line in text.splitlines() if line.strip()]
    tail = " ".join(lines[-3:])
    numbering = None
    match = _PAGE_NUMBER.search(tail)
    if match:
        k, n = int(match.group(1)), int(match.group(2))
        if 1 <= k <= n <= 50:
            numbering = (k, n)
    scores, decisive = title_matches(text, known_types)
    fragments = fragment_scores(text, known_types) if decisive is None else {}
    return _Cues(motto=_has_motto(lines[:8]), page_number=numbering, title_scores=scores, title=_title_line(text),
                 decisive=decisive, certification_only=_certification_only(lines), fragments=fragments)


_CERTIFICATION = ("chung thuc", "sao y", "dung voi ban chinh")


def _certification_only(lines: list[str]) -> bool:
    """A short page that holds only a copy's certification stamp (it spilled over from the copy before it)."""
    return len(lines) <= 8 and any(mark in line for line in lines[:3] for mark in _CERTIFICATION)


def _has_motto(head: list[str]) -> bool:
    for line in head:
        words = set(line.split())
        if sum(t in words for t in _MOTTO_TOKENS) >= 6 or sum(t in words for t in _SLOGAN_TOKENS) >= 5:
            return True
    return False


def _classify_one(cues: _Cues, probs: dict[str, float], p_first: float, expected: dict[str, int],
                  previous: PageAssignment | None) -> PageAssignment:
    best_title = max(cues.title_scores.items(), key=lambda kv: kv[1], default=("", 0.0))
    has_title = best_title[1] >= _TITLE_MIN_RATIO or cues.decisive is not None
    starts = _starts_document(cues, has_title, probs, p_first, previous)
    if not starts and previous is not None:
        return _continue(previous, probs, p_first)
    model_type = max(probs.items(), key=lambda kv: kv[1])[0]
    if cues.decisive is not None:
        # Rules first: an exact or near-exact catalogue title decides, unless the content contradicts it.
        return _by_title(cues, cues.decisive, probs, expected, model_type)
    # Evidence that ties (a part of a title several phrases share) points to a type this checklist accepts.
    best_evidence = max(cues.evidence.items(), key=lambda kv: (round(kv[1], 3), kv[0] in expected), default=("", 0.0))
    rule_type = best_evidence[0] if best_evidence[1] >= MIN_RATIO else None
    assignment = _by_model(cues, probs, expected, best_evidence)
    if assignment.role == "unexpected" and rule_type in expected and model_type != rule_type:
        # The title rules see an accepted paper the model does not: both guesses go to a person.
        assignment = PageAssignment("review", None, rule_type, min(assignment.confidence, 0.5), cues.title, True,
                                    expected[rule_type])
    elif assignment.role == "unexpected" and rule_type is not None and rule_type not in expected \
            and model_type in expected and probs.get(rule_type, 0.0) < probs[model_type]:
        # A loose title of a paper this variant does not accept, the model preferring one it does: a person decides.
        assignment = PageAssignment("review", None, model_type, min(assignment.confidence, 0.5), cues.title, True,
                                    expected[model_type])
    return replace(assignment, rule_type=rule_type, model_type=model_type)


def _by_title(cues: _Cues, match: TitleMatch, probs: dict[str, float], expected: dict[str, int],
              model_type: str) -> PageAssignment:
    """The page's type is its decisive title's; a model sure of another type makes it a review with both guesses."""
    doc_id = match.document_type
    p_title, p_model = probs.get(doc_id, 0.0), probs.get(model_type, 0.0)
    contradicted = model_type != doc_id and p_model >= CONTRADICTION_TOP and p_title <= CONTRADICTION_TITLE
    guesses = {"rule_type": doc_id, "model_type": model_type}
    if doc_id in expected and not contradicted:
        confidence = 1.0 - (1.0 - 0.9 * match.ratio) * (1.0 - p_title)
        if model_type != doc_id:
            confidence *= 1.0 - 0.3 * p_model
        return PageAssignment("component", expected[doc_id], doc_id, round(confidence, 3), cues.title, True, **guesses)
    if doc_id in expected or (contradicted and model_type in expected):
        candidate = expected.get(doc_id, expected.get(model_type))
        return PageAssignment("review", None, doc_id, round(min(0.5, 1.0 - p_model + p_title), 3), cues.title, True,
                              candidate, **guesses)
    # A title of a paper this variant does not accept (another procedure's form, a paper no checklist asks for).
    outside = 1.0 - sum(probs.get(d, 0.0) for d in expected)
    return PageAssignment("unexpected", None, doc_id, round(min(1.0, max(outside, 0.5)), 3), cues.title, True,
                          **guesses)


def _by_model(cues: _Cues, probs: dict[str, float], expected: dict[str, int],
              best_title: tuple[str, float]) -> PageAssignment:
    """No decisive title: the model's P(type) combined with the weaker title evidence."""
    has_title = best_title[1] >= _TITLE_MIN_RATIO
    evidence = cues.evidence
    combined: dict[str, float] = {}
    for doc_id in set(probs) | {k for k, v in evidence.items() if v >= MIN_RATIO}:
        rule = evidence.get(doc_id, 0.0)
        rule = rule if rule >= MIN_RATIO else 0.0
        model_p = probs.get(doc_id, 0.0)
        combined[doc_id] = MODEL_WEIGHT * model_p + (1 - MODEL_WEIGHT) * rule if doc_id in probs else rule * 0.9
    # `OTHER` is the model's guess for a layout it does not know as much as for a stray paper: a (part of a)
    # catalogue title of an accepted type the rules see makes a stray paper unlikely.
    accepted_title = max((evidence.get(d, 0.0) for d in expected), default=0.0)
    if accepted_title >= MIN_RATIO and OTHER in combined:
        combined[OTHER] *= 1.0 - accepted_title
    best_id, confidence = max(combined.items(), key=lambda kv: (kv[1], kv[0] in expected))
    title = cues.title
    # How sure that the paper is none of the types this variant accepts: the model's mass outside them,
    # lowered by any accepted catalogue title the rules see.
    not_accepted = (1.0 - sum(probs.get(d, 0.0) for d in expected)) * \
        (1.0 - (accepted_title if accepted_title >= MIN_RATIO else 0.0))
    if best_id == OTHER or best_id not in expected:
        # A paper no checklist asks for (or one the title rules find but this procedure does not accept).
        doc_id = best_title[0] if has_title else (None if best_id == OTHER else best_id)
        return PageAssignment("unexpected", None, doc_id, round(min(1.0, max(not_accepted, 0.5)), 3), title, True)
    if confidence < REVIEW_THRESHOLD:
        if title and best_title[1] < MIN_RATIO:
            # A paper with a title of its own that neither the catalogue nor the model recognises.
            # Flagged as unexpected, uncertain (0.5), with the guess kept for the reviewer.
            return PageAssignment("unexpected", None, None, 0.5, title, True, expected[best_id])
        return PageAssignment("review", None, best_id, round(confidence, 3), title, True, expected[best_id])
    return PageAssignment("component", expected[best_id], best_id, round(min(1.0, confidence), 3), title, True)


def _starts_document(cues: _Cues, has_title: bool, probs: dict[str, float], p_first: float,
                     previous: PageAssignment | None) -> bool:
    if previous is None:
        return True
    if cues.certification_only:
        return False
    if cues.page_number is not None and cues.page_number[0] > 1 and not (has_title and cues.motto):
        return False
    if cues.page_number is not None and cues.page_number[0] == 1:
        return True
    if cues.motto or has_title:
        return True
    if p_first >= 0.5:
        return True
    # The content changed: the model is sure of another type and rules out the previous document's.
    top, top_p = max(probs.items(), key=lambda kv: kv[1])
    prev_p = probs.get(previous.document_type or "", 0.0)
    return previous.document_type is not None and top != previous.document_type and top_p >= 0.8 and prev_p < 0.05


def _continue(previous: PageAssignment, probs: dict[str, float], p_first: float) -> PageAssignment:
    role: Role = "unexpected" if previous.role == "unexpected" else ("review" if previous.role == "review" else "continuation")
    support = max(probs.get(previous.document_type or "", 0.0), 1.0 - p_first)
    confidence = round(min(previous.confidence * 0.98, previous.confidence * (0.8 + 0.2 * support)), 3)
    return PageAssignment(role, previous.position, previous.document_type, confidence, previous.title, False,
                          previous.candidate_position)


def _after_separator(position: int, variant: Variant, probs: dict[str, float], cues: _Cues,
                     previous: PageAssignment | None) -> PageAssignment:
    accepted = [d.id for d in variant.component(position).document_types]
    doc_id = max(accepted, key=lambda d: probs.get(d, 0.0) + cues.title_scores.get(d, 0.0))
    start = previous is None or previous.role == "separator"
    return PageAssignment("component" if start else "continuation", position, doc_id, 1.0, cues.title, start)


def _separator_title(mark: SeparatorMark) -> str:
    return f"separator {getattr(mark, 'procedure_code', '')} #{getattr(mark, 'position', '')}".strip()


def _title_line(text: str) -> str:
    """The first line that looks like a document title: mostly capitals, several words, not the motto."""
    for line in text.splitlines():
        stripped = line.strip()
        letters = [c for c in stripped if c.isalpha()]
        if len(stripped.split()) < 3 or len(letters) < 8:
            continue
        if sum(c.isupper() for c in letters) / len(letters) < 0.8:
            continue
        folded = fold_diacritics(stripped)
        if any(difflib.SequenceMatcher(None, motto, folded).ratio() > 0.8 for motto in _NATIONAL_MOTTO) or \
                any(t in folded.split() for t in ("cong", "hoa", "xa", "hoi", "chu", "nghia")) and "viet nam" in folded:
            continue
        return stripped
    return ""


def _unexpected_documents(assignments: tuple[PageAssignment, ...]) -> tuple[UnexpectedDocument, ...]:
    documents: list[UnexpectedDocument] = []
    current: list[int] = []
    title = ""
    for index, assignment in enumerate(assignments):
        if assignment.role == "blank":
            continue
        if assignment.role == "unexpected" and current and not assignment.document_start:
            current.append(index)
            continue
        if current:
            documents.append(UnexpectedDocument(pages=tuple(current), title=title))
            current = []
        if assignment.role == "unexpected":
            current, title = [index], assignment.title
    if current:
        documents.append(UnexpectedDocument(pages=tuple(current), title=title))
    return tuple(documents)
