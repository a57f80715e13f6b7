"""Validity checks and normal forms of the key fields: the enterprise code (mã số doanh nghiệp / mã số thuế) and its
check digit, calendar dates, the số ký hiệu of an administrative document, names of enterprises.

The MST rule (docs/classification.md, 'Key fields'): 10 digits N1…N10, or 13 with a branch suffix (…-001 to
…-999); N1N2 a province code (not 00), N3…N9 a sequence (not 0000000), N10 the check digit: with the weights
31, 29, 23, 19, 17, 13, 7, 5, 3 on N1…N9, N10 = 10 − (Σ mod 11); a remainder of 0 gives no digit, so no valid code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sohoa.ocr.text import fold_diacritics, normalize_vietnamese

CheckState = Literal["valid", "invalid", "unchecked", "missing"]
"""valid: the value passes its field's check; invalid: it fails it; unchecked: the field has no check
(or the check cannot tell); missing: no value."""

MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
"""Weights of the first nine digits of an enterprise code."""

_NUMBER = re.compile(r"\d{1,6}(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]*(?:[-–][A-ZĐ0-9]+)*")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_WORDED_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_LEGAL_FORMS = ("cong ty", "doanh nghiep tu nhan", "hop tac xa", "lien hiep hop tac xa", "ho kinh doanh", "chi nhanh",
                "van phong dai dien", "to hop tac")
FIRST_YEAR, LAST_YEAR = 1945, 2100
"""Issue dates outside these years are not taken for real ones."""


@dataclass(frozen=True)
class Checked:
    """A field value with its normal form and what its check found."""

    normalized: str
    """The value in its normal form (ISO date, digits of a code, upper-case số ký hiệu, single spaces)."""
    state: CheckState
    """What the check found."""
    note: str
    """Why, in a few words (shown beside the field)."""


def mst_check_digit(first_nine: str) -> int | None:
    """The check digit of the nine digits `first_nine`; None when the remainder is 0 (no code ends so)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, MST_WEIGHTS, strict=True))
    check = 10 - total % 11
    return check if check <= 9 else None


def check_enterprise_code(value: str) -> Checked:
    """A 10-digit code, or 13 digits with a branch suffix, its parts and its check digit."""
    compact = re.sub(r"[\s.]", "", value)
    match = re.fullmatch(r"(\d{10})(?:-?(\d{3}))?", compact)
    if not compact:
        return Checked("", "missing", "")
    if match is None:
        return Checked(compact, "invalid", "not 10 digits (or 13 with a branch suffix -XXX)")
    head, branch = match.groups()
    normalized = f"{head}-{branch}" if branch else head
    if head[:2] == "00" or head[2:9] == "0000000":
        return Checked(normalized, "invalid", "province code 00 or sequence 0000000")
    if branch == "000":
        return Checked(normalized, "invalid", "branch suffix 000")
    expected = mst_check_digit(head[:9])
    if expected is None or int(head[9]) != expected:
        want = "none possible" if expected is None else str(expected)
        return Checked(normalized, "invalid", f"check digit {head[9]}, expected {want}")
    return Checked(normalized, "valid", "check digit correct" + (f", branch {branch}" if branch else ""))


def parse_date(value: str) -> date | None:
    """The calendar date written as ISO, dd/mm/yyyy (also with . or -) or 'ngày … tháng … năm …'; None when there
    is none or it does not exist (31/02)."""
    folded = fold_diacritics(value)
    match = _ISO.fullmatch(value.strip()) or _NUMERIC_DATE.fullmatch(value.strip()) or _WORDED_DATE.search(folded)
    if match is None:
        return None
    first, second, third = (int(part) for part in match.groups())
    year, month, day = (first, second, third) if match.re is _ISO else (third, second, first)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_date(value: str) -> Checked:
    """A real calendar date, in plausible years."""
    if not value.strip():
        return Checked("", "missing", "")
    parsed = parse_date(value)
    if parsed is None:
        return Checked(value.strip(), "invalid", "not a calendar date (dd/mm/yyyy or ngày … tháng … năm …)")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return Checked(parsed.isoformat(), "invalid", f"year {parsed.year} out of {FIRST_YEAR}-{LAST_YEAR}")
    return Checked(parsed.isoformat(), "valid", "calendar date")


def check_number(value: str) -> Checked:
    """Số ký hiệu per NĐ 30/2020: number, optional year, abbreviation of the type and of the body
    (123/2024/QĐ-UBND, 45/GP-SCT)."""
    normalized = re.sub(r"\s+", "", normalize_vietnamese(value)).upper().replace("–", "-")
    if not normalized:
        return Checked("", "missing", "")
    if _NUMBER.fullmatch(normalized):
        return Checked(normalized, "valid", "số/năm/ký hiệu format")
    return Checked(normalized, "invalid", "not number[/year]/SYMBOL-BODY (e.g. 123/2024/QĐ-UBND)")


def check_name(value: str) -> Checked:
    """An enterprise name starts with its legal form (Công ty …, Hợp tác xã …, Hộ kinh doanh …)."""
    normalized = " ".join(normalize_vietnamese(value).split())
    if not normalized:
        return Checked("", "missing", "")
    if fold_diacritics(normalized).startswith(_LEGAL_FORMS):
        return Checked(normalized, "valid", "starts with a legal form")
    return Checked(normalized, "unchecked", "no legal form at the start (a person's name?)")


def check_text(value: str) -> Checked:
    """Fields without a check (issuing body): single spaces."""
    normalized = " ".join(normalize_vietnamese(value).split())
    return Checked(normalized, "unchecked" if normalized else "missing", "")


CHECKS = {"number": check_number, "issue_date": check_date, "issuer": check_text,
          "enterprise_code": check_enterprise_code, "enterprise_name": check_name}
"""The check of each key field, by field name."""


def check_field(name: str, value: str) -> Checked:
    """The check of field `name` applied to `value`."""
    return CHECKS[name](value)
