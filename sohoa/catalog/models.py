"""Pydantic schema of the procedure catalogue (thủ tục hành chính and their checklists).

The YAML files in ``sohoa/catalog/data`` are validated against these models at load
time; see ``docs/catalog.md`` for the file format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StrictInt, field_validator, model_validator

from sohoa.models.base import FrozenModel

from sohoa.catalog.errors import UnknownProcedure, UnknownVariant

NATIONAL_CODE = r"^\d\.\d{6}$"
"""National mã TTHC, e.g. ``2.000620`` (provincial suffixes are stripped on look-up)."""
LOCAL_CODE = r"^SCT\.[A-Z0-9]+(?:-[A-Z0-9]+)*$"
"""Local code for procedures without a known national code, e.g. ``SCT.RUOU-SX``."""
CODE_PATTERN = rf"{NATIONAL_CODE}|{LOCAL_CODE}"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _nfc(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_nfc)]
"""Non-empty Vietnamese text, normalised to Unicode NFC and stripped."""


class DocumentType(FrozenModel):
    """A kind of paper that may appear in a dossier (one alternative of a component)."""

    id: str = Field(pattern=SLUG_PATTERN, description="Stable slug, unique in the catalogue, e.g. `giay-chung-nhan-dkdn`.")
    name: Text = Field(description="Vietnamese name of the document type in sentence case.")
    title_phrases: tuple[Text, ...] = Field(
        min_length=1,
        description="Title phrases as printed on the document (usually bold capitals, with diacritics); "
        "the first one is the canonical title.",
    )
    keywords: tuple[Text, ...] = Field(
        default=(), description="Distinctive lower-case words or phrases found in the body of such documents."
    )


class Component(FrozenModel):
    """One item (thành phần hồ sơ) of a procedure variant's checklist."""

    position: StrictInt = Field(ge=1, description="1-based position in the order of the official text.")
    name: Text = Field(description="Component name as the official text words it.")
    required: StrictBool = Field(description="False for conditional components ('nếu có').")
    originals: StrictInt = Field(ge=0, description="Number of originals (bản chính) asked for.")
    copies: StrictInt = Field(ge=0, description="Number of copies (bản sao) asked for.")
    original_or_copy: StrictBool = Field(
        default=False,
        description="True when the text says 'BC 1 / BS 1': an original or a copy is accepted, not both.",
    )
    document_types: tuple[DocumentType, ...] = Field(
        min_length=1, description="Accepted document types; several mean alternatives ('A hoặc B')."
    )
    verified: StrictBool | None = Field(
        default=None,
        description="Whether this component was read in a public source ([V]); None = as the procedure's "
        "`verified.components`.",
    )
    note: str = Field(default="", description="Free remarks, e.g. when the component bundles several papers.")

    @model_validator(mode="after")
    def _check_counts(self) -> Component:
        if self.originals + self.copies == 0:
            raise ValueError("originals + copies must be at least 1")
        ids = [d.id for d in self.document_types]
        if len(set(ids)) != len(ids):
            raise ValueError(f"document_types repeat an id: {ids}")
        return self


class Variant(FrozenModel):
    """A case (trường hợp) of a procedure with its own ordered checklist."""

    id: str = Field(pattern=SLUG_PATTERN, description="Slug such as `new`, `amend`, `reissue`.")
    name: Text = Field(description="Vietnamese name of the case.")
    components: tuple[Component, ...] = Field(min_length=1, description="Checklist in official order.")

    @field_validator("components")
    @classmethod
    def _check_positions(cls, components: tuple[Component, ...]) -> tuple[Component, ...]:
        positions = [c.position for c in components]
        if positions != list(range(1, len(positions) + 1)):
            raise ValueError(f"component positions must be 1..{len(positions)} in order, got {positions}")
        return components

    def component(self, position: int) -> Component:
        """The component at a 1-based position (IndexError when out of range)."""
        if not 1 <= position <= len(self.components):
            raise IndexError(f"variant {self.id!r} has no component {position} (1..{len(self.components)})")
        return self.components[position - 1]


class Fee(FrozenModel):
    """A fee or charge (phí, lệ phí) and the case it applies to."""

    amount_vnd: StrictInt = Field(ge=0, description="Amount in Vietnamese đồng.")
    condition: Text = Field(description="When this amount applies, in Vietnamese.")


class Verification(FrozenModel):
    """Which facts were read in a public source ([V], True) vs commonly stated ([R], False)."""

    name: StrictBool = Field(description="Procedure name and code.")
    processing_days: StrictBool = Field(description="Processing time.")
    fees: StrictBool = Field(description="Fees; an empty fee list with False means 'not recorded'.")
    components: StrictBool = Field(description="Checklist items, counts of originals/copies.")
    legal_basis: StrictBool = Field(description="Legal documents listed.")
    effective_date: StrictBool = Field(description="Effective date of the checklist.")
    note: str = Field(default="", description="Details, e.g. which items are [V].")


