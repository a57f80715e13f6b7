"""Printed forms of the front desk, all PDF with a QR code (ISO/IEC 18004) top-left (Thông tư 01/2023/TT-VPCP):
separator sheets (whose codes page preparation detects, `sohoa.ocr.separators`), the receipt (Mẫu 01, Giấy
tiếp nhận hồ sơ và hẹn trả kết quả) and the request to supplement (Mẫu 02, Phiếu yêu cầu bổ sung, hoàn
thiện hồ sơ)."""
