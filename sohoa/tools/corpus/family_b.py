"""Family "b": a second, independently written family of document templates.

Written apart from the first family (`docs_*.py`) so that a model trained on one family can be scored on
papers it has never seen (leave-one-family-out, `sohoa-lab eval-families`). What differs:

* layout of the legal annexes' forms: "Mẫu số …" / "Phụ lục …" line at the top right, Quốc hiệu centred with
  an en dash Tiêu ngữ and a rule, no two-column header on applications, "Số: ……" on the right;
* the title: the catalogue phrase in capitals, in sentence case, or split over two lines
  ("ĐƠN ĐỀ NGHỊ" / "Cấp giấy phép …");
* other wording and field order: applicant details in a ruled two-column table (tax code first), tick boxes
  ("[x] Cấp mới  [ ] Cấp lại"), "Hồ sơ gửi kèm", an undertaking worded differently;
* filled values printed in italics (handwriting-like), signatures and red seals, a "SAO Y BẢN CHÍNH"
  certification worded differently on copies;
* contracts with "ĐIỀU 1:" capitals and party tables; tables with other columns and a totals row;
* other stray papers (fee receipt, VAT invoice, curriculum vitae) than the first family's.
"""

from __future__ import annotations

import datetime as dt

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.context import DossierContext, QUOC_HIEU, split_lines
from sohoa.tools.corpus.vi_data import long_date, money, vn_date

TIEU_NGU_B = "Độc lập – Tự do – Hạnh phúc"

UNEXPECTED_B = {
    "giay-nop-tien-nsnn": DocumentType(id="giay-nop-tien-nsnn", name="Giấy nộp tiền vào ngân sách nhà nước",
                                       title_phrases=("GIẤY NỘP TIỀN VÀO NGÂN SÁCH NHÀ NƯỚC",), keywords=("kho bạc",)),
    "hoa-don-gtgt": DocumentType(id="hoa-don-gtgt", name="Hóa đơn giá trị gia tăng",
                                 title_phrases=("HÓA ĐƠN GIÁ TRỊ GIA TĂNG",), keywords=("thuế suất",)),
    "so-yeu-ly-lich": DocumentType(id="so-yeu-ly-lich", name="Sơ yếu lý lịch", title_phrases=("SƠ YẾU LÝ LỊCH",),
                                   keywords=("quá trình công tác",)),
}
"""Stray papers of the second family (never the first family's CCCD copy or giấy ủy quyền)."""

_KIND_NAMES = {"dn": "Doanh nghiệp", "htx": "Hợp tác xã", "hkd": "Hộ kinh doanh"}


def _category(type_id: str) -> str:
    for prefix, category in (("don-de-nghi", "form"), ("van-ban-de-nghi", "form"), ("dang-ky", "form"),
                             ("hop-dong", "contract"), ("ban-ke", "table"), ("danh-sach", "table"),
                             ("ban-liet-ke", "table"), ("phieu-ket-qua", "table"), ("quyet-dinh", "grant"),
                             ("giay-", "grant"), ("van-ban-tham-duyet", "grant"), ("van-ban-nghiem-thu", "grant"),
                             ("van-ban-gioi-thieu", "letter"), ("thu-xac-nhan", "letter")):
        if type_id.startswith(prefix):
            return category
    return "prose"


