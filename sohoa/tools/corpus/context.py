"""Shared state of one synthetic dossier and helpers common to all document builders."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sohoa.catalog import Component, DocumentType, Procedure
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.vi_data import Business, Person, Province, VietnameseFaker, initials, long_date

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class DossierContext:
    """Applicant, counterparts, place and dates shared by the papers of one dossier."""

    rng: random.Random
    fake: VietnameseFaker
    procedure: Procedure
    province: Province
    submitted: dt.date
    applicant: Business
    _others: dict[str, Business] = field(default_factory=dict)
    _serial: int = 0

    @classmethod
    def create(cls, rng: random.Random, procedure: Procedure, applicant_kind: str) -> DossierContext:
        fake = VietnameseFaker(rng)
        province = fake.province()
        submitted = fake.date_between(dt.date(2025, 8, 4), dt.date(2026, 3, 27))
        applicant = fake.business(applicant_kind, province, submitted)
        return cls(rng, fake, procedure, province, submitted, applicant)

    def other(self, role: str) -> Business:
        """A counterpart business (supplier, retailer, landlord company...), stable per role."""
        if role not in self._others:
            self._others[role] = self.fake.business("dn", self.fake.province(), self.submitted)
        return self._others[role]

    def person(self) -> Person:
        return self.fake.person(self.province)

    def before(self, low_days: int, high_days: int) -> dt.date:
        """A date between ``high_days`` and ``low_days`` before submission."""
        return self.submitted - dt.timedelta(days=self.rng.randint(low_days, high_days))

    def serial(self) -> int:
        self._serial += self.rng.randint(1, 40)
        return self._serial + self.rng.randint(5, 300)

    @property
    def province_upper(self) -> str:
        """'THÀNH PHỐ HÀ NỘI' / 'TỈNH THANH HÓA'."""
        return self.province.name.upper()

    @property
    def department(self) -> str:
        """'Sở Công Thương thành phố Hà Nội'."""
        return f"Sở Công Thương {self.province.name}"


# --- text helpers ---------------------------------------------------------------------------------


def split_lines(text: str, max_chars: int) -> list[str]:
    """Split text into balanced lines of at most about ``max_chars`` characters, at word boundaries."""
    words = text.split()
    if len(text) <= max_chars:
        return [text]
    count = -(-len(text) // max_chars)
    target = len(text) / count
    lines: list[str] = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > target + 4 and len(lines) < count + 1:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def symbol(business: Business, kind: str, on: dt.date, number: int) -> str:
    """Số, ký hiệu of a business document, e.g. '15/2026/CV-HL'."""
    return f"{number:02d}/{on.year}/{kind}-{initials(business.short_name.split(' ', 2)[-1])}"


# --- standard blocks ---------------------------------------------------------------------------------


def national_lines(date_text: str | None) -> tuple[b.Line, ...]:
    lines = (b.Line(QUOC_HIEU, bold=True, size=12.5), b.Line(TIEU_NGU, bold=True, size=13.5, underline=1.0))
    if date_text:
        lines += (b.Line(date_text, italic=True, size=13),)
    return lines


def official_header(body: list[str], number: str, date_text: str, summary: str = "") -> b.Header:
    """NĐ 30/2020 header: issuing body and 'Số:' left, Quốc hiệu, Tiêu ngữ and date right."""
    left = [b.Line(text, size=12.5) for text in body[:-1]]
    left.append(b.Line(body[-1], bold=True, size=12.5, underline=0.4))
    left.append(b.Line(f"Số: {number}", size=13))
    for text in split_lines(summary, 34) if summary else []:
        left.append(b.Line(text, size=11.5))
    return b.Header(tuple(left), national_lines(date_text))


def business_header(business: Business, number: str, date_text: str, summary: str = "") -> b.Header:
    return official_header(split_lines(business.name, 30), number, date_text, summary)


def centred_national(date_text: str | None = None) -> b.Lines:
    """Quốc hiệu and Tiêu ngữ centred (forms of individuals, contracts), date line at the right."""
    lines = national_lines(None)
    if date_text:
        lines += (b.Line(date_text, italic=True, size=13, align="right"),)
    return b.Lines(lines, space_after_mm=5)


def title(text: str, subtitle: str = "", max_chars: int = 44) -> b.Lines:
    lines = [b.Line(t, bold=True, size=14) for t in split_lines(text, max_chars)]
    lines += [b.Line(t, bold=True, size=13.5) for t in split_lines(subtitle, 60)] if subtitle else []
    return b.Lines(tuple(lines), space_after_mm=4)


def kinh_gui(recipient: str) -> b.Para:
    return b.para(("Kính gửi: ", "b"), recipient, align="center", indent_mm=0, space_after_mm=3)


def field_para(label: str, value: str, **options) -> b.Para:
    return b.para(f"{label}: ", (value, "b") if options.pop("bold_value", False) else value,
                  indent_mm=options.pop("indent_mm", 10), **options)


def company_seal(business: Business) -> b.Seal:
    return b.Seal(business.name, (f"M.S.D.N: {business.tax_code}",) if business.kind == "dn" else ("*",),
                  diameter_mm=34.0 if business.kind != "hkd" else 30.0)


def state_seal(ring_text: str) -> b.Seal:
    return b.Seal(ring_text, (), diameter_mm=36.0, state=True)


def business_signer(business: Business, heading: str | None = None,
                    note: str = "(Ký, ghi rõ họ tên và đóng dấu)") -> b.Signer:
    """Signature block of a business: its position (or ``heading``), seal unless a household business."""
    seal = company_seal(business) if business.kind != "hkd" else None
    if business.kind == "hkd":
        note, heading = "(Ký, ghi rõ họ tên)", "CHỦ HỘ KINH DOANH"
    lines = split_lines(heading or business.rep_position.upper(), 30)
    return b.Signer(tuple(b.Line(text, bold=True) for text in lines), business.representative.name, note, seal)


def official_signer(position: list[str], name: str, seal_text: str) -> b.Signer:
    return b.Signer(tuple(b.Line(p, bold=True) for p in position), name, "", state_seal(seal_text))


def certification(ctx: DossierContext) -> b.CopyCertification:
    """Chứng thực bản sao đúng với bản chính by a ward People's Committee."""
    ward = ctx.applicant.address.ward_new
    on = ctx.before(1, 12)
    lines = ("CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
             f"Số chứng thực: {ctx.rng.randint(100, 9999)}, quyển số: {ctx.rng.randint(1, 12):02d}/{on.year}-SCT/BS",
             long_date(on).capitalize())
    signer = b.Signer((b.Line("TM. ỦY BAN NHÂN DÂN", bold=True, size=11), b.Line("PHÓ CHỦ TỊCH", bold=True, size=11)),
                      ctx.person().name, "", state_seal(f"ỦY BAN NHÂN DÂN {ward.upper()} - {ctx.province.place.upper()}"))
    return b.CopyCertification(lines, signer)


def doc_title(doc_type: DocumentType) -> str:
    return doc_type.title_phrases[0]


def make_spec(doc_type: DocumentType, component: Component | None, blocks: list[b.Block], *, number: str = "",
              issued: dt.date | None = None, issuer: str = "", signer: str = "", ctx: DossierContext | None = None,
              printed_title: str | None = None, **facts: str) -> b.DocumentSpec:
    """A DocumentSpec; a component that asks only for copies (bản sao) gets a certified photocopy."""
    photocopy = component is not None and component.originals == 0 and component.copies > 0
    if photocopy and ctx is not None:
        blocks = [*blocks, certification(ctx)]
    return b.DocumentSpec(doc_type.id, printed_title or doc_title(doc_type), tuple(blocks), photocopy, number,
                          issued.isoformat() if issued else "", issuer, signer, dict(facts))
