"""Printed forms of the front desk: separator sheets (with QR codes the pipeline detects), the receipt
(Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả) and the request to supplement (Mẫu 02, Phiếu yêu cầu
bổ sung, hoàn thiện hồ sơ), all PDF with a QR code (ISO/IEC 18004) top-left (Thông tư 01/2023/TT-VPCP).
"""

from sohoa.forms.detect import detect_separator
from sohoa.forms.qr import FormMark, SeparatorMark, decode_payload
from sohoa.forms.receipt import Applicant, DeskInfo, receipt_pdf, supplement_pdf
from sohoa.forms.separators import separator_sheets_pdf
from sohoa.forms.workdays import FIXED_HOLIDAYS, add_working_days

__all__ = [
    "FIXED_HOLIDAYS",
    "Applicant",
    "DeskInfo",
    "FormMark",
    "SeparatorMark",
    "add_working_days",
    "decode_payload",
    "detect_separator",
    "receipt_pdf",
    "separator_sheets_pdf",
    "supplement_pdf",
]