def build_document_b(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """A paper of the second family for `doc_type`."""
    if doc_type.id in UNEXPECTED_B:
        blocks, issuer = _stray(ctx, doc_type), "Kho bạc Nhà nước"
    else:
        builder = {"form": _form, "contract": _contract, "table": _table, "grant": _grant, "letter": _letter,
                   "prose": _prose}[_category(doc_type.id)]
        blocks, issuer = builder(ctx, doc_type)
    issued = ctx.before(1, 60)
    photocopy = component is not None and component.originals == 0 and component.copies > 0
    if photocopy:
        blocks = [*blocks, _copy_stamp(ctx)]
    return b.DocumentSpec(doc_type.id, doc_type.title_phrases[0], tuple(blocks), photocopy, "", issued.isoformat(), issuer,
                          ctx.applicant.representative.name, {"tax_code": ctx.applicant.tax_code, "family": "b"})


def _title_block(ctx: DossierContext, doc_type: DocumentType) -> b.Lines:
    """The catalogue phrase in capitals, in sentence case, or split over two lines."""
    phrase = doc_type.title_phrases[0]
    roll = ctx.rng.random()
    words = phrase.split()
    if roll < 0.45:
        lines = [b.Line(t, bold=True, size=15) for t in split_lines(phrase, 40)]
    elif roll < 0.8:
        sentence = phrase[0] + phrase[1:].lower()
        lines = [b.Line(t, bold=True, size=14) for t in split_lines(sentence, 48)]
    else:
        head = " ".join(words[:3])
        rest = " ".join(words[3:])
        rest = rest[:1] + rest[1:].lower()
        lines = [b.Line(head, bold=True, size=16)] + [b.Line(t, bold=True, italic=True, size=13.5)
                                                      for t in split_lines(rest, 50)]
    return b.Lines(tuple(lines), space_after_mm=3)


def _national(ctx: DossierContext, annex: bool) -> list[b.Block]:
    top: list[b.Block] = []
    if annex:
        number = ctx.rng.randint(1, 12)
        label = ctx.rng.choice([f"Mẫu số {number:02d}", f"Phụ lục {number}", f"Mẫu {number:02d}/ĐN"])
        top.append(b.Lines((b.Line(label, italic=True, size=11, align="right"),), space_after_mm=1))
    top.append(b.Lines((b.Line(QUOC_HIEU, bold=True, size=13), b.Line(TIEU_NGU_B, bold=True, size=13.5),
                        b.Line("———————————", size=10)), space_after_mm=2))
    return top


def _date_right(ctx: DossierContext, on: dt.date) -> b.Lines:
    text = f"{ctx.applicant.address.province.place}, {long_date(on)}"
    return b.Lines((b.Line(text, italic=True, size=12.5, align="right"),), space_after_mm=3)


def _filled(label: str, value: str) -> b.Para:
    """A field filled in by hand: the value in italics after dotted leaders."""
    return b.para(f"{label} ", (value, "i"), indent_mm=0, align="left", space_after_mm=0.8)


def _signature(ctx: DossierContext, heading: str, official: bool = False) -> b.SignatureRow:
    from sohoa.tools.corpus.context import company_seal, state_seal

    seal = state_seal(f"SỞ CÔNG THƯƠNG {ctx.province_upper}") if official else (
        company_seal(ctx.applicant) if ctx.applicant.kind != "hkd" else None)
    name = ctx.person().name if official else ctx.applicant.representative.name
    signer = b.Signer(tuple(b.Line(t, bold=True, size=12.5) for t in split_lines(heading, 28)), name,
                      "(chữ ký, họ tên)" if not official else "", seal)
    return b.SignatureRow(None, signer)


def _form(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[b.Block], str]:
    a = ctx.applicant
    filed = ctx.before(1, 12)
    blocks: list[b.Block] = [*_national(ctx, True), _date_right(ctx, filed), _title_block(ctx, doc_type)]
    blocks.append(b.para(("Nơi nhận đơn: ", "b"), f"Sở Công Thương {ctx.province.name}", indent_mm=0, align="left"))
    rows = [("Mã số thuế / mã số đăng ký", a.tax_code), (f"Tên {_KIND_NAMES[a.kind].lower()}", a.name),
            ("Trụ sở", a.address.text(ctx.submitted)), ("Người đại diện", f"{a.representative.name} ({a.rep_position})"),
            ("Số định danh cá nhân", a.representative.id_number), ("Liên hệ", a.phone)]
    ctx.rng.shuffle(rows)
    blocks.append(b.Table((b.Column("Thông tin", 0.38), b.Column("Kê khai", 0.62)), tuple(rows), size=11.5))
    kinds = ["Cấp mới", "Cấp lại", "Sửa đổi, bổ sung"]
    ticked = ctx.rng.randrange(len(kinds))
    boxes = "   ".join(f"[{'x' if i == ticked else ' '}] {k}" for i, k in enumerate(kinds))
    blocks.append(b.para(("Loại yêu cầu: ", "b"), boxes, indent_mm=0, align="left", space_after_mm=2))
    blocks.append(b.para(f"Căn cứ quy định hiện hành, {_KIND_NAMES[a.kind].lower()} chúng tôi kính đề nghị quý cơ quan "
                         f"xem xét, giải quyết: {doc_type.name.lower()}.", indent_mm=8))
    blocks.append(_filled("Địa điểm kinh doanh:", a.address.text(ctx.submitted)))
    blocks.append(_filled("Thời gian dự kiến:", f"từ {vn_date(ctx.submitted)} trở đi"))
    blocks.append(b.para(("Hồ sơ gửi kèm:", "b"), indent_mm=0, align="left", space_after_mm=0.5))
    for number, item in enumerate(("bản sao giấy tờ đăng ký kinh doanh", "các giấy tờ khác theo quy định"), start=1):
        blocks.append(b.para(f"({number}) {item};", indent_mm=6, align="left", space_after_mm=0.5))
    blocks.append(b.para("Chúng tôi bảo đảm các thông tin kê khai là đúng sự thật và xin chịu mọi trách nhiệm nếu "
                         "có sai lệch.", indent_mm=8, space_after_mm=4))
    blocks.append(_signature(ctx, "ĐẠI DIỆN " + _KIND_NAMES[a.kind].upper()))
    return blocks, a.name


def _grant(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[b.Block], str]:
    a = ctx.applicant
    issued = ctx.before(30, 900)
    body = f"SỞ CÔNG THƯƠNG {ctx.province_upper}"
    blocks: list[b.Block] = [b.Lines((b.Line(f"UBND {ctx.province_upper}", size=12), b.Line(body, bold=True, size=12),
                                      b.Line(f"Số: {ctx.serial()}/{issued.year}/SCT", size=12)), space_after_mm=1),
                             *_national(ctx, False), _date_right(ctx, issued), _title_block(ctx, doc_type)]
    blocks.append(b.para(("Căn cứ văn bản pháp luật chuyên ngành và hồ sơ do tổ chức, cá nhân nộp;", "i"),
                         indent_mm=8, size=12))
    blocks.append(b.para(("Điều 1. ", "b"), f"Chứng nhận/cho phép: {a.name}, mã số {a.tax_code}, trụ sở "
                         f"{a.address.text(ctx.submitted)}.", indent_mm=8))
    blocks.append(b.para(("Điều 2. ", "b"), f"Phạm vi: theo {doc_type.name.lower()}; người đại diện "
                         f"{a.representative.name}.", indent_mm=8))
    until = issued.replace(year=issued.year + 5)
    blocks.append(b.para(("Điều 3. ", "b"), f"Văn bản có giá trị đến hết ngày {vn_date(until)}.", indent_mm=8,
                         space_after_mm=4))
    blocks.append(_signature(ctx, "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC", official=True))
    return blocks, body.title()


def _contract(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[b.Block], str]:
    a, other = ctx.applicant, ctx.other("b-partner")
    signed = ctx.before(20, 400)
    blocks: list[b.Block] = [*_national(ctx, False), _title_block(ctx, doc_type)]
    blocks.append(b.para(f"Hôm nay, {long_date(signed)}, tại {other.address.text(ctx.submitted)}, chúng tôi gồm:",
                         indent_mm=0, align="left"))
    for side, party in (("BÊN GIAO (Bên A)", other), ("BÊN NHẬN (Bên B)", a)):
        rows = ((side, party.name), ("Mã số thuế", party.tax_code), ("Đại diện", party.representative.name),
                ("Địa chỉ", party.address.text(ctx.submitted)))
        blocks.append(b.Table((b.Column("", 0.3), b.Column("", 0.7)), rows, size=11.5))
    clauses = ("ĐIỀU 1: PHẠM VI", "ĐIỀU 2: GIÁ CẢ VÀ THANH TOÁN", "ĐIỀU 3: GIAO NHẬN", "ĐIỀU 4: TRÁCH NHIỆM CÁC BÊN",
               "ĐIỀU 5: HIỆU LỰC")
    for clause in clauses:
        blocks.append(b.Lines((b.Line(clause, bold=True, size=12.5, align="left"),), space_after_mm=0.5))
        blocks.append(b.para(f"Hai bên thống nhất nội dung {clause.split(': ')[1].lower()} theo từng đơn đặt hàng; "
                             f"giá trị ước tính {money(ctx.rng.randint(50, 900) * 1_000_000)} đồng mỗi quý, "
                             "thanh toán bằng chuyển khoản trong vòng mười lăm ngày.", indent_mm=8))
    blocks.append(b.SignatureRow(b.Signer((b.Line("BÊN A", bold=True),), other.representative.name, "",
                                          None), b.Signer((b.Line("BÊN B", bold=True),), a.representative.name, "", None)))
    return blocks, other.name


def _table(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[b.Block], str]:
    a = ctx.applicant
    blocks: list[b.Block] = [*_national(ctx, True), _title_block(ctx, doc_type)]
    blocks.append(_filled("Đơn vị lập:", a.name))
    count = ctx.rng.randint(4, 9)
    rows = []
    for number in range(1, count + 1):
        person = ctx.person()
        rows.append((str(number), person.name if "danh-sach" in doc_type.id else f"Hạng mục {number:02d}",
                     str(ctx.rng.randint(1, 20)), ctx.rng.choice(["Đạt", "Tốt", "Còn sử dụng"])))
    rows.append(("", "Cộng", str(sum(int(r[2]) for r in rows)), ""))
    columns = (b.Column("TT", 0.08, "center"), b.Column("Tên / họ tên", 0.5), b.Column("Số lượng", 0.14, "center"),
               b.Column("Ghi chú", 0.28))
    blocks.append(b.Table(columns, tuple(rows), size=11.5))
    blocks.append(b.Spacer(4))
    blocks.append(_signature(ctx, "NGƯỜI LẬP BIỂU"))
    return blocks, a.name


def _letter(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[b.Block], str]:
    writer = ctx.other("b-writer")
    on = ctx.before(5, 120)
    blocks: list[b.Block] = [b.Lines((b.Line(writer.name, bold=True, size=12, align="left"),
                                      b.Line(f"Số: {ctx.serial()}/CV", size=12, align="left"),
                                      b.Line("V/v giới thiệu thương nhân", italic=True, size=11, align="left")),
                                     space_after_mm=1), *_national(ctx, False), _date_right(ctx, on),
                             _title_block(ctx, doc_type)]
    blocks.append(b.para(f"Chúng tôi, {writer.name}, xác nhận {ctx.applicant.name} (mã số {ctx.applicant.tax_code}) là "
                         "đối tác tham gia hệ thống phân phối của chúng tôi và đề nghị cơ quan có thẩm quyền tạo điều kiện.",
                         indent_mm=8, space_after_mm=4))
    blocks.append(_signature(ctx, "GIÁM ĐỐC"))
    return blocks, writer.name


def _prose(ctx: DossierContext, doc_type: DocumentType) -> tuple[list[b.Block], str]:
    a = ctx.applicant
    blocks: list[b.Block] = [*_national(ctx, ctx.rng.random() < 0.5), _title_block(ctx, doc_type)]
    for roman, heading in (("I", "THÔNG TIN CHUNG"), ("II", "NỘI DUNG CHÍNH"), ("III", "CAM KẾT")):
        blocks.append(b.Lines((b.Line(f"{roman}. {heading}", bold=True, size=12.5, align="left"),), space_after_mm=0.5))
        for _ in range(ctx.rng.randint(1, 3)):
            blocks.append(b.para(f"- {doc_type.name} của {a.name}: diện tích {ctx.rng.randint(20, 400)} m², "
                                 f"thời gian từ {vn_date(ctx.before(10, 90))}, áp dụng tại {a.address.province.place}.",
                                 indent_mm=4, align="left"))
    blocks.append(_signature(ctx, "ĐẠI DIỆN CƠ SỞ"))
    return blocks, a.name


def _stray(ctx: DossierContext, doc_type: DocumentType) -> list[b.Block]:
    a = ctx.applicant
    blocks: list[b.Block] = [b.Lines((b.Line(doc_type.title_phrases[0], bold=True, size=15),), space_after_mm=3)]
    blocks.append(_filled("Người nộp / đơn vị:", a.name))
    blocks.append(_filled("Mã số thuế:", a.tax_code))
    rows = tuple((str(i), ctx.rng.choice(["Lệ phí", "Phí thẩm định", "Hàng hóa"]),
                  money(ctx.rng.randint(1, 40) * 100_000)) for i in range(1, ctx.rng.randint(2, 5)))
    blocks.append(b.Table((b.Column("STT", 0.1), b.Column("Nội dung", 0.6), b.Column("Số tiền", 0.3, "right")), rows))
    blocks.append(_signature(ctx, "NGƯỜI NỘP TIỀN"))
    return blocks


def _copy_stamp(ctx: DossierContext) -> b.CopyCertification:
    from sohoa.tools.corpus.context import state_seal

    on = ctx.before(1, 20)
    lines = ("SAO Y BẢN CHÍNH", f"Quyển số {ctx.rng.randint(1, 9)} - Số {ctx.rng.randint(10, 999)}/SY",
             f"Ngày {vn_date(on)}")
    signer = b.Signer((b.Line("CÔNG CHỨNG VIÊN", bold=True, size=11),), ctx.person().name, "",
                      state_seal(f"VĂN PHÒNG CÔNG CHỨNG {ctx.province.place.upper()}"))
    return b.CopyCertification(lines, signer)
