"""Lists and tables of the applicant (equipment, products, staff, test results)."""

from __future__ import annotations

from collections.abc import Callable

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.context import DossierContext, business_header, business_signer, doc_title, make_spec, symbol, title
from sohoa.tools.corpus.vi_data import date_line, vn_date

TableContent = tuple[str, tuple[b.Column, ...], list[tuple[str, ...]], list[b.Block]]


def build_table_document(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """A list of the applicant laid out as a ruled table between an intro and the signature."""
    a = ctx.applicant
    issued = ctx.before(1, 20)
    number = symbol(a, "BK", issued, ctx.serial())
    intro, columns, rows, after = TABLES.get(doc_type.id, _test_results)(ctx)
    blocks: list[b.Block] = [business_header(a, number, date_line(a.address.province.place, issued)),
                             title(doc_title(doc_type)), b.para(intro, space_after_mm=3),
                             b.Table(columns, tuple(rows)), *after]
    signer = business_signer(a, "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT")
    blocks.append(b.SignatureRow(None, signer))
    return make_spec(doc_type, component, blocks, number=number, issued=issued, issuer=a.name, signer=signer.name,
                     ctx=ctx, tax_code=a.tax_code, rows=str(len(rows)))


def _equipment(ctx: DossierContext) -> TableContent:
    rng = ctx.rng
    items = [
        ("Cột bơm xăng dầu điện tử", rng.choice(["Tatsuno SUNNY", "Tokico FRG", "Gilbarco Euro"]), str(rng.randint(2, 6)), "cột"),
        ("Bể chứa xăng dầu ngầm hai vỏ", f"{rng.choice([25, 30, 50])} m³", str(rng.randint(2, 4)), "bể"),
        ("Hệ thống thu hồi hơi xăng", "giai đoạn 1", "1", "hệ thống"),
        ("Bình chữa cháy bột MFZ8", "8 kg", str(rng.randint(6, 12)), "bình"),
        ("Bình chữa cháy xe đẩy MFTZ35", "35 kg", str(rng.randint(1, 2)), "bình"),
        ("Chăn chiên chữa cháy", "1,2 m x 1,8 m", str(rng.randint(2, 4)), "chiếc"),
        ("Thùng cát chữa cháy", "1 m³", "1", "thùng"),
        ("Máy phát điện dự phòng", f"{rng.choice([15, 20, 30])} kVA", "1", "máy"),
        ("Hệ thống chống sét", "kim thu sét", "1", "hệ thống"),
        ("Camera giám sát", "IP 4MP", str(rng.randint(4, 8)), "chiếc"),
    ]
    rows = [(str(i), name, spec, qty, unit, rng.choice(["Tốt", "Tốt", "Đang sử dụng"]))
            for i, (name, spec, qty, unit) in enumerate(items, start=1)]
    columns = (b.Column("STT", 0.6, "center"), b.Column("Tên trang thiết bị", 3.2), b.Column("Ký hiệu, thông số", 2.0),
               b.Column("Số lượng", 1.0, "center"), b.Column("Đơn vị", 1.0, "center"), b.Column("Tình trạng", 1.3))
    intro = (f"{ctx.applicant.name} kê khai trang thiết bị của cửa hàng bán lẻ xăng dầu tại "
             f"{ctx.fake.address(ctx.province).text(ctx.submitted)} như sau:")
    return intro, columns, rows, [b.para("Chúng tôi cam kết các thông tin kê khai trên là đúng sự thật.", space_after_mm=4)]


def _wines(ctx: DossierContext) -> TableContent:
    rng = ctx.rng
    names = rng.sample(["Rượu Vodka Sao Mai", "Rượu Nếp Cái Hoa Vàng", "Rượu Mơ Yên Tử", "Rượu Vang Đỏ Bình Minh",
                        "Rượu Trắng Làng Vân", "Rượu Chuối Hột", "Rượu Táo Mèo"], 4)
    rows = [(str(i), name, f"{rng.choice(['29,5', '39,5', '12', '15', '35'])}% vol", f"{rng.choice([300, 500, 650, 750])} ml",
             rng.choice(["chai thủy tinh", "chai sứ"]), "kèm nhãn") for i, name in enumerate(names, start=1)]
    columns = (b.Column("STT", 0.6, "center"), b.Column("Tên hàng hóa rượu", 3.0), b.Column("Độ cồn", 1.2, "center"),
               b.Column("Dung tích", 1.2, "center"), b.Column("Quy cách đóng chai", 1.8), b.Column("Ghi chú", 1.0))
    first = rows[0]
    label = b.Drawing("label", 62, (first[1].removeprefix("Rượu ").upper(), "RƯỢU", f"Độ cồn: {first[2]}",
                                    f"Dung tích: {first[3]}", f"Sản xuất tại: {ctx.province.place}"), seed=rng.randint(0, 10**6))
    after: list[b.Block] = [b.para("Bản sao nhãn hàng hóa rượu (mẫu):", indent_mm=0, space_after_mm=1), label]
    return "Danh mục sản phẩm rượu thương nhân đề nghị sản xuất, kinh doanh:", columns, rows, after


def _people(ctx: DossierContext, health: bool) -> TableContent:
    rng = ctx.rng
    rows = []
    for i in range(1, rng.randint(5, 9)):
        person = ctx.person()
        checked = ctx.before(20, 300)
        role = "Chủ cơ sở" if i == 1 else rng.choice(["Công nhân sản xuất", "Nhân viên bán hàng", "Thủ kho", "Kỹ thuật viên"])
        result = rng.choice(["Đủ sức khỏe", "Đủ sức khỏe"]) if health else "Đạt"
        rows.append((str(i), person.name, str(person.birth.year), role, vn_date(checked), result))
    last = "Kết luận" if health else "Kết quả"
    date_col = "Ngày khám" if health else "Ngày xác nhận"
    columns = (b.Column("STT", 0.6, "center"), b.Column("Họ và tên", 2.6), b.Column("Năm sinh", 1.1, "center"),
               b.Column("Vị trí công việc", 2.2), b.Column(date_col, 1.5, "center"), b.Column(last, 1.5))
    what = "đã được khám và đủ sức khỏe" if health else "đã được xác nhận kiến thức về an toàn thực phẩm"
    intro = f"Danh sách chủ cơ sở và người trực tiếp sản xuất, kinh doanh thực phẩm của {ctx.applicant.name} {what}:"
    return intro, columns, rows, [b.Spacer(3)]


def _test_results(ctx: DossierContext) -> TableContent:
    rng = ctx.rng
    rows = [("1", "Hàm lượng etanol", "% v/v", "TCVN 8008:2009", f"{rng.uniform(28, 40):.1f}".replace(".", ",")),
            ("2", "Hàm lượng metanol", "mg/l etanol", "TCVN 8010:2009", f"{rng.randint(20, 300)}"),
            ("3", "Hàm lượng aldehyt", "mg/l etanol", "TCVN 8009:2009", f"{rng.randint(5, 40)}"),
            ("4", "Chì (Pb)", "mg/l", "AOAC 999.10", "Không phát hiện"),
            ("5", "Tổng số vi sinh vật hiếu khí", "CFU/ml", "TCVN 4884-1:2015", f"{rng.randint(1, 90)}")]
    columns = (b.Column("STT", 0.6, "center"), b.Column("Chỉ tiêu thử nghiệm", 3.0), b.Column("Đơn vị", 1.5, "center"),
               b.Column("Phương pháp thử", 2.2), b.Column("Kết quả", 1.7, "center"))
    intro = (f"Tên mẫu thử: sản phẩm của {ctx.applicant.name}. Ngày nhận mẫu: {vn_date(ctx.before(20, 90))}. "
             "Kết quả thử nghiệm như sau:")
    return intro, columns, rows, [b.para("Kết quả thử nghiệm chỉ có giá trị đối với mẫu thử.", space_after_mm=4)]


TABLES: dict[str, Callable[[DossierContext], TableContent]] = {
    "ban-ke-thiet-bi-xang-dau": _equipment,
    "ban-liet-ke-hang-hoa-ruou": _wines,
    "danh-sach-xac-nhan-suc-khoe": lambda ctx: _people(ctx, True),
    "danh-sach-tap-huan-attp": lambda ctx: _people(ctx, False),
    "phieu-ket-qua-thu-nghiem": _test_results,
}
