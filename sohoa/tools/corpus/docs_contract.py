"""Contracts (hợp đồng nguyên tắc, hợp đồng thuê): long, often two or three pages."""

from __future__ import annotations

import datetime as dt

from sohoa.catalog import Component, DocumentType
from sohoa.tools.corpus import blocks as b
from sohoa.tools.corpus.context import DossierContext, business_signer, centred_national, doc_title, make_spec, title
from sohoa.tools.corpus.vi_data import Business, Person, long_date, money

PRINCIPLE_ARTICLES = [
    ("Điều 1. Nội dung hợp đồng",
     ["Bên A đồng ý bán và Bên B đồng ý mua các sản phẩm rượu do Bên A sản xuất hoặc phân phối để kinh doanh theo "
      "hình thức {mode} trên địa bàn {province}.",
      "Chủng loại, số lượng, giá cả cụ thể của từng lần giao hàng được hai bên thỏa thuận bằng đơn đặt hàng hoặc "
      "phụ lục hợp đồng; đơn đặt hàng và phụ lục là bộ phận không tách rời của hợp đồng này."]),
    ("Điều 2. Chất lượng và nhãn hàng hóa",
     ["Sản phẩm do Bên A cung cấp phải bảo đảm chất lượng theo công bố sản phẩm, có nhãn hàng hóa đầy đủ theo quy "
      "định và dán tem rượu theo quy định của pháp luật."]),
    ("Điều 3. Giá cả và phương thức thanh toán",
     ["Giá bán theo bảng giá do Bên A thông báo tại thời điểm đặt hàng, đã bao gồm thuế giá trị gia tăng.",
      "Bên B thanh toán bằng chuyển khoản vào tài khoản của Bên A trong thời hạn {days} ngày kể từ ngày nhận hàng "
      "và hóa đơn giá trị gia tăng hợp lệ."]),
    ("Điều 4. Giao nhận hàng hóa",
     ["Địa điểm giao hàng tại kho của Bên B. Chi phí vận chuyển do Bên A chịu, trừ trường hợp hai bên có thỏa thuận "
      "khác. Khi giao nhận, hai bên lập biên bản giao nhận ghi rõ chủng loại, số lượng và tình trạng hàng hóa."]),
    ("Điều 5. Quyền và nghĩa vụ của Bên A",
     ["Cung cấp đầy đủ hồ sơ pháp lý của sản phẩm; giao hàng đúng chủng loại, số lượng và thời gian đã thỏa thuận; "
      "hỗ trợ Bên B trong hoạt động quảng bá sản phẩm theo quy định của pháp luật."]),
    ("Điều 6. Quyền và nghĩa vụ của Bên B",
     ["Chỉ mua sản phẩm rượu từ hệ thống phân phối của Bên A đối với các sản phẩm nêu trong hợp đồng; không bán "
      "rượu cho người dưới 18 tuổi; niêm yết giá và thực hiện đúng các quy định về kinh doanh rượu.",
      "Thanh toán đầy đủ, đúng hạn theo Điều 3 của hợp đồng này."]),
    ("Điều 7. Thời hạn hợp đồng",
     ["Hợp đồng có hiệu lực kể từ ngày ký đến hết {until}. Trước khi hết hạn 30 ngày, nếu không bên nào có ý kiến "
      "khác thì hợp đồng được tự động gia hạn thêm 01 năm."]),
    ("Điều 8. Giải quyết tranh chấp",
     ["Trong quá trình thực hiện, nếu có vướng mắc, hai bên cùng bàn bạc giải quyết trên tinh thần hợp tác. Trường "
      "hợp không thương lượng được, tranh chấp được đưa ra Tòa án nhân dân có thẩm quyền giải quyết."]),
]

