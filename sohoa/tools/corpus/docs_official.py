"""Papers issued by authorities (registration certificates, permits, decisions) and business letters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.context import (DossierContext, business_header, business_signer, doc_title, field_para, kinh_gui,
                                  make_spec, official_header, official_signer, symbol, title)
from sohoa.tools.corpus.vi_data import Business, date_line, display_name, long_date, money, vn_date


def build_registration(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """Giấy chứng nhận đăng ký doanh nghiệp / hợp tác xã / hộ kinh doanh of the applicant."""
    a = ctx.applicant
    changed = ctx.fake.date_between(a.first_registered + dt.timedelta(days=200), ctx.before(30, 200))
    province = a.address.province
    kind = {"giay-chung-nhan-dk-htx": "htx", "giay-chung-nhan-dk-hkd": "hkd"}.get(doc_type.id, "dn")
    if kind == "hkd":
        body = [f"UBND {a.address.district_old.upper()}", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"]
        code_label, seal = "Mã số hộ kinh doanh", f"ỦY BAN NHÂN DÂN {a.address.district_old.upper()}"
    else:
        body = ["SỞ KẾ HOẠCH VÀ ĐẦU TƯ", province.name.upper(), "PHÒNG ĐĂNG KÝ KINH DOANH"]
        code_label = "Mã số doanh nghiệp" if kind == "dn" else "Mã số hợp tác xã"
        seal = f"SỞ KẾ HOẠCH VÀ ĐẦU TƯ {province.place.upper()} - PHÒNG ĐĂNG KÝ KINH DOANH"
    left = tuple(b.Line(text, bold=i == len(body) - 1, size=12.5, underline=0.4 if i == len(body) - 1 else 0)
                 for i, text in enumerate(body))
    blocks: list[b.Block] = [b.Header(left, (b.Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5),
                                             b.Line("Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5, underline=1.0)))]
    subtitle = a.legal_form.upper() if kind == "dn" else ""
    blocks.append(title(doc_title(doc_type), subtitle))
    blocks.append(b.para((f"{code_label}: ", "b"), (a.tax_code, "b"), align="center", indent_mm=0, size=14))
    blocks.append(b.para(f"Đăng ký lần đầu: {long_date(a.first_registered)}", align="center", indent_mm=0, space_after_mm=0.5))
    blocks.append(b.para(f"Đăng ký thay đổi lần thứ: {ctx.rng.randint(1, 6)}, {long_date(changed)}",
                         align="center", indent_mm=0, space_after_mm=4))
    blocks.extend(_registration_body(ctx, a, kind, changed))
    position = ["TRƯỞNG PHÒNG"] if kind != "hkd" else ["TRƯỞNG PHÒNG"]
    signer = official_signer(position, ctx.person().name, seal)
    blocks.append(b.SignatureRow(None, signer))
    return make_spec(doc_type, component, blocks, number="", issued=changed, issuer=" - ".join(body),
                     signer=signer.name, ctx=ctx, tax_code=a.tax_code, business_name=a.name)


def _registration_body(ctx: DossierContext, a: Business, kind: str, on: dt.date) -> list[b.Block]:
    rep = a.representative
    noun = {"dn": "công ty", "htx": "hợp tác xã", "hkd": "hộ kinh doanh"}[kind]
    items = [
        (f"1. Tên {noun}", ""),
        (f"Tên {noun} viết bằng tiếng Việt", a.name),
    ]
    if kind == "dn":
        items += [(f"Tên {noun} viết bằng tiếng nước ngoài", a.english_name), (f"Tên {noun} viết tắt", a.short_name)]
    items += [
        ("2. Địa chỉ trụ sở chính" if kind != "hkd" else "2. Địa điểm kinh doanh", a.address.text(on)),
        ("Điện thoại", a.phone + (f"    Email: {a.email}" if a.email else "")),
        ("3. Vốn điều lệ" if kind != "hkd" else "3. Vốn kinh doanh", f"{money(a.capital_vnd)} đồng"),
        ("4. Người đại diện theo pháp luật" if kind != "hkd" else "4. Chủ hộ kinh doanh", ""),
        ("Họ và tên", f"{rep.name.upper()}    Giới tính: {'Nữ' if rep.female else 'Nam'}"),
        ("Chức danh", a.rep_position),
        ("Sinh ngày", f"{vn_date(rep.birth)}    Dân tộc: Kinh    Quốc tịch: Việt Nam"),
        ("Số định danh cá nhân", rep.id_number),
        ("Địa chỉ liên lạc", rep.address.text(on)),
    ]
    blocks: list[b.Block] = []
    for label, value in items:
        if not value:
            blocks.append(b.para((label, "b"), indent_mm=0, space_after_mm=1))
        else:
            blocks.append(field_para(label, value, indent_mm=0, space_after_mm=0.8, align="left"))
    blocks.append(b.Spacer(3))
    return blocks


@dataclass(frozen=True)
class Grant:
    """How an authority-issued paper reads: issuer, symbol, legal bases and the granting sentence."""

    body: tuple[str, str]  # parent line, issuing body line (with {province})
    symbol: str
    bases: tuple[str, ...]
    statement: str
    position: tuple[str, ...] = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    valid_years: int = 5


GRANTS = {
    "giay-phep-ban-le-thuoc-la": Grant(("UBND {province}", "SỞ CÔNG THƯƠNG"), "GP-SCT",
        ("Nghị định số 67/2013/NĐ-CP ngày 27 tháng 6 năm 2013 của Chính phủ quy định chi tiết một số điều "
         "và biện pháp thi hành Luật Phòng, chống tác hại của thuốc lá về kinh doanh thuốc lá",),
        "Cho phép {name} được bán lẻ sản phẩm thuốc lá tại địa điểm kinh doanh: {address}."),
    "giay-chung-nhan-attp": Grant(("UBND {province}", "SỞ CÔNG THƯƠNG"), "GCNATTP-SCT",
        ("Luật An toàn thực phẩm ngày 17 tháng 6 năm 2010", "Thông tư số 43/2018/TT-BCT của Bộ Công Thương"),
        "Chứng nhận cơ sở {name}, địa chỉ {address}, đủ điều kiện an toàn thực phẩm để sản xuất, kinh doanh."),
    "giay-chung-nhan-hoa-chat": Grant(("UBND {province}", "SỞ CÔNG THƯƠNG"), "GCN-SCT",
        ("Luật Hóa chất ngày 21 tháng 11 năm 2007", "Nghị định số 113/2017/NĐ-CP của Chính phủ"),
        "Chứng nhận {name}, địa chỉ trụ sở chính {address}, đủ điều kiện sản xuất, kinh doanh hóa chất hạn chế "
        "sản xuất, kinh doanh trong lĩnh vực công nghiệp theo danh mục hóa chất kèm theo."),
    "giay-phep-xay-dung": Grant(("UBND {province}", "SỞ XÂY DỰNG"), "GPXD",
        ("Luật Xây dựng ngày 18 tháng 6 năm 2014 và Luật sửa đổi, bổ sung một số điều của Luật Xây dựng",),
        "Cấp cho {name} được phép xây dựng công trình cửa hàng bán lẻ xăng dầu tại {address}; diện tích xây "
        "dựng {area} m²; chiều cao công trình 7,5 m; số tầng: 01."),
    "van-ban-tham-duyet-pccc": Grant(("CÔNG AN {province}", "PHÒNG CẢNH SÁT PCCC VÀ CNCH"), "TD-PCCC",
        ("Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ",),
        "Chứng nhận hồ sơ thiết kế về phòng cháy và chữa cháy của công trình cửa hàng xăng dầu do {name} làm "
        "chủ đầu tư, tại {address}, đã được thẩm duyệt và đáp ứng yêu cầu về phòng cháy và chữa cháy.",
        ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")),
    "van-ban-nghiem-thu-pccc": Grant(("CÔNG AN {province}", "PHÒNG CẢNH SÁT PCCC VÀ CNCH"), "NT-PCCC",
        ("Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ",),
        "Chấp thuận kết quả nghiệm thu về phòng cháy và chữa cháy của công trình cửa hàng xăng dầu do {name} làm "
        "chủ đầu tư, tại {address}. Công trình được phép đưa vào sử dụng.", ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")),
    "giay-xac-nhan-ke-hoach-bvmt": Grant(("UBND {province}", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"), "XN-STNMT",
        ("Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020",),
        "Xác nhận {name} đã đăng ký kế hoạch bảo vệ môi trường của cơ sở sản xuất rượu tại {address}; chủ cơ sở "
        "có trách nhiệm thực hiện đúng các biện pháp xử lý chất thải đã đăng ký."),
    "giay-tiep-nhan-cong-bo-hop-quy": Grant(("UBND {province}", "SỞ CÔNG THƯƠNG"), "TB-SCT",
        ("Luật Chất lượng sản phẩm, hàng hóa ngày 21 tháng 11 năm 2007",),
        "Tiếp nhận bản công bố hợp quy sản phẩm rượu của {name}, địa chỉ {address}, phù hợp quy chuẩn kỹ thuật "
        "QCVN 6-3:2010/BYT."),
    "giay-chung-nhan-hop-quy": Grant(("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "TRUNG TÂM KỸ THUẬT TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG"),
        "CNHQ", ("Luật Chất lượng sản phẩm, hàng hóa ngày 21 tháng 11 năm 2007",),
        "Chứng nhận sản phẩm, hàng hóa do {name} cung cấp phù hợp quy chuẩn kỹ thuật QCVN 6-2:2010/BYT. "
        "Phương thức chứng nhận: phương thức 5.", ("GIÁM ĐỐC",), 3),
    "giay-chung-nhan-he-thong-quan-ly-attp": Grant(("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "TRUNG TÂM CHỨNG NHẬN PHÙ HỢP"),
        "HACCP", ("Tiêu chuẩn ISO 22000:2018 và các nguyên tắc HACCP",),
        "Chứng nhận hệ thống quản lý an toàn thực phẩm của {name}, địa chỉ {address}, phù hợp tiêu chuẩn ISO "
        "22000:2018 và HACCP. Phạm vi chứng nhận: sản xuất rượu.", ("GIÁM ĐỐC",), 3),
    "giay-xac-nhan-tap-huan-attp": Grant(("UBND {province}", "SỞ CÔNG THƯƠNG"), "XNTH-SCT",
        ("Thông tư số 43/2018/TT-BCT của Bộ Công Thương",),
        "Xác nhận ông/bà {rep}, thuộc {name}, đã được tập huấn và đạt yêu cầu kiểm tra kiến thức về an toàn thực phẩm."),
    "giay-xac-nhan-suc-khoe": Grant(("SỞ Y TẾ {province}", "TRUNG TÂM Y TẾ KHU VỰC"), "GKSK",
        ("Thông tư số 32/2023/TT-BYT của Bộ Y tế",),
        "Họ và tên người được khám: {rep}. Kết luận: đủ sức khỏe để làm việc trong cơ sở sản xuất, kinh doanh thực phẩm.",
        ("BÁC SĨ KẾT LUẬN",), 1),
}


def build_grant(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """A certificate, permit or confirmation issued to the applicant by an authority."""
    grant = GRANTS.get(doc_type.id, _default_grant(doc_type))
    a = ctx.applicant
    issued = ctx.before(60, 900)
    number = f"{ctx.serial()}/{grant.symbol}"
    body = [line.format(province=ctx.province_upper) for line in grant.body]
    blocks: list[b.Block] = [official_header(body, number, date_line(ctx.province.place, issued)),
                             title(doc_title(doc_type))]
    for basis in grant.bases:
        blocks.append(b.para((f"Căn cứ {basis};", "i"), space_after_mm=0.8))
    blocks.append(b.para((f"Xét hồ sơ đề nghị của {a.name},", "i"), space_after_mm=3))
    address = ctx.fake.address(ctx.province).text(issued)
    blocks.append(b.para(grant.statement.format(name=a.name, address=address, rep=a.representative.name,
                                                area=ctx.rng.randint(120, 600))))
    blocks.append(field_para("Mã số doanh nghiệp", a.tax_code, indent_mm=10, bold_value=True))
    until = issued + dt.timedelta(days=365 * grant.valid_years)
    blocks.append(b.para(f"{doc_type.name} này có hiệu lực đến {long_date(until)}.", space_after_mm=4))
    signer = official_signer(list(grant.position), ctx.person().name, " ".join(reversed(body)))
    blocks.append(b.SignatureRow(b.Recipients(("Nơi nhận:", f"- {display_name(a)};", "- Lưu: VT.")), signer))
    return make_spec(doc_type, component, blocks, number=number, issued=issued, issuer=" - ".join(body),
                     signer=signer.name, ctx=ctx, tax_code=a.tax_code, valid_until=until.isoformat())


def _default_grant(doc_type: DocumentType) -> Grant:
    return Grant(("UBND {province}", "SỞ CÔNG THƯƠNG"), "XN-SCT", ("các quy định pháp luật hiện hành",),
                 f"Xác nhận {doc_type.name.lower()} của {{name}}, địa chỉ {{address}}.")


def build_decision(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """Quyết định of the provincial People's Committee approving an environmental impact report."""
    issued = ctx.before(120, 900)
    number = f"{ctx.serial() * 7}/QĐ-UBND"
    body = ["ỦY BAN NHÂN DÂN", ctx.province_upper]
    project = f"Nhà máy sản xuất rượu {display_name(ctx.applicant).split(' ', 2)[-1]}"
    blocks: list[b.Block] = [
        b.Header((b.Line(body[0], bold=True, size=12.5), b.Line(body[1], bold=True, size=12.5, underline=0.4),
                  b.Line(f"Số: {number}", size=13)),
                 (b.Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5),
                  b.Line("Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5, underline=1.0),
                  b.Line(date_line(ctx.province.place, issued), italic=True))),
        title("QUYẾT ĐỊNH", f"Về việc phê duyệt báo cáo đánh giá tác động môi trường của dự án {project}"),
        b.Lines((b.Line(f"CHỦ TỊCH ỦY BAN NHÂN DÂN {ctx.province_upper}", bold=True),), space_after_mm=3),
        b.para(("Căn cứ Luật Tổ chức chính quyền địa phương;", "i"), space_after_mm=0.8),
        b.para(("Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;", "i"), space_after_mm=0.8),
        b.para((f"Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường tại Tờ trình số {ctx.serial()}/TTr-SNNMT.", "i"),
               space_after_mm=3),
        b.Lines((b.Line("QUYẾT ĐỊNH:", bold=True),), space_after_mm=2),
        b.para(("Điều 1. ", "b"), f"Phê duyệt báo cáo đánh giá tác động môi trường của dự án {project} (sau đây gọi là "
               f"Dự án) của {ctx.applicant.name} (sau đây gọi là Chủ dự án), thực hiện tại "
               f"{ctx.fake.address(ctx.province).text(issued)}, với các nội dung tại phụ lục kèm theo."),
        b.para(("Điều 2. ", "b"), "Chủ dự án có trách nhiệm thực hiện đúng các nội dung đã được phê duyệt và các "
               "yêu cầu bảo vệ môi trường quy định tại Điều 37 Luật Bảo vệ môi trường."),
        b.para(("Điều 3. ", "b"), "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, "
               "Giám đốc Sở Nông nghiệp và Môi trường, Chủ dự án và các cơ quan có liên quan chịu trách nhiệm thi "
               "hành Quyết định này.", space_after_mm=4),
    ]
    signer = official_signer(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ctx.person().name,
                             f"ỦY BAN NHÂN DÂN {ctx.province_upper}")
    blocks.append(b.SignatureRow(b.Recipients(("Nơi nhận:", "- Như Điều 3;", "- Chủ tịch, các PCT UBND tỉnh;",
                                               "- Lưu: VT, NN.")), signer))
    return make_spec(doc_type, component, blocks, number=number, issued=issued, issuer=" ".join(body),
                     signer=signer.name, ctx=ctx, printed_title="QUYẾT ĐỊNH", project=project)


