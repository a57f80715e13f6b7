"""Plausible Vietnamese people, companies, addresses, numbers and dates for synthetic dossiers.

Everything is drawn from a ``random.Random`` passed in, so output is deterministic per seed.
The data is invented; any resemblance to real persons or companies is coincidental.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

TWO_LEVEL_FROM = dt.date(2025, 7, 1)
"""From this date local government has two levels: addresses no longer name a district."""

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Tạ"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Tiến", "Quang", "Mạnh"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thùy", "Bích", "Kim"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong",
           "Phúc", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Hưng", "Lộc", "Thành"]
GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
           "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Yến", "Loan"]

COMPANY_FORMS = [
    ("CÔNG TY TRÁCH NHIỆM HỮU HẠN", "CÔNG TY TNHH", "Công ty trách nhiệm hữu hạn hai thành viên trở lên"),
    ("CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN", "CÔNG TY TNHH MTV", "Công ty trách nhiệm hữu hạn một thành viên"),
    ("CÔNG TY CỔ PHẦN", "CÔNG TY CP", "Công ty cổ phần"),
]
COMPANY_TRADES = ["THƯƠNG MẠI", "THƯƠNG MẠI VÀ DỊCH VỤ", "ĐẦU TƯ VÀ PHÁT TRIỂN", "XUẤT NHẬP KHẨU",
                  "SẢN XUẤT VÀ THƯƠNG MẠI", "DỊCH VỤ TỔNG HỢP", "PHÂN PHỐI"]
BRANDS = ["HOÀNG LONG", "MINH ANH", "PHÚ THỊNH", "AN PHÁT", "THÀNH CÔNG", "ĐẠI VIỆT", "SAO MAI",
          "HƯNG THỊNH", "TÂN PHÁT", "BẢO NGỌC", "NAM SƠN", "TRƯỜNG AN", "HẢI ĐĂNG", "KIM NGÂN",
          "THIÊN PHÚ", "VẠN XUÂN", "ĐÔNG Á", "BÌNH MINH", "PHƯƠNG NAM", "HÒA BÌNH"]
BRANDS_EN = {"HOÀNG LONG": "HOANG LONG", "MINH ANH": "MINH ANH", "PHÚ THỊNH": "PHU THINH",
             "AN PHÁT": "AN PHAT", "THÀNH CÔNG": "THANH CONG", "ĐẠI VIỆT": "DAI VIET", "SAO MAI": "SAO MAI",
             "HƯNG THỊNH": "HUNG THINH", "TÂN PHÁT": "TAN PHAT", "BẢO NGỌC": "BAO NGOC", "NAM SƠN": "NAM SON",
             "TRƯỜNG AN": "TRUONG AN", "HẢI ĐĂNG": "HAI DANG", "KIM NGÂN": "KIM NGAN",
             "THIÊN PHÚ": "THIEN PHU", "VẠN XUÂN": "VAN XUAN", "ĐÔNG Á": "DONG A", "BÌNH MINH": "BINH MINH",
             "PHƯƠNG NAM": "PHUONG NAM", "HÒA BÌNH": "HOA BINH"}
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Phan Đình Phùng", "Nguyễn Du", "Điện Biên Phủ", "Lê Duẩn", "Hùng Vương", "Bà Triệu",
           "Nguyễn Văn Cừ", "Trường Chinh", "Võ Nguyên Giáp", "Lạc Long Quân", "Cách Mạng Tháng Tám"]


@dataclass(frozen=True)
class Province:
    """A province-level unit with some of its wards: (ward after 07/2025, ward before, district before)."""

    name: str  # "thành phố Hà Nội"
    place: str  # "Hà Nội" as written on the date line
    tax_prefix: str  # first digits of tax codes registered there
    id_prefix: str  # first 3 digits of CCCD numbers
    city: bool  # thành phố trực thuộc trung ương
    wards: tuple[tuple[str, str, str], ...]


PROVINCES = (
    Province("thành phố Hà Nội", "Hà Nội", "01", "001", True, (
        ("phường Cầu Giấy", "phường Dịch Vọng Hậu", "quận Cầu Giấy"),
        ("phường Ba Đình", "phường Quán Thánh", "quận Ba Đình"),
        ("phường Hoàn Kiếm", "phường Hàng Trống", "quận Hoàn Kiếm"),
        ("phường Hà Đông", "phường Quang Trung", "quận Hà Đông"),
        ("xã Gia Lâm", "thị trấn Trâu Quỳ", "huyện Gia Lâm"))),
    Province("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", "03", "079", True, (
        ("phường Sài Gòn", "phường Bến Nghé", "Quận 1"),
        ("phường Bàn Cờ", "phường 3", "Quận 3"),
        ("phường Tân Định", "phường Tân Định", "Quận 1"),
        ("phường Thủ Đức", "phường Linh Tây", "thành phố Thủ Đức"))),
    Province("thành phố Hải Phòng", "Hải Phòng", "02", "031", True, (
        ("phường Hồng Bàng", "phường Hoàng Văn Thụ", "quận Hồng Bàng"),
        ("phường Lê Chân", "phường An Biên", "quận Lê Chân"))),
    Province("tỉnh Thanh Hóa", "Thanh Hóa", "28", "038", False, (
        ("phường Hạc Thành", "phường Điện Biên", "thành phố Thanh Hóa"),
        ("phường Sầm Sơn", "phường Trường Sơn", "thành phố Sầm Sơn"))),
    Province("tỉnh Thái Nguyên", "Thái Nguyên", "46", "019", False, (
        ("phường Phan Đình Phùng", "phường Trưng Vương", "thành phố Thái Nguyên"),
        ("phường Phổ Yên", "phường Ba Hàng", "thành phố Phổ Yên"))),
    Province("tỉnh Nghệ An", "Nghệ An", "29", "040", False, (
        ("phường Trường Vinh", "phường Lê Mao", "thành phố Vinh"),
        ("phường Cửa Lò", "phường Nghi Thủy", "thị xã Cửa Lò"))),
    Province("thành phố Đà Nẵng", "Đà Nẵng", "04", "048", True, (
        ("phường Hải Châu", "phường Hải Châu I", "quận Hải Châu"),
        ("phường Thanh Khê", "phường Thanh Khê Tây", "quận Thanh Khê"))),
    Province("tỉnh Khánh Hòa", "Khánh Hòa", "42", "056", False, (
        ("phường Nha Trang", "phường Lộc Thọ", "thành phố Nha Trang"),)),
)


@dataclass(frozen=True)
class Address:
    """A street address; ``text(date)`` omits the district from 01/07/2025 on."""

    street: str
    ward_new: str
    ward_old: str
    district_old: str
    province: Province

    def text(self, on: dt.date) -> str:
        if on >= TWO_LEVEL_FROM:
            return f"{self.street}, {self.ward_new}, {self.province.name}"
        return f"{self.street}, {self.ward_old}, {self.district_old}, {self.province.name}"


@dataclass(frozen=True)
class Person:
    """A natural person with a 12-digit citizen identity number (CCCD)."""

    name: str
    female: bool
    birth: dt.date
    id_number: str
    address: Address

    @property
    def title(self) -> str:
        return "Bà" if self.female else "Ông"


@dataclass(frozen=True)
class Business:
    """An applicant or counterpart: enterprise (doanh nghiệp), cooperative or household business."""

    kind: str  # "dn", "htx" or "hkd"
    name: str  # printed name in capitals
    short_name: str
    english_name: str
    legal_form: str
    tax_code: str
    address: Address
    representative: Person
    rep_position: str
    phone: str
    email: str
    capital_vnd: int
    first_registered: dt.date


class VietnameseFaker:
    """Draws consistent synthetic data from one ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def province(self) -> Province:
        return self.rng.choice(PROVINCES)

    def address(self, province: Province | None = None) -> Address:
        province = province or self.province()
        ward_new, ward_old, district = self.rng.choice(province.wards)
        number = self.rng.choice([f"Số {self.rng.randint(1, 299)}", f"Số {self.rng.randint(2, 120)}/{self.rng.randint(1, 40)}"])
        street = f"{number} đường {self.rng.choice(STREETS)}"
        return Address(street, ward_new, ward_old, district, province)

    def person(self, province: Province | None = None, female: bool | None = None) -> Person:
        female = self.rng.random() < 0.45 if female is None else female
        middle = self.rng.choice(MIDDLE_F if female else MIDDLE_M)
        given = self.rng.choice(GIVEN_F if female else GIVEN_M)
        name = f"{self.rng.choice(FAMILY)} {middle} {given}"
        birth = dt.date(self.rng.randint(1962, 1996), self.rng.randint(1, 12), self.rng.randint(1, 28))
        address = self.address(province)
        century_digit = (1 if female else 0) + (0 if birth.year < 2000 else 2)
        id_number = f"{address.province.id_prefix}{century_digit}{birth.year % 100:02d}{self.rng.randint(0, 999999):06d}"
        return Person(name, female, birth, id_number, address)

    def tax_code(self, province: Province) -> str:
        """A 10-digit tax code (mã số doanh nghiệp) with the usual mod-11 check digit [R]."""
        weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
        while True:
            body = province.tax_prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(7))
            check = 10 - sum(int(d) * w for d, w in zip(body, weights)) % 11
            if 0 <= check <= 9:
                return body + str(check)

    def phone(self) -> str:
        prefix = self.rng.choice(["090", "091", "098", "097", "086", "088", "035", "024", "028"])
        return f"{prefix}{self.rng.randint(0, 9999999):07d}"

    def business(self, kind: str, province: Province, registered_before: dt.date) -> Business:
        brand = self.rng.choice(BRANDS)
        rep = self.person(province)
        address = self.address(province)
        first = registered_before - dt.timedelta(days=self.rng.randint(400, 3600))
        if kind == "hkd":
            name = f"HỘ KINH DOANH {self.rng.choice(['TẠP HÓA', 'CỬA HÀNG', 'ĐẠI LÝ'])} {rep.name.split()[-1].upper()} {brand.split()[0]}"
            return Business(kind, name, name.removeprefix("HỘ KINH DOANH "), "", "Hộ kinh doanh",
                            self.tax_code(province), address, rep, "Chủ hộ kinh doanh", self.phone(), "",
                            self.rng.choice([50, 100, 200, 300]) * 1_000_000, first)
        if kind == "htx":
            name = f"HỢP TÁC XÃ {self.rng.choice(['DỊCH VỤ TỔNG HỢP', 'THƯƠNG MẠI', 'NÔNG NGHIỆP VÀ DỊCH VỤ'])} {brand}"
            return Business(kind, name, f"HTX {brand}", "", "Hợp tác xã", self.tax_code(province), address, rep,
                            "Giám đốc", self.phone(), "", self.rng.choice([1, 2, 5]) * 1_000_000_000, first)
        form, short_form, legal = self.rng.choice(COMPANY_FORMS)
        trade = self.rng.choice(COMPANY_TRADES)
        en_suffix = "JOINT STOCK COMPANY" if "CỔ PHẦN" in form else "COMPANY LIMITED"
        email = f"info@{BRANDS_EN[brand].replace(' ', '').lower()}.vn"
        return Business(kind, f"{form} {trade} {brand}", f"{short_form} {brand}", f"{BRANDS_EN[brand]} {en_suffix}",
                        legal, self.tax_code(province), address, rep,
                        self.rng.choice(["Giám đốc", "Tổng Giám đốc", "Giám đốc"]), self.phone(), email,
                        self.rng.choice([1, 2, 3, 5, 10, 15, 20]) * 1_000_000_000, first)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))


