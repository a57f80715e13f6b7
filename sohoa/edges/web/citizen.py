"""The citizen's page, no sign-in: /tra-cuu?ma=CODE&kiem-tra=CHECK (what the receipt's QR code opens).

It shows the status, the promised date and the missing papers, nothing else; a wrong pair answers the same
"not found" whether the code exists or not, and repeated wrong pairs make the client wait
(`sohoa.services.lookup`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from sohoa.edges.web.common import WebDeps, render
from sohoa.errors import DossierNotFound
from sohoa.services.lookup import LookupThrottled, public_lookup


def install_citizen_pages(router: APIRouter, deps: WebDeps) -> None:
    """GET /tra-cuu on `router`."""

    @router.get("/tra-cuu")
    def lookup(request: Request, ma: str = "", kiem_tra: str = ""):
        code, check = ma.strip()[:64], request.query_params.get("kiem-tra", kiem_tra).strip()[:20]
        if not code and not check:
            return render(request, "citizen.html", found=None, code="", check="", problem="")
        try:
            found = public_lookup(deps.runtime().database, deps.lookup_link().secret, code, check,
                                  request.client.host if request.client else "-")
        except DossierNotFound:
            return render(request, "citizen.html", status_code=404, found=None, code=code, check=check,
                          problem="Không tìm thấy hồ sơ với mã hồ sơ và mã kiểm tra này. Kiểm tra lại hai mã in "
                                  "trên giấy tiếp nhận (chữ và số, không phân biệt hoa thường).")
        except LookupThrottled as error:
            return render(request, "citizen.html", status_code=429, found=None, code=code, check=check,
                          problem=f"Bạn đã nhập sai nhiều lần. Vui lòng chờ {error.wait_seconds} giây rồi thử lại.")
        return render(request, "citizen.html", found=found, code=code, check=check, problem="")