def build_letter(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """A letter of a counterpart business: introduction (giới thiệu) or confirmation (thư xác nhận)."""
    introduce = doc_type.id == "van-ban-gioi-thieu"
    author = ctx.other("supplier") if introduce else ctx.other("retailer")
    issued = ctx.before(15, 120)
    number = symbol(author, "GT" if introduce else "XN", issued, ctx.serial())
    summary = "V/v giới thiệu thương nhân" if introduce else "V/v xác nhận tham gia hệ thống phân phối"
    blocks: list[b.Block] = [business_header(author, number, date_line(author.address.province.place, issued), summary),
                             title(doc_title(doc_type)), kinh_gui(ctx.department + ".")]
    a = ctx.applicant
    if introduce:
        blocks += [
            b.para(f"{author.name}, mã số doanh nghiệp {author.tax_code}, là thương nhân sản xuất, phân phối sản phẩm "
                   f"rượu, trân trọng giới thiệu {a.name}, địa chỉ {a.address.text(issued)}, là thương nhân mua sản "
                   "phẩm rượu của công ty để bán lẻ (bán buôn) trong hệ thống phân phối của công ty."),
            b.para("Các sản phẩm rượu do công ty cung cấp gồm: " + ", ".join(ctx.rng.sample(WINES, 3)) + "."),
            b.para(f"Văn bản giới thiệu này có giá trị đến {long_date(issued + dt.timedelta(days=730))}.", space_after_mm=4),
        ]
    else:
        blocks += [
            b.para(f"{author.name}, mã số doanh nghiệp {author.tax_code}, là thương nhân bán lẻ rượu, xác nhận tham "
                   f"gia hệ thống phân phối rượu của {a.name} trên địa bàn {ctx.province.name}."),
            b.para("Chúng tôi cam kết chỉ mua sản phẩm rượu từ hệ thống phân phối nêu trên và thực hiện đúng các "
                   "quy định về kinh doanh rượu.", space_after_mm=4),
        ]
    signer = business_signer(author)
    blocks.append(b.SignatureRow(b.Recipients(("Nơi nhận:", "- Như trên;", "- Lưu: VT, KD.")), signer))
    return make_spec(doc_type, component, blocks, number=number, issued=issued, issuer=author.name,
                     signer=signer.name, ctx=ctx, tax_code=author.tax_code)


WINES = ["Rượu Vodka Hà Nội 29,5% vol", "Rượu Nếp Mới 29,5% vol", "Rượu vang Đà Lạt 12% vol",
         "Rượu Lúa Mới 29,5% vol", "Rượu mơ 15% vol", "Rượu Bàu Đá 40% vol", "Rượu Gò Đen 39,5% vol"]