LEASE_ARTICLES = [
    ("Điều 1. Đối tượng của hợp đồng",
     ["Bên cho thuê đồng ý cho Bên thuê thuê mặt bằng tại {address}, diện tích sử dụng {area} m², để làm địa điểm "
      "kinh doanh."]),
    ("Điều 2. Thời hạn thuê",
     ["Thời hạn thuê là {years} năm, kể từ {start}. Hết thời hạn, Bên thuê được ưu tiên gia hạn nếu có nhu cầu."]),
    ("Điều 3. Giá thuê và phương thức thanh toán",
     ["Giá thuê là {rent} đồng/tháng, chưa bao gồm tiền điện, nước. Tiền thuê được thanh toán 03 tháng một lần "
      "vào 05 ngày đầu của kỳ thanh toán, bằng tiền mặt hoặc chuyển khoản.",
      "Bên thuê đặt cọc cho Bên cho thuê số tiền {deposit} đồng để bảo đảm thực hiện hợp đồng."]),
    ("Điều 4. Quyền và nghĩa vụ của Bên cho thuê",
     ["Giao mặt bằng đúng thời hạn; bảo đảm quyền sử dụng ổn định của Bên thuê trong thời hạn thuê; phối hợp với "
      "Bên thuê trong việc thực hiện các thủ tục đăng ký kinh doanh tại địa điểm thuê."]),
    ("Điều 5. Quyền và nghĩa vụ của Bên thuê",
     ["Sử dụng mặt bằng đúng mục đích; thanh toán tiền thuê đúng hạn; không được cho thuê lại khi chưa có sự đồng ý "
      "bằng văn bản của Bên cho thuê; tuân thủ các quy định về phòng cháy, chữa cháy và vệ sinh môi trường."]),
    ("Điều 6. Chấm dứt hợp đồng",
     ["Bên nào muốn chấm dứt hợp đồng trước thời hạn phải báo trước cho bên kia ít nhất 60 ngày. Bên đơn phương "
      "chấm dứt hợp đồng trái quy định phải bồi thường thiệt hại cho bên kia theo quy định của pháp luật."]),
    ("Điều 7. Điều khoản chung",
     ["Hai bên cam kết thực hiện đúng các điều khoản đã thỏa thuận. Mọi sửa đổi, bổ sung phải được lập thành văn bản "
      "có chữ ký của hai bên."]),
]


def build_contract(ctx: DossierContext, doc_type: DocumentType, component: Component | None) -> b.DocumentSpec:
    """A contract between the applicant and a counterpart (supplier, retailer or landlord)."""
    lease = doc_type.id == "hop-dong-thue-dia-diem"
    signed = ctx.before(30, 400)
    number = f"{ctx.serial():02d}/{signed.year}/{'HĐTMB' if lease else 'HĐNT'}"
    blocks: list[b.Block] = [centred_national(), title(doc_title(doc_type)),
                             b.para(f"Số: {number}", align="center", indent_mm=0, space_after_mm=3)]
    bases = ["Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;"]
    if not lease:
        bases.append("Căn cứ Luật Thương mại số 36/2005/QH11 ngày 14 tháng 6 năm 2005;")
        bases.append("Căn cứ Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu;")
    bases.append("Căn cứ nhu cầu và khả năng của hai bên.")
    blocks += [b.para((text, "i"), space_after_mm=0.6) for text in bases]
    place = ctx.applicant.address.province.place
    blocks.append(b.para(f"Hôm nay, {long_date(signed)}, tại {place}, chúng tôi gồm:", space_after_mm=2))
    # the applicant buys from a supplier, unless the component asks for its contracts with retailers
    sells = component is not None and "bán lẻ" in component.name and "nhà cung cấp" not in component.name
    parties, signers, counterpart = _lease_parties(ctx) if lease else _trade_parties(ctx, sells)
    blocks += parties
    blocks.append(b.para("Hai bên thống nhất ký kết hợp đồng với các điều khoản sau:", space_after_mm=2))
    articles = LEASE_ARTICLES if lease else PRINCIPLE_ARTICLES
    values = _values(ctx, signed, "bán lẻ" if sells else ctx.rng.choice(["bán lẻ", "bán buôn"]))
    keep = ctx.rng.randint(len(articles) - 2, len(articles))
    for heading, paragraphs in articles[:keep]:
        blocks.append(b.para((heading, "b"), indent_mm=0, space_after_mm=0.8, align="left"))
        blocks += [b.para(text.format(**values), space_after_mm=0.8) for text in paragraphs]
    blocks.append(b.para("Hợp đồng được lập thành 04 bản có giá trị pháp lý như nhau, mỗi bên giữ 02 bản.",
                         space_after_mm=5))
    blocks.append(b.SignatureRow(*signers))
    return make_spec(doc_type, component, blocks, number=number, issued=signed, issuer=ctx.applicant.name,
                     signer=ctx.applicant.representative.name, ctx=ctx, counterpart=counterpart)


