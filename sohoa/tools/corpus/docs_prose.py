"""Prose documents (thể lệ, thuyết minh, công bố), drawings and papers that are not on checklists."""

from __future__ import annotations

import datetime as dt

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.context import (DossierContext, business_header, business_signer, centred_national, doc_title,
                                  make_spec, symbol, title)
from sohoa.tools.corpus.vi_data import date_line, display_name, long_date, money, vn_date

Section = tuple[str, list[str]]


def build_prose(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """Numbered sections of the applicant (rules, descriptions, declarations), sometimes with a figure."""
    a = ctx.applicant
    issued = ctx.before(1, 30)
    number = symbol(a, "TB", issued, ctx.serial())
    sections, figure = _sections(ctx, doc_type)
    blocks: list[b.Block] = [business_header(a, number, date_line(a.address.province.place, issued)),
                             title(doc_title(doc_type))]
    for heading, paragraphs in sections:
        blocks.append(b.para((heading, "b"), indent_mm=0, space_after_mm=0.8, align="left"))
        blocks += [b.para(text, space_after_mm=0.8) for text in paragraphs]
    if figure is not None:
        blocks.append(figure)
    blocks += [b.Spacer(2), b.SignatureRow(None, business_signer(a))]
    return make_spec(doc_type, component, blocks, number=number, issued=issued, issuer=a.name,
                     signer=a.representative.name, ctx=ctx, tax_code=a.tax_code)


def _sections(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[Section], b.Drawing | None]:
    rng = ctx.rng
    a = ctx.applicant
    start = ctx.submitted + dt.timedelta(days=rng.randint(10, 25))
    end = start + dt.timedelta(days=rng.randint(20, 60))
    code = f"{rng.choice('ABCDEFGH')}{rng.choice('KLMNPQ')}{rng.randint(10**7, 10**8 - 1)}"
    card = b.Drawing("scratch_card", 70, ("THẺ CÀO MAY MẮN", f"Chương trình tri ân khách hàng {start.year}",
                                          "Cào lớp bạc để biết kết quả", f"Mã dự thưởng: {code}"), seed=rng.randint(0, 10**6))
    if doc_type.id == "the-le-khuyen-mai":
        prizes = [("Giải nhất", 1, 20_000_000), ("Giải nhì", 5, 5_000_000), ("Giải ba", 50, 500_000)]
        return [
            ("1. Tên chương trình khuyến mại", [f"Cào thẻ trúng quà - tri ân khách hàng {start.year}."]),
            ("2. Địa bàn (phạm vi) khuyến mại", [f"{ctx.province.name}."]),
            ("3. Hình thức khuyến mại", ["Khuyến mại mang tính may rủi: mỗi sản phẩm có một thẻ cào dự thưởng."]),
            ("4. Thời gian khuyến mại", [f"Từ {long_date(start)} đến {long_date(end)}."]),
            ("5. Khách hàng của chương trình", ["Người tiêu dùng mua sản phẩm trên địa bàn khuyến mại; không áp dụng "
                                                "cho nhân viên của thương nhân và của đại lý."]),
            ("6. Cơ cấu giải thưởng", [f"{name}: {count} giải, trị giá {money(value)} đồng/giải."
                                       for name, count, value in prizes]
             + [f"Tổng giá trị giải thưởng: {money(sum(c * v for _, c, v in prizes))} đồng."]),
            ("7. Thời hạn và thủ tục trao thưởng", ["Khách hàng trúng thưởng liên hệ thương nhân trong thời hạn 30 "
                                                     "ngày kể từ ngày kết thúc chương trình, xuất trình thẻ cào trúng "
                                                     "thưởng còn nguyên vẹn và giấy tờ tùy thân để nhận giải."]),
        ], None
    if doc_type.id in ("mo-ta-bang-chung-trung-thuong", "mau-bang-chung-trung-thuong"):
        return [
            ("1. Bằng chứng xác định trúng thưởng", ["Thẻ cào bằng giấy couché định lượng 250 g/m², kích thước "
                                                     "8 cm x 5 cm, in hai mặt, có lớp bạc phủ ô kết quả."]),
            ("2. Cách thức xác định trúng thưởng", ["Khách hàng cào lớp bạc; ô kết quả ghi tên giải thưởng hoặc dòng "
                                                    "chữ chúc may mắn lần sau. Mỗi thẻ có một mã dự thưởng duy nhất."]),
        ], card
    if doc_type.id == "thuyet-minh-co-so-vat-chat":
        area = rng.randint(200, 2000)
        return [
            ("I. THÔNG TIN CHUNG", [f"Tên cơ sở: {a.name}. Địa chỉ: {a.address.text(ctx.submitted)}. "
                                    f"Tổng diện tích mặt bằng: {area} m²; số lao động: {rng.randint(8, 120)} người."]),
            ("II. CƠ SỞ VẬT CHẤT", ["Nhà xưởng kết cấu khung thép, tường gạch, nền bê tông phủ sơn epoxy, dễ vệ sinh. "
                                    "Khu vực sản xuất được bố trí theo nguyên tắc một chiều từ nguyên liệu đến thành phẩm; "
                                    "khu vực kho nguyên liệu, kho thành phẩm và khu vệ sinh được tách biệt."]),
            ("III. TRANG THIẾT BỊ, DỤNG CỤ", ["Thiết bị tiếp xúc trực tiếp với thực phẩm làm bằng thép không gỉ; có "
                                              "đủ dụng cụ rửa và khử trùng tay, thiết bị phòng chống côn trùng và "
                                              "động vật gây hại."]),
            ("IV. NGUỒN NƯỚC VÀ XỬ LÝ CHẤT THẢI", ["Sử dụng nước máy đạt QCVN 01-1:2018/BYT; chất thải rắn được thu "
                                                   "gom hằng ngày; nước thải được xử lý trước khi thải ra môi trường."]),
        ], None
    product = rng.choice(["Rượu Vodka", "Rượu Nếp", "Nước giải khát có ga", "Bánh quy bơ"])
    return [
        ("I. Thông tin về tổ chức tự công bố sản phẩm", [f"Tên tổ chức: {a.name}. Địa chỉ: {a.address.text(ctx.submitted)}. "
                                                          f"Mã số doanh nghiệp: {a.tax_code}."]),
        ("II. Thông tin về sản phẩm", [f"Tên sản phẩm: {product} {display_name(a).split(' ', 2)[-1]}.",
                                        "Thành phần: nước, cồn thực phẩm, hương liệu tự nhiên.",
                                        f"Thời hạn sử dụng: {rng.choice([12, 24, 36])} tháng kể từ ngày sản xuất.",
                                        "Quy cách đóng gói: chai thủy tinh 500 ml, thùng 12 chai."]),
        ("III. Yêu cầu về an toàn thực phẩm", ["Sản phẩm đạt yêu cầu an toàn thực phẩm theo QCVN 6-3:2010/BYT. "
                                               "Chúng tôi cam kết chịu trách nhiệm về tính phù hợp của sản phẩm đã công bố."]),
    ], None


def build_site_plan(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """Bản vẽ hoàn công: a site plan with a title block table and two signatures."""
    a = ctx.applicant
    drawn = ctx.before(200, 900)
    labels = (f"MẶT BẰNG TỔNG THỂ - TỶ LỆ 1:{ctx.rng.choice([100, 200, 250])}", "Nhà bán hàng", "Mái che cột bơm",
              "Bể chứa ngầm", "Khu vệ sinh", "Lối vào", "Lối ra")
    contractor = ctx.other("contractor")
    blocks: list[b.Block] = [
        title(doc_title(doc_type), f"Công trình: Cửa hàng xăng dầu - {a.address.text(drawn)}", max_chars=50),
        b.Drawing("site_plan", 135, labels, seed=ctx.rng.randint(0, 10**6)),
        b.Table((b.Column("Chủ đầu tư", 1), b.Column("Đơn vị thi công", 1), b.Column("Ký hiệu bản vẽ", 0.6, "center")),
                ((a.name, contractor.name, f"HC-{ctx.rng.randint(1, 20):02d}"),), size=11),
        b.SignatureRow(business_signer(contractor, "ĐƠN VỊ THI CÔNG"), business_signer(a, "CHỦ ĐẦU TƯ")),
    ]
    return make_spec(doc_type, component, blocks, number="", issued=drawn, issuer=contractor.name,
                     signer=a.representative.name, ctx=ctx, contractor=contractor.name)


UNEXPECTED = {
    "ban-sao-cccd": DocumentType(id="ban-sao-cccd", name="Bản sao Căn cước công dân",
                                 title_phrases=("CĂN CƯỚC CÔNG DÂN",), keywords=("số định danh", "họ và tên")),
    "giay-uy-quyen": DocumentType(id="giay-uy-quyen", name="Giấy ủy quyền", title_phrases=("GIẤY ỦY QUYỀN",),
                                  keywords=("bên ủy quyền", "bên được ủy quyền", "phạm vi ủy quyền")),
}
"""Papers applicants add although no checklist asks for them ('nhận ngoài thành phần hồ sơ')."""


def build_id_copy(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """Photocopy of the representative's citizen identity card, front and back, certified."""
    rep = ctx.applicant.representative
    issued = ctx.before(400, 2500)
    front = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CĂN CƯỚC CÔNG DÂN",
             f"Số: {rep.id_number}", f"Họ và tên: {rep.name.upper()}", f"Ngày sinh: {vn_date(rep.birth)}",
             f"Giới tính: {'Nữ' if rep.female else 'Nam'}   Quốc tịch: Việt Nam",
             f"Nơi thường trú: {rep.address.province.place}")
    back = ("Đặc điểm nhân dạng: nốt ruồi cách 2 cm trên đuôi mắt trái", f"Ngày cấp: {vn_date(issued)}",
            "CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI")
    blocks: list[b.Block] = [b.Spacer(10), b.Drawing("id_card", 190, (*front, "|", *back), seed=ctx.rng.randint(0, 10**6))]
    copy_component = Component(position=1, name="copy", required=True, originals=0, copies=1, document_types=(doc_type,))
    return make_spec(doc_type, copy_component, blocks, number=rep.id_number, issued=issued,
                     issuer="Cục Cảnh sát quản lý hành chính về trật tự xã hội", signer="", ctx=ctx,
                     printed_title="CĂN CƯỚC CÔNG DÂN", id_number=rep.id_number)


def build_authorisation(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """Giấy ủy quyền: the representative authorises an employee to file the dossier."""
    a = ctx.applicant
    agent = ctx.person()
    issued = ctx.before(1, 10)
    blocks: list[b.Block] = [
        centred_national(date_line(a.address.province.place, issued)), title("GIẤY ỦY QUYỀN"),
        b.para(("Bên ủy quyền: ", "b"), f"{a.representative.title} {a.representative.name}, {a.rep_position} {a.name}, "
               f"số định danh cá nhân {a.representative.id_number}."),
        b.para(("Bên được ủy quyền: ", "b"), f"{agent.title} {agent.name}, số định danh cá nhân {agent.id_number}, "
               f"địa chỉ {agent.address.text(issued)}."),
        b.para(("Phạm vi ủy quyền: ", "b"), f"thay mặt {a.name} nộp hồ sơ, bổ sung hồ sơ và nhận kết quả giải quyết "
               f"thủ tục hành chính tại Trung tâm Phục vụ hành chính công {ctx.province.name}."),
        b.para(("Thời hạn ủy quyền: ", "b"), f"đến {long_date(issued + dt.timedelta(days=180))}.", space_after_mm=5),
        b.SignatureRow(b.Signer((b.Line("BÊN ĐƯỢC ỦY QUYỀN", bold=True),), agent.name, "(Ký, ghi rõ họ tên)"),
                       business_signer(a, "BÊN ỦY QUYỀN")),
    ]
    return make_spec(doc_type, None, blocks, issued=issued, issuer=a.name, signer=a.representative.name, ctx=ctx,
                     agent=agent.name)
