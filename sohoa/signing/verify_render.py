"""Renderers of a :class:`VerificationReport`: JSON, a readable bilingual HTML page, plain text.

``render_json(report)`` is ``report.model_dump_json(indent=2)``. ``render_html(report)`` is a
self-contained page (inline CSS, no JavaScript, no external resources) with every message in
Vietnamese and English.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from sohoa.signing.settings import VIETNAM_TIME
from sohoa.signing.verify_model import INDICATION_LABELS, Message, SignatureReport, VerificationReport

_COLOURS = {"TOTAL_PASSED": "#1b7f3b", "TOTAL_FAILED": "#b3261e", "INDETERMINATE": "#a05a00"}

_CSS = """
body{font-family:"Liberation Serif","Times New Roman",serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
.badge{display:inline-block;padding:.2em .6em;border-radius:.3em;color:#fff;font-weight:bold}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .5em;
vertical-align:top;text-align:left}th{width:30%;background:#f6f6f6;font-weight:normal}
.en{color:#555;font-style:italic}.error{color:#b3261e}.warning{color:#a05a00}code{font-size:.9em;word-break:break-all}
"""


def render_json(report: VerificationReport) -> str:
    """The report as indented JSON (the API's response body)."""
    return report.model_dump_json(indent=2)


def _time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(VIETNAM_TIME).isoformat(timespec="seconds")


def _verdict(indication: str, sub: str | None) -> str:
    vi, en = INDICATION_LABELS[indication]
    return f"{vi} / {en} — {indication}" + (f" / {sub}" if sub else "")


def _badge(indication: str, sub: str | None) -> str:
    return f'<span class="badge" style="background:{_COLOURS[indication]}">{escape(_verdict(indication, sub))}</span>'


def _row(vi: str, en: str, value: str, raw: bool = False) -> str:
    return (f'<tr><th>{escape(vi)}<br><span class="en">{escape(en)}</span></th>'
            f"<td>{value if raw else escape(value)}</td></tr>")


def _messages(messages: tuple[Message, ...]) -> str:
    if not messages:
        return ""
    items = "".join(
        f'<li class="{m.severity}"><b>{escape(m.code)}</b>: {escape(m.vi)}<br>'
        f'<span class="en">{escape(m.en)}</span></li>' for m in messages)
    return f"<ul>{items}</ul>"


def _yes_no(value: bool | None) -> str:
    return {True: "Có / Yes", False: "Không / No", None: "Không rõ / Unknown"}[value]


def _signature(sig: SignatureReport, number: int) -> str:
    kind = ("Chữ ký số / Signature" if sig.kind == "signature"
            else "Dấu thời gian tài liệu / Document timestamp")
    rows = [
        _row("Kết luận", "Indication", _badge(sig.indication, sig.sub_indication), raw=True),
        _row("Người ký", "Signer", sig.signer.subject if sig.signer else "—"),
        _row("Chuỗi chứng thư", "Certificate chain",
             "<br>".join(escape(c.subject) for c in sig.chain) or "—", raw=True),
        _row("Chứng thư gốc tin cậy", "Trust anchor", sig.trust_anchor or "—"),
        _row("Tin cậy", "Trusted", _yes_no(sig.trusted)),
        _row("Tình trạng thu hồi", "Revocation status", sig.revocation.status
             + (f" ({_time(sig.revocation.revoked_at)}, {sig.revocation.reason})" if sig.revocation.revoked_at else "")
             + (" — nhúng trong tệp / embedded" if sig.revocation.embedded else "")),
        _row("Thời điểm ký (tự khai)", "Claimed signing time", _time(sig.claimed_signing_time)),
        _row("Dấu thời gian", "Timestamp",
             f"{_time(sig.timestamp.time)} — {sig.timestamp.tsa or '?'} — "
             f"{'tin cậy / trusted' if sig.timestamp.trusted else 'không tin cậy / untrusted'}"
             if sig.timestamp else "—"),
        _row("Thời điểm ký tốt nhất", "Best signature time", _time(sig.best_signature_time)),
        _row("Mức PAdES", "PAdES level", sig.pades_level or "—"),
        _row("Toàn vẹn / chữ ký đúng", "Intact / signature value valid",
             f"{_yes_no(sig.intact)} / {_yes_no(sig.crypto_valid)}"),
        _row("Bao phủ toàn bộ tệp", "Covers the whole file", f"{_yes_no(sig.covers_whole_file)} ({sig.coverage or '—'})"),
        _row("Sửa đổi sau khi ký", "Modifications after signing",
             f"{sig.revisions_after} — {sig.modification_level or '—'} — được phép / permitted: "
             f"{_yes_no(sig.modifications_permitted)}"),
        _row("Quyền DocMDP", "DocMDP permission", sig.docmdp_permission or "—"),
        _row("Lý do / Nơi ký", "Reason / Location", f"{sig.reason or '—'} / {sig.location or '—'}"),
        _row("Thuật toán", "Algorithms", f"{sig.digest_algorithm or '—'}, {sig.signature_mechanism or '—'}"),
    ]
    if sig.signer:
        rows.append(_row("Vân tay SHA-256 chứng thư", "Certificate SHA-256",
                         f"<code>{escape(sig.signer.sha256_fingerprint)}</code>", raw=True))
    return (f"<h2>{number}. {kind}: {escape(sig.field_name)}</h2><table>{''.join(rows)}</table>"
            + _messages(sig.messages))


def render_html(report: VerificationReport) -> str:
    """A self-contained HTML page (UTF-8, no JavaScript) for auditors."""
    archive = "không kiểm tra / not checked"
    if report.archive_checked:
        archive = (f"Trùng khớp / Matches: hồ sơ / dossier {report.archive_match.dossier_code}, "
                   f"{report.archive_match.kind}, {report.archive_match.key}" if report.archive_match
                   else "Không có trong kho lưu trữ / Not in the archive")
    pdfa = "—" if report.pdfa is None else ("Đạt / Pass" if report.pdfa.passed else "Không đạt / Fail")
    head = [
        _row("Kết luận", "Conclusion", _badge(report.indication, report.sub_indication), raw=True),
        _row("Tệp", "File", report.file_name or "—"),
        _row("Kích thước", "Size", f"{report.file_size} bytes"),
        _row("SHA-256", "SHA-256", f"<code>{report.sha256}</code>", raw=True),
        _row("Thời điểm kiểm tra", "Verified at", _time(report.verified_at)),
        _row("Số chữ ký", "Signatures", str(len(report.signatures))),
        _row("PDF/A-2b", "PDF/A-2b", pdfa),
        _row("Đối chiếu kho lưu trữ", "Archive match", archive),
        _row("Chứng thư gốc tin cậy", "Trust anchors", "<br>".join(map(escape, report.trust_anchors)) or "—", raw=True),
    ]
    body = "".join(_signature(sig, i) for i, sig in enumerate(report.signatures, start=1))
    pdfa_detail = (f"<h2>PDF/A</h2><pre>{escape(report.pdfa.summary)}</pre>" if report.pdfa else "")
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Báo cáo kiểm tra chữ ký số / Signature verification report</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>Báo cáo kiểm tra chữ ký số<br><span class=\"en\">Signature verification report</span></h1>"
        f"<table>{''.join(head)}</table>{_messages(report.messages)}{body}{pdfa_detail}"
        "</body></html>\n"
    )


def render_text(report: VerificationReport) -> str:
    """A short plain-text summary for terminals."""
    lines = [f"{report.file_name or 'file'}: {report.indication}"
             + (f" / {report.sub_indication}" if report.sub_indication else "")
             + f"  sha256 {report.sha256}"]
    for sig in report.signatures:
        lines.append(f"  {sig.kind} {sig.field_name}: {sig.indication}"
                     + (f" / {sig.sub_indication}" if sig.sub_indication else "")
                     + f"  [{sig.pades_level or '-'}] {sig.signer.subject if sig.signer else '?'}")
        lines += [f"    - {m.code}: {m.en}" for m in sig.messages]
    lines += [f"  - {m.code}: {m.en}" for m in report.messages]
    if report.pdfa is not None:
        lines.append(f"  PDF/A-2b: {'pass' if report.pdfa.passed else 'FAIL'}")
    return "\n".join(lines)


def render_pdf(report: VerificationReport, font_path=None) -> bytes:
    """The report as a PDF (reportlab), same content as the HTML page, bilingual.

    ``font_path``: a TrueType font covering Vietnamese; default as for the copy mark
    (Liberation Serif 2, Tinos, DejaVu Serif).
    """
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    parts = _PdfParts(font_path)
    story = [Paragraph("Báo cáo kiểm tra chữ ký số / Signature verification report", parts.title)]
    story += _pdf_summary(report, parts)
    for number, sig in enumerate(report.signatures, start=1):
        story += _pdf_signature(sig, number, parts)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Signature verification report",
                      leftMargin=18 * mm, rightMargin=18 * mm).build(story)
    return buffer.getvalue()


class _PdfParts:
    """Paragraph styles, paragraphs and tables of the PDF report, in a font covering Vietnamese."""

    def __init__(self, font_path) -> None:
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        from sohoa.signing.settings import resolve_font_path

        path = resolve_font_path(font_path)
        name = f"SohoaReport-{path.stem}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        self.body = ParagraphStyle("body", fontName=name, fontSize=9, leading=11)
        self.title = ParagraphStyle("title", fontName=name, fontSize=14, leading=18, spaceAfter=6)
        self.heading = ParagraphStyle("heading", fontName=name, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)

    def para(self, text: str):
        """A body paragraph of plain ``text`` (escaped; newlines kept)."""
        from reportlab.platypus import Paragraph

        return Paragraph(escape(text).replace("\n", "<br/>"), self.body)

    def table(self, rows: list[tuple[str, str]]):
        """A two-column label/value table with a thin grid."""
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Table, TableStyle

        result = Table([[self.para(k), self.para(v)] for k, v in rows], colWidths=[55 * mm, 115 * mm])
        result.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                    ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return result


def _pdf_summary(report: VerificationReport, parts: _PdfParts) -> list:
    """The file-level part of the PDF report: conclusion, file, PDF/A, archive match, messages."""
    archive = "không kiểm tra / not checked"
    if report.archive_checked:
        archive = (f"hồ sơ / dossier {report.archive_match.dossier_code}, {report.archive_match.kind}"
                   if report.archive_match else "không có / not in the archive")
    story = [parts.table([
        ("Kết luận / Conclusion", _verdict(report.indication, report.sub_indication)),
        ("Tệp / File", report.file_name or "—"), ("SHA-256", report.sha256),
        ("Thời điểm kiểm tra / Verified at", _time(report.verified_at)),
        ("PDF/A-2b", "—" if report.pdfa is None else ("Đạt / Pass" if report.pdfa.passed else "Không đạt / Fail")),
        ("Kho lưu trữ / Archive", archive),
    ])]
    return story + [parts.para(f"{m.code}: {m.vi} / {m.en}") for m in report.messages]


def _pdf_signature(sig: SignatureReport, number: int, parts: _PdfParts) -> list:
    """The PDF report's section on one signature: heading, details table, messages, spacing."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    story = [Paragraph(f"{number}. {escape(sig.field_name)} ({sig.kind})", parts.heading), parts.table([
        ("Kết luận / Indication", _verdict(sig.indication, sig.sub_indication)),
        ("Người ký / Signer", sig.signer.subject if sig.signer else "—"),
        ("Chuỗi / Chain", "\n".join(c.subject for c in sig.chain) or "—"),
        ("Thu hồi / Revocation", sig.revocation.status),
        ("Dấu thời gian / Timestamp", _time(sig.timestamp.time) if sig.timestamp else "—"),
        ("Thời điểm ký tốt nhất / Best signature time", _time(sig.best_signature_time)),
        ("Mức PAdES / Level", sig.pades_level or "—"),
        ("Bao phủ toàn tệp / Whole file", _yes_no(sig.covers_whole_file)),
        ("Sửa đổi sau ký / Later changes", f"{sig.revisions_after}, {sig.modification_level or '—'}"),
    ])]
    story += [parts.para(f"{m.code}: {m.vi} / {m.en}") for m in sig.messages]
    return story + [Spacer(1, 4 * mm)]
