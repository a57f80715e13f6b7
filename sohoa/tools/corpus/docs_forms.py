"""Application forms (đơn đề nghị, văn bản đề nghị, đăng ký) filled in by the applicant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.context import (DossierContext, business_header, business_signer, centred_national, doc_title,
                                  field_para, kinh_gui, make_spec, symbol, title)
from sohoa.tools.corpus.vi_data import date_line, long_date, money, vn_date

Details = list[tuple[str, str]]
Request = tuple[str, Details, str]  # request sentence, detail fields, reason or extra sentence


def build_application(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """An application form of the applicant addressed to the Department of Industry and Trade."""
    applicant = ctx.applicant
    issued = ctx.before(1, 10)
    number = symbol(applicant, "ĐN", issued, ctx.serial())
    when = date_line(applicant.address.province.place, issued)
    blocks: list[b.Block] = []
    if applicant.kind == "hkd":
        blocks.append(centred_national(when))
    else:
        blocks.append(business_header(applicant, number, when))
    blocks.append(title(doc_title(doc_type)))
    blocks.append(kinh_gui(ctx.department + "."))
    blocks.extend(_identity(ctx))
    request, details, extra = REQUESTS.get(doc_type.id, _generic_request)(ctx, doc_type)
    blocks.append(b.para(request, space_after_mm=1.5))
    blocks.extend(field_para(label, value, indent_mm=15) for label, value in details)
    if extra:
        blocks.append(b.para(extra))
    blocks.append(b.para(_commitment(ctx, doc_type), space_after_mm=4))
    blocks.append(b.SignatureRow(None, business_signer(applicant, "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT")))
    return make_spec(doc_type, component, blocks, number="" if applicant.kind == "hkd" else number, issued=issued,
                     issuer=applicant.name, signer=applicant.representative.name, ctx=ctx,
                     tax_code=applicant.tax_code, applicant=applicant.name)


def _identity(ctx: DossierContext) -> list[b.Para]:
    a = ctx.applicant
    rep = a.representative
    cert = {"dn": "Giấy chứng nhận đăng ký doanh nghiệp", "htx": "Giấy chứng nhận đăng ký hợp tác xã",
            "hkd": "Giấy chứng nhận đăng ký hộ kinh doanh"}[a.kind]
    code = {"dn": "Mã số doanh nghiệp", "htx": "Mã số hợp tác xã", "hkd": "Mã số hộ kinh doanh"}[a.kind]
    lines = [
        ("1. Tên thương nhân", a.name),
        ("2. Địa chỉ trụ sở chính", a.address.text(ctx.submitted)),
        ("3. Điện thoại", a.phone + (f"; Email: {a.email}" if a.email else "")),
        (f"4. {cert}, {code}", f"{a.tax_code} do {_registrar(ctx)} cấp lần đầu ngày {vn_date(a.first_registered)}"),
        ("5. Người đại diện theo pháp luật", f"{rep.name}, chức vụ: {a.rep_position}; số định danh cá nhân: {rep.id_number}"),
    ]
    return [field_para(label, value, indent_mm=10, space_after_mm=1) for label, value in lines]


def _registrar(ctx: DossierContext) -> str:
    if ctx.applicant.kind == "hkd":
        return f"Ủy ban nhân dân {ctx.applicant.address.district_old}"
    return f"Phòng Đăng ký kinh doanh - Sở Kế hoạch và Đầu tư {ctx.applicant.address.province.name}"


def _commitment(ctx: DossierContext, doc_type: DocumentType) -> str:
    law = {"ruou": "Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu",
           "thuoc-la": "Nghị định số 67/2013/NĐ-CP của Chính phủ về kinh doanh thuốc lá",
           "xang-dau": "Nghị định số 83/2014/NĐ-CP của Chính phủ về kinh doanh xăng dầu và các văn bản sửa đổi, bổ sung",
           "attp": "Luật An toàn thực phẩm và các văn bản hướng dẫn thi hành",
           "khuyen-mai": "Luật Thương mại và Nghị định số 81/2018/NĐ-CP của Chính phủ",
           "hoa-chat": "Luật Hóa chất và các văn bản hướng dẫn thi hành"}
    key = next((k for k in law if k in doc_type.id), None)
    basis = law[key] if key else "các quy định của pháp luật có liên quan"
    return (f"{'Hộ kinh doanh' if ctx.applicant.kind == 'hkd' else 'Thương nhân'} cam kết thực hiện đúng "
            f"các quy định tại {basis}; chịu trách nhiệm trước pháp luật về tính chính xác, trung thực của nội dung "
            "hồ sơ đề nghị và các giấy tờ kèm theo.")


def _shop_address(ctx: DossierContext) -> str:
    return ctx.fake.address(ctx.province).text(ctx.submitted)


def _ruou_ban_le(ctx: DossierContext, doc_type: DocumentType) -> Request:
    supplier = ctx.other("supplier")
    return (f"Đề nghị {ctx.department} xem xét cấp Giấy phép bán lẻ rượu cho thương nhân, với nội dung cụ thể như sau:",
            [("Địa điểm kinh doanh", _shop_address(ctx)),
             ("Được phép mua sản phẩm rượu của các thương nhân", f"{supplier.name}, địa chỉ {supplier.address.text(ctx.submitted)}"),
             ("Hình thức kinh doanh", "bán lẻ rượu tại địa điểm kinh doanh")], "")


def _ruou_ban_buon(ctx: DossierContext, doc_type: DocumentType) -> Request:
    supplier = ctx.other("supplier")
    return (f"Đề nghị {ctx.department} xem xét cấp Giấy phép bán buôn rượu cho thương nhân, cụ thể:",
            [("Địa điểm kinh doanh bán buôn", _shop_address(ctx)),
             ("Được phép mua sản phẩm rượu của thương nhân", supplier.name),
             ("Được phép bán sản phẩm rượu trên địa bàn", ctx.province.name),
             ("Kho hàng", f"diện tích {ctx.rng.randint(50, 300)} m², tại {_shop_address(ctx)}")], "")


def _ruou_san_xuat(ctx: DossierContext, doc_type: DocumentType) -> Request:
    capacity = ctx.rng.choice([300_000, 500_000, 800_000, 1_200_000, 2_000_000])
    return (f"Đề nghị {ctx.department} xem xét cấp Giấy phép sản xuất rượu công nghiệp cho thương nhân, cụ thể:",
            [("Địa điểm sản xuất", _shop_address(ctx)),
             ("Sản phẩm rượu", ctx.rng.choice(["rượu vodka", "rượu mùi", "rượu trắng", "rượu vang"])),
             ("Quy mô sản xuất", f"{money(capacity)} lít/năm")], "")


def _thuoc_la_sua_doi(ctx: DossierContext, doc_type: DocumentType) -> Request:
    old = ctx.before(400, 1500)
    return (f"Đề nghị {ctx.department} xem xét cấp sửa đổi, bổ sung Giấy phép bán lẻ sản phẩm thuốc lá số "
            f"{ctx.rng.randint(10, 999)}/GP-SCT cấp ngày {vn_date(old)}, cụ thể:",
            [("Nội dung đề nghị sửa đổi, bổ sung", f"thay đổi địa điểm kinh doanh sang {_shop_address(ctx)}"),
             ("Lý do sửa đổi, bổ sung", "thương nhân chuyển địa điểm kinh doanh do hết hạn hợp đồng thuê mặt bằng")], "")


def _thuoc_la_cap_lai(ctx: DossierContext, doc_type: DocumentType) -> Request:
    old = ctx.before(400, 1500)
    reason = ctx.rng.choice(["bị mất trong quá trình vận chuyển hồ sơ", "bị hỏng, rách do ngấm nước"])
    return (f"Đề nghị {ctx.department} xem xét cấp lại Giấy phép bán lẻ sản phẩm thuốc lá số "
            f"{ctx.rng.randint(10, 999)}/GP-SCT cấp ngày {vn_date(old)}.",
            [("Lý do đề nghị cấp lại", f"Giấy phép {reason}")], "")


def _xang_dau(ctx: DossierContext, doc_type: DocumentType) -> Request:
    return (f"Đề nghị {ctx.department} xem xét cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu cho:",
            [("Tên cửa hàng", f"Cửa hàng xăng dầu số {ctx.rng.randint(1, 30)}"),
             ("Địa chỉ cửa hàng", _shop_address(ctx)),
             ("Loại hình", "cửa hàng bán lẻ xăng dầu trên đất liền"),
             ("Mặt hàng kinh doanh", "xăng RON 95-III, xăng E5 RON 92-II, dầu DO 0,05S-II")], "")


def _attp(ctx: DossierContext, doc_type: DocumentType) -> Request:
    return (f"Đề nghị {ctx.department} cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm cho cơ sở:",
            [("Địa chỉ cơ sở", _shop_address(ctx)),
             ("Loại hình", ctx.rng.choice(["sản xuất", "kinh doanh", "sản xuất và kinh doanh"])),
             ("Mặt hàng", ctx.rng.choice(["bánh kẹo", "sữa và sản phẩm từ sữa", "bia, nước giải khát", "dầu thực vật"]))],
            "")


def _khuyen_mai(ctx: DossierContext, doc_type: DocumentType) -> Request:
    start = ctx.submitted + dt.timedelta(days=ctx.rng.randint(10, 25))
    end = start + dt.timedelta(days=ctx.rng.randint(20, 60))
    prize = ctx.rng.choice([50, 120, 250, 480]) * 1_000_000
    return (f"Căn cứ Luật Thương mại và Nghị định số 81/2018/NĐ-CP, {ctx.applicant.name} đăng ký thực hiện "
            "chương trình khuyến mại mang tính may rủi như sau:",
            [("Tên chương trình khuyến mại", f"Cào thẻ trúng quà - tri ân khách hàng {start.year}"),
             ("Địa bàn thực hiện khuyến mại", ctx.province.name),
             ("Thời gian khuyến mại", f"từ {long_date(start)} đến {long_date(end)}"),
             ("Hàng hóa được khuyến mại", "nước giải khát đóng chai do thương nhân phân phối"),
             ("Tổng giá trị giải thưởng", f"{money(prize)} đồng")], "")


def _hoa_chat(ctx: DossierContext, doc_type: DocumentType) -> Request:
    old = ctx.before(300, 1200)
    return (f"Đề nghị {ctx.department} xem xét cấp lại Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất "
            f"số {ctx.rng.randint(10, 500)}/GCN-SCT cấp ngày {vn_date(old)}.",
            [("Lý do đề nghị cấp lại", ctx.rng.choice(["Giấy chứng nhận bị mất", "Giấy chứng nhận bị hỏng, rách"])),
             ("Địa điểm kho chứa hóa chất", _shop_address(ctx))], "")


def _generic_request(ctx: DossierContext, doc_type: DocumentType) -> Request:
    return (f"Đề nghị {ctx.department} xem xét giải quyết hồ sơ: {doc_type.name.lower()}.",
            [("Địa điểm", _shop_address(ctx))], "")


REQUESTS: dict[str, Callable[[DossierContext, DocumentType], Request]] = {
    "don-de-nghi-ban-le-ruou": _ruou_ban_le,
    "don-de-nghi-ban-buon-ruou": _ruou_ban_buon,
    "don-de-nghi-sx-ruou-cong-nghiep": _ruou_san_xuat,
    "van-ban-de-nghi-sua-doi-gp-thuoc-la": _thuoc_la_sua_doi,
    "van-ban-de-nghi-cap-lai-gp-thuoc-la": _thuoc_la_cap_lai,
    "don-de-nghi-cn-xang-dau": _xang_dau,
    "don-de-nghi-cn-attp": _attp,
    "dang-ky-khuyen-mai": _khuyen_mai,
    "van-ban-de-nghi-cap-lai-cn-hoa-chat": _hoa_chat,
}
