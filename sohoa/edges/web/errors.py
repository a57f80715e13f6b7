"""Errors on the pages: what went wrong and what to do, in Vietnamese; never a stack trace nor a JSON body.

The app's own handlers keep answering JSON to API clients; a request for a page (`is_page`) gets a page.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sohoa.archive import IntegrityError, ObjectMissing, StorageError
from sohoa.edges.web.common import render
from sohoa.errors import SohoaError

log = logging.getLogger(__name__)

PAGE_PREFIXES = ("/dang-nhap", "/dang-xuat", "/mot-cua", "/chuyen-vien", "/kiem-tra", "/giam-sat", "/tra-cuu", "/web-static")
"""Paths of the pages (and "/" itself)."""

ADVICE = {
    400: ("Yêu cầu không hợp lệ.", "Quay lại trang trước và thử lại."),
    401: ("Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn.", "Đăng nhập lại bằng tên người dùng và mã truy cập."),
    403: ("Tài khoản của bạn không có quyền thực hiện việc này.",
          "Nếu cần quyền này, đề nghị quản trị viên cấp cho tài khoản vai trò phù hợp."),
    404: ("Không tìm thấy hồ sơ hoặc trang được yêu cầu.", "Kiểm tra lại mã hồ sơ (và mã kiểm tra) rồi thử lại."),
    409: ("Hồ sơ chưa sẵn sàng hoặc đang ở trạng thái không cho phép thao tác này.",
          "Xem trạng thái hồ sơ, chờ số hóa xong hoặc chọn thao tác khác."),
    413: ("Tệp gửi lên quá lớn.", "Chia nhỏ hồ sơ hoặc quét lại với độ phân giải 200–300 dpi."),
    422: ("Tệp hoặc thông tin gửi lên không dùng được.",
          "Kiểm tra tệp được nêu bên dưới (định dạng JPEG, PNG, TIFF hoặc PDF, không hỏng, không mã hóa) rồi gửi lại."),
    429: ("Bạn đã nhập sai nhiều lần.", "Vui lòng chờ một lát rồi thử lại; kiểm tra mã in trên giấy tiếp nhận."),
    500: ("Hệ thống gặp sự cố khi xử lý yêu cầu.", "Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên kèm thời điểm xảy ra."),
    503: ("Kho lưu trữ tạm thời không truy cập được.", "Thử lại sau ít phút; hồ sơ đã nộp không bị mất."),
}
"""For each status: what went wrong and what to do."""
ADVICE_BY_KIND = {
    "FormRefused": ("Biểu mẫu đã hết hạn hoặc không phải do trang này gửi.", "Tải lại trang, nhập lại rồi gửi lại."),
    "LookupThrottled": ADVICE[429],
    "InvalidQuery": ("Điều kiện tìm kiếm hoặc bộ lọc không dùng được.",
                     "Kiểm tra lại giá trị được nêu bên dưới (ngày, kỳ, mã, chỉ số) rồi thử lại."),
}
"""Errors whose advice is more precise than their status's."""


class NeedSignIn(Exception):
    """A page needs a signed-in person: the browser goes to the sign-in page, then back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def is_page(request: Request) -> bool:
    """Whether the request is for a page rather than the API."""
    path = request.url.path
    return path == "/" or path.startswith(PAGE_PREFIXES)


def error_page(request: Request, status: int, detail: str = "", kind: str = ""):
    """The error page for `status` (or for the error class named `kind`), with `detail` (the core's own words)
    under the advice."""
    what, todo = ADVICE_BY_KIND.get(kind) or ADVICE.get(status, ADVICE[500 if status >= 500 else 400])
    return render(request, "error.html", status_code=status, what=what, todo=todo, detail=detail, code=status)


def install_error_pages(app: FastAPI) -> None:
    """Wrap the app's handlers: pages get error pages, the API keeps its JSON."""
    previous = dict(app.exception_handlers)

    def handler(kind, status_of, detail_of):
        fallback = previous.get(kind)

        async def handle(request: Request, error):
            if is_page(request) or fallback is None:
                return error_page(request, status_of(error), detail_of(error), type(error).__name__)
            return await fallback(request, error)

        app.add_exception_handler(kind, handle)

    handler(SohoaError, lambda e: e.http_status, str)
    handler(ObjectMissing, lambda e: 404, lambda e: "")
    handler(IntegrityError, lambda e: 500, lambda e: "")
    handler(StorageError, lambda e: 503, lambda e: "")
    handler(StarletteHTTPException, lambda e: e.status_code, lambda e: "" if e.status_code == 404 else str(e.detail))
    handler(RequestValidationError, lambda e: 422, lambda e: "; ".join(str(x.get("msg")) for x in e.errors()[:3]))

    @app.exception_handler(NeedSignIn)
    async def sign_in_first(_: Request, error: NeedSignIn):
        return RedirectResponse(f"/dang-nhap?tiep={error.next_path}", status_code=303)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if is_page(request):
            return error_page(request, 500)
        return PlainTextResponse("Internal Server Error", status_code=500)
