"""Key fields of a document from its page texts: số ký hiệu, issue date, issuing body, enterprise code and
name, summary (tên loại + trích yếu). Layout per NĐ 30/2020 Điều 8; OCR-tolerant (diacritic-folded matching)."""

from __future__ import annotations

import re

from sohoa.models.report import ExtractedFields
from sohoa.ocr.text import fold_diacritics, normalize_vietnamese

_MOTTO_START = re.compile(r"C\S{1,2}NG\s*H\S{1,2}A\s*X\S{1,2}\s*H\S{1,2}I\b", re.IGNORECASE)
_SLOGAN_START = re.compile(r"[ĐÐD]\S{1,2}c\s*l\S{1,2}p\s*[-–]", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*S[ốôo0]\s*[:;]\s*(\w[\w/.\-]*)")
_DATE = re.compile(r"ng[àa]y\s+(\d{1,2})\s+th[áa]ng\s+(\d{1,2})\s+n[ăa]m\s+(\d{4})", re.IGNORECASE)
_CODE = re.compile(r"(?:m[ãa]\s*s[ốo]\s*(?:doanh\s*nghi[ệe]p|thu[ếe]|h[ộo]\s*kinh\s*doanh|h[ợo]p\s*t[áa]c\s*x[ãa])"
                   r"[^:\d]{0,20}[:;]?\s*)(\d[\d ]{8,12}\d)", re.IGNORECASE)
_NAME = re.compile(r"^(?:\d+\.\s*)?(?:T[êe]n\s+(?:th[ưu][ơo]ng\s+nh[âa]n|doanh\s+nghi[ệe]p|c[ôo]ng\s+ty|h[ợo]p\s+t[áa]c\s+x[ãa]"
                   r"|h[ộo]\s+kinh\s+doanh|c[ơo]\s+s[ởo])(?:\s+vi[ếe]t\s+b[ằa]ng\s+ti[ếe]ng\s+Vi[ệe]t)?|B[êe]n\s+[BA])\s*[:;]\s*(.+)$",
                   re.IGNORECASE)
_BODY_START = ("kinh gui", "can cu", "ten thuong nhan", "ben a", "hom nay", "chung toi", "1 ", "ma so", "xet ")


def extract_fields(texts: list[str], pages: tuple[int, ...] = (), position: int | None = None,
                   document_type: str | None = None) -> ExtractedFields:
    """Fields of one document whose page texts are `texts` (first page first)."""
    lines = [normalize_vietnamese(line).strip() for line in "\n".join(texts).splitlines()]
    lines = [line for line in lines if line]
    first = [normalize_vietnamese(line).strip() for line in (texts[0] if texts else "").splitlines() if line.strip()]
    return ExtractedFields(pages=pages, position=position, document_type=document_type, number=_number(first),
                           issue_date=_issue_date(first), issuer=_issuer(first), enterprise_code=_code(lines),
                           enterprise_name=_name(lines), summary=_summary(first))


def _number(lines: list[str]) -> str:
    for line in lines[:10]:
        match = _NUMBER.match(line)
        if match:
            return match.group(1).rstrip(".,;")
    return ""


def _issue_date(lines: list[str]) -> str:
    """The '<place>, ngày … tháng … năm …' line; else the latest date of the head (e.g. last registration change)."""
    found: list[tuple[bool, str]] = []
    for line in lines[:14]:
        for match in _DATE.finditer(line):
            day, month, year = (int(x) for x in match.groups())
            if 1 <= day <= 31 and 1 <= month <= 12:
                placed = line[:match.start()].rstrip().endswith(",")
                found.append((placed, f"{year:04d}-{month:02d}-{day:02d}"))
    placed = [d for p, d in found if p]
    if placed:
        return placed[0]
    return max((d for _, d in found), default="")


def _header(lines: list[str]) -> tuple[list[str], int]:
    """The left header column (issuing body) beside the Quốc hiệu/Tiêu ngữ/date, and where the header ends."""
    parts: list[str] = []
    index = 0
    seen_motto = False
    pure_allowed = False
    for index, line in enumerate(lines[:6]):
        cut = _MOTTO_START.search(line) or _SLOGAN_START.search(line)
        if cut:
            seen_motto = True
            left = line[:cut.start()].strip()
            if left and _capitals(left):
                parts.append(left)
            pure_allowed = bool(left)
            continue
        if not seen_motto:
            return [], 0
        if _DATE.search(line) and not _NUMBER.match(line):
            left = _leading_capitals(line)
            if left:
                parts.append(left)
            return parts, index + 1
        if pure_allowed and _capitals(line) and not _NUMBER.match(line) and len(line.split()) <= 6:
            parts.append(line)
            pure_allowed = False
            continue
        return parts, index
    return parts, index + 1


def _leading_capitals(line: str) -> str:
    words = []
    for word in line.split():
        letters = [c for c in word if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            break
        words.append(word)
    return " ".join(words)


def _issuer(lines: list[str]) -> str:
    parts, _ = _header(lines)
    # A header column wrapped mid-name ("CÔNG TY ... HỮU" / "HẠN ...") reads better joined by a space.
    if len(parts) > 1 and _wrapped(parts):
        return " ".join(parts)
    return " - ".join(parts)


def _wrapped(parts: list[str]) -> bool:
    return fold_diacritics(parts[0]).startswith(("cong ty", "hop tac xa", "ho kinh doanh"))


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _code(lines: list[str]) -> str:
    for line in lines:
        match = _CODE.search(line)
        if match:
            digits = match.group(1).replace(" ", "")
            if len(digits) == 10:
                return digits
    return ""


def _name(lines: list[str]) -> str:
    for index, line in enumerate(lines):
        match = _NAME.match(line)
        if match:
            name = match.group(1).strip().rstrip(".,;")
            # Capitalised names wrap onto the next line.
            if index + 1 < len(lines) and _capitals(lines[index + 1]) and len(lines[index + 1].split()) <= 10 \
                    and ":" not in lines[index + 1] and _capitals(name):
                name = f"{name} {lines[index + 1].strip().rstrip('.,;')}"
            return name
    return ""


def _summary(lines: list[str]) -> str:
    """Title lines (tên loại + trích yếu): capitals lines after the header, 'Số:' and date lines."""
    _, begin = _header(lines)
    out: list[str] = []
    for line in lines[begin:begin + 10]:
        folded = fold_diacritics(line)
        if not out and (_NUMBER.match(line) or _DATE.search(line) or _MOTTO_START.search(line) or _SLOGAN_START.search(line)):
            continue
        if _capitals(line) and len(line.split()) >= 2 and not folded.startswith(_BODY_START):
            out.append(line)
            continue
        if out and folded.startswith(("v v", "ve viec")):
            out.append(line)
        break
    return " ".join(out)