Parties = tuple[list[b.Block], tuple[b.Signer, b.Signer], str]


def _lease_parties(ctx: DossierContext) -> Parties:
    landlord = ctx.person()
    blocks = _party_person("BÊN CHO THUÊ (sau đây gọi là Bên A)", landlord, ctx)
    blocks += _party_business("BÊN THUÊ (sau đây gọi là Bên B)", ctx.applicant, ctx)
    landlord_signer = b.Signer((b.Line("BÊN CHO THUÊ", bold=True),), landlord.name, "(Ký, ghi rõ họ tên)")
    return blocks, (landlord_signer, business_signer(ctx.applicant, "BÊN THUÊ")), landlord.name


def _trade_parties(ctx: DossierContext, applicant_sells: bool) -> Parties:
    other = ctx.other("retailer" if applicant_sells else "supplier")
    seller, buyer = (ctx.applicant, other) if applicant_sells else (other, ctx.applicant)
    blocks = _party_business("BÊN A (Bên bán)", seller, ctx) + _party_business("BÊN B (Bên mua)", buyer, ctx)
    signers = (business_signer(seller, "ĐẠI DIỆN BÊN A"), business_signer(buyer, "ĐẠI DIỆN BÊN B"))
    return blocks, signers, other.name


def _values(ctx: DossierContext, signed: dt.date, mode: str) -> dict[str, object]:
    return {
        "mode": mode, "province": ctx.province.name, "days": ctx.rng.choice([15, 30, 45]),
        "until": long_date(signed.replace(day=28).replace(year=signed.year + 2)),
        "address": ctx.fake.address(ctx.province).text(signed), "area": ctx.rng.randint(25, 180),
        "years": ctx.rng.choice([3, 5]), "start": long_date(signed), "rent": money(ctx.rng.randint(8, 45) * 1_000_000),
        "deposit": money(ctx.rng.randint(20, 90) * 1_000_000),
    }


def _party_business(label: str, business: Business, ctx: DossierContext) -> list[b.Block]:
    rows = [("Địa chỉ", business.address.text(ctx.submitted)), ("Mã số doanh nghiệp", business.tax_code),
            ("Điện thoại", business.phone),
            ("Người đại diện", f"{business.representative.title} {business.representative.name}, chức vụ: {business.rep_position}")]
    blocks: list[b.Block] = [b.para((f"{label}: ", "b"), (business.name, "b"), indent_mm=0, space_after_mm=0.8, align="left")]
    blocks += [b.para(f"{k}: {v}", indent_mm=0, left_mm=5, space_after_mm=0.5, align="left") for k, v in rows]
    blocks.append(b.Spacer(1.5))
    return blocks


def _party_person(label: str, person: Person, ctx: DossierContext) -> list[b.Block]:
    rows = [("Số định danh cá nhân", person.id_number), ("Địa chỉ thường trú", person.address.text(ctx.submitted))]
    blocks: list[b.Block] = [b.para((f"{label}: ", "b"), (f"{person.title} {person.name}", "b"), indent_mm=0,
                                    space_after_mm=0.8, align="left")]
    blocks += [b.para(f"{k}: {v}", indent_mm=0, left_mm=5, space_after_mm=0.5, align="left") for k, v in rows]
    blocks.append(b.Spacer(1.5))
    return blocks