def long_date(on: dt.date) -> str:
    """'ngày 05 tháng 3 năm 2026' (day < 10 and months 1–2 with a leading zero, as NĐ 30/2020 asks)."""
    day = f"{on.day:02d}" if on.day < 10 else str(on.day)
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {day} tháng {month} năm {on.year}"


def date_line(place: str, on: dt.date) -> str:
    """'Hà Nội, ngày 05 tháng 3 năm 2026'."""
    return f"{place}, {long_date(on)}"


def vn_date(on: dt.date) -> str:
    """dd/mm/yyyy."""
    return on.strftime("%d/%m/%Y")


def money(amount: int) -> str:
    """1.200.000.000 (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def initials(name: str) -> str:
    """Capital initials of a name, for document symbols (ký hiệu): 'HOÀNG LONG' -> 'HL'."""
    return "".join(word[0] for word in name.split() if word[0].isalpha()).upper()


def display_name(business: Business) -> str:
    """Short name in running text: 'CÔNG TY TNHH MTV HOÀNG LONG' -> 'Công ty TNHH MTV Hoàng Long'."""
    words = business.short_name.split()
    out = []
    for index, word in enumerate(words):
        if word in ("TNHH", "MTV", "CP", "HTX"):
            out.append(word)
        elif index == 1 and words[0] in ("CÔNG", "HỘ"):
            out.append(word.lower())
        else:
            out.append(word.capitalize())
    return " ".join(out)