class Procedure(FrozenModel):
    """An administrative procedure (thủ tục hành chính) of the Department of Industry and Trade."""

    code: str = Field(pattern=CODE_PATTERN, description="National mã TTHC (`2.000620`) or local `SCT.*` code.")
    name: Text = Field(description="Official Vietnamese name.")
    field: Text = Field(description="Lĩnh vực, e.g. 'Lưu thông hàng hóa trong nước'.")
    authority: Text = Field(description="Deciding authority (cơ quan giải quyết).")
    processing_days: StrictInt = Field(ge=1, description="Working days; for a range the upper bound.")
    processing_days_note: str = Field(default="", description="E.g. the range the text gives.")
    fees: tuple[Fee, ...] = Field(default=(), description="Fees by case; empty when none or not recorded.")
    legal_basis: tuple[Text, ...] = Field(min_length=1, description="Legal documents the checklist rests on.")
    effective_date: dt.date = Field(description="Date from which this checklist applies.")
    source: Text = Field(description="Where the facts were read: URL(s) of the stored record, or the legal document and "
                                     "article, and what was assumed.")
    checked_on: dt.date | None = Field(
        default=None, description="Day a person last read the record against `source`; None = not recorded.")
    verified: Verification = Field(description="[V]/[R] flags per fact.")
    variants: tuple[Variant, ...] = Field(min_length=1, description="Cases; the first is the default.")
    retention_years: StrictInt | None = Field(
        default=None, ge=1, le=200,
        description="Years the dossier's originals and results stay write-once (S3 Object Lock, COMPLIANCE); "
                    "None = sohoa.archive.DEFAULT_RETENTION_YEARS (20). Take it from the agency's list of "
                    "retention periods (danh mục thời hạn bảo quản); 'vĩnh viễn' → 200.",
    )

    @field_validator("variants")
    @classmethod
    def _check_variants(cls, variants: tuple[Variant, ...]) -> tuple[Variant, ...]:
        ids = [v.id for v in variants]
        if len(set(ids)) != len(ids):
            raise ValueError(f"variant ids repeat: {ids}")
        return variants

    def variant(self, variant_id: str | None = None) -> Variant:
        """The variant with this id, or the default (first) one for None."""
        if variant_id is None:
            return self.variants[0]
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise UnknownVariant(self.code, variant_id, [v.id for v in self.variants])

    @property
    def fully_verified(self) -> bool:
        """True when a source read states the national code, the name, the processing days and the components."""
        return self.is_national_code and self.verified.name and self.verified.processing_days and self.verified.components

    @property
    def is_national_code(self) -> bool:
        """True when ``code`` is a national mã TTHC rather than a local ``SCT.*`` code."""
        return not self.code.startswith("SCT.")


class Catalog(FrozenModel):
    """All procedures, loaded from a data directory by :func:`sohoa.catalog.load_catalog`."""

    procedures: tuple[Procedure, ...] = Field(description="Procedures sorted by code, then effective date (a code "
                                                          "appears once per checklist version).")

    def get(self, code: str, on: dt.date | None = None) -> Procedure:
        """The procedure with this code (a provincial suffix, `2.000648.000.00.00.H50`, is ignored): the checklist
        version in force `on` that day (the newest whose effective date is not later), the newest without `on`.
        A dossier received before the first version's effective date is checked against that first version."""
        wanted = code.strip()
        for candidate in (wanted, wanted[:8]):
            versions = sorted((p for p in self.procedures if p.code == candidate), key=lambda p: p.effective_date)
            if versions:
                in_force = [p for p in versions if on is None or p.effective_date <= on]
                return in_force[-1] if in_force else versions[0]
        raise UnknownProcedure(code, self.suggest(code))

    def versions(self, code: str) -> tuple[Procedure, ...]:
        """Every checklist version of procedure `code`, oldest first."""
        newest = self.get(code)
        return tuple(sorted((p for p in self.procedures if p.code == newest.code), key=lambda p: p.effective_date))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Codes of the procedures whose code or name is closest to ``text``."""
        key = unicodedata.normalize("NFC", text).casefold().strip()

        def score(p: Procedure) -> float:
            code = p.code.casefold()
            by_code = difflib.SequenceMatcher(None, key, code).ratio() + (0.5 if code.startswith(key) else 0.0)
            by_name = difflib.SequenceMatcher(None, key, p.name.casefold()).ratio()
            return max(by_code, by_name)

        ranked = sorted({p.code: p for p in self.procedures}.values(), key=score, reverse=True)
        return [p.code for p in ranked[:limit]]

    def codes(self) -> tuple[str, ...]:
        """All procedure codes (once each, whatever the number of versions)."""
        return tuple(dict.fromkeys(p.code for p in self.procedures))

    def document_types(self) -> dict[str, DocumentType]:
        """Every document type used by any component, by id."""
        found: dict[str, DocumentType] = {}
        for procedure in self.procedures:
            for variant in procedure.variants:
                for component in variant.components:
                    for doc_type in component.document_types:
                        found.setdefault(doc_type.id, doc_type)
        return found
