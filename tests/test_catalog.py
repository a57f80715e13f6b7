"""Tests of the procedure catalogue (sohoa.catalog)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from sohoa.catalog import (
    DATA_DIR,
    Catalog,
    CatalogError,
    Procedure,
    UnknownProcedure,
    UnknownVariant,
    load_catalog,
)

# code -> (number of components of the default variant, first words of each component in order)
EXPECTED = {
    "2.000004": ["Đăng ký thực hiện chương trình khuyến mại", "Thể lệ chương trình khuyến mại",
                 "Mẫu bằng chứng xác định trúng thưởng", "Bản sao giấy tờ về chất lượng"],
    "2.000162": ["Văn bản đề nghị cấp sửa đổi, bổ sung", "Bản sao Giấy phép bán lẻ sản phẩm thuốc lá",
                 "Các tài liệu chứng minh nhu cầu sửa đổi"],
    "2.000150": ["Văn bản đề nghị cấp lại", "Bản sao Giấy phép đã được cấp"],
    "2.000620": ["Đơn đề nghị cấp Giấy phép bán lẻ rượu", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
                 "Bản sao văn bản giới thiệu hoặc hợp đồng nguyên tắc"],
    "2.000648": ["Đơn đề nghị cấp Giấy chứng nhận cửa hàng", "Bản kê trang thiết bị",
                 "Tài liệu chứng minh tính hợp pháp về xây dựng", "Giấy tờ về phòng cháy, chữa cháy"],
    "SCT.RUOU-SX": ["Đơn đề nghị cấp Giấy phép sản xuất rượu công nghiệp", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
                    "Bản sao bản công bố sản phẩm rượu", "Bản sao quyết định phê duyệt báo cáo đánh giá tác động môi trường",
                    "Bản liệt kê tên hàng hóa rượu"],
    "SCT.RUOU-BB": ["Đơn đề nghị cấp Giấy phép bán buôn rượu", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
                    "Bản sao văn bản giới thiệu hoặc hợp đồng nguyên tắc", "Bản sao hợp đồng nguyên tắc hoặc thư xác nhận"],
    "SCT.ATTP": ["Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "Bản thuyết minh về cơ sở vật chất",
                 "Giấy xác nhận đủ sức khỏe", "Giấy xác nhận đã được tập huấn"],
    "SCT.HOACHAT-CAPLAI": ["Bản chính Giấy chứng nhận đã được cấp", "Văn bản đề nghị cấp lại"],
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_all_readme_procedures_present_in_order(catalog: Catalog) -> None:
    assert set(catalog.codes()) == set(EXPECTED)
    for code, starts in EXPECTED.items():
        components = catalog.get(code).variant(None).components
        assert [c.position for c in components] == list(range(1, len(starts) + 1)), code
        for component, start in zip(components, starts, strict=True):
            assert component.name.startswith(start), (code, component.name)


def test_facts_from_readme(catalog: Catalog) -> None:
    ruou = catalog.get("2.000620")
    assert ruou.processing_days == 10 and "8–10" in ruou.processing_days_note
    assert sorted(f.amount_vnd for f in ruou.fees) == [200_000, 400_000, 600_000, 1_200_000]
    assert ruou.verified.name and not ruou.verified.components
    assert ruou.variant(None).components[0].verified is True
    assert [d.id for d in ruou.variant(None).components[2].document_types] == ["van-ban-gioi-thieu", "hop-dong-nguyen-tac"]
    assert catalog.get("2.000648").processing_days == 20
    assert catalog.get("2.000150").variant(None).components[1].required is False  # "nếu có"
    thuoc_la = catalog.get("2.000162").variant("amend").components[2]
    assert thuoc_la.original_or_copy and thuoc_la.originals == 1 and thuoc_la.copies == 1
    assert catalog.get("2.000004").variant(None).components[3].copies == 1


def test_document_types_and_text_are_nfc(catalog: Catalog) -> None:
    types = catalog.document_types()
    assert "giay-chung-nhan-dkdn" in types
    for doc_type in types.values():
        for phrase in (doc_type.name, *doc_type.title_phrases, *doc_type.keywords):
            assert unicodedata.is_normalized("NFC", phrase)
        assert doc_type.title_phrases[0] == doc_type.title_phrases[0].upper()


def test_variant_lookup_and_models_are_frozen(catalog: Catalog) -> None:
    procedure = catalog.get("2.000620")
    assert procedure.variant(None) is procedure.variant("new")
    with pytest.raises(UnknownVariant, match="known variants: new"):
        procedure.variant("amend")
    with pytest.raises(Exception):
        procedure.processing_days = 3  # type: ignore[misc]


def test_provincial_suffix_is_ignored(catalog: Catalog) -> None:
    assert catalog.get("2.000648.000.00.00.H50").code == "2.000648"


def test_unknown_code_lists_suggestions(catalog: Catalog) -> None:
    with pytest.raises(UnknownProcedure) as info:
        catalog.get("2.00062")
    assert info.value.suggestions[0] == "2.000620"
    assert "closest known codes: 2.000620" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_load_catalog_is_cached() -> None:
    assert load_catalog() is load_catalog(DATA_DIR)


# --- broken data -------------------------------------------------------------------------------


def _copy_with(tmp_path: Path, edit) -> Path:
    """Copy the package data to tmp_path and apply ``edit`` to the parsed 2.000620.yaml."""
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    file = directory / "2.000620.yaml"
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    edit(raw)
    file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return directory


def _components(raw: dict) -> list[dict]:
    return raw["variants"][0]["components"]


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (lambda raw: raw.pop("authority"), "authority", "Field required"),
        (lambda raw: _components(raw)[2].update(position=4), "variants[0].components", "positions must be 1..3"),
        (lambda raw: _components(raw)[1].update(copies="one"), "variants[0].components[1].copies", "valid integer"),
        (lambda raw: _components(raw)[0].update(required="yes"), "variants[0].components[0].required", "valid boolean"),
        (lambda raw: raw.update(code=2.00062), "code", "quote the code"),
        (lambda raw: _components(raw)[0].update(document_types=["no-such-type"]),
         "variants[0].components[0].document_types[0]", "unknown document type 'no-such-type'"),
        (lambda raw: _components(raw)[0].update(colour="red"), "variants[0].components[0].colour", "Extra inputs"),
    ],
    ids=["missing-field", "non-contiguous", "wrong-type-int", "wrong-type-bool", "unquoted-code", "unknown-type", "extra"],
)
def test_broken_yaml_names_file_and_field(tmp_path: Path, edit, field: str, reason: str) -> None:
    directory = _copy_with(tmp_path, edit)
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    error = info.value
    assert error.file.name == "2.000620.yaml"
    assert error.field == field
    assert reason in error.reason
    assert "2.000620.yaml" in str(error) and field in str(error)


def test_invalid_yaml_syntax(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / "bad.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="bad.yaml.*invalid YAML"):
        load_catalog(directory)


def test_duplicate_code_across_files(tmp_path: Path) -> None:
    directory = _copy_with(tmp_path, lambda raw: None)
    shutil.copy(directory / "2.000620.yaml", directory / "copy.yaml")
    with pytest.raises(CatalogError, match="also defined in"):
        load_catalog(directory)


def test_minimal_inline_procedure(tmp_path: Path) -> None:
    """A new procedure can be added by data alone, with an inline document type."""
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / "SCT.TEST.yaml").write_text(
        """
code: SCT.TEST
name: Thủ tục thử
field: Thử nghiệm
authority: Sở Công Thương
processing_days: 3
legal_basis: [Quyết định thử]
effective_date: 2026-01-01
source: test
verified: {name: false, processing_days: false, fees: false, components: false, legal_basis: false, effective_date: false}
variants:
  - id: new
    name: Cấp mới
    components:
      - position: 1
        name: Đơn đề nghị
        required: true
        originals: 1
        copies: 0
        document_types:
          - {id: don-thu, name: Đơn thử, title_phrases: ["ĐƠN THỬ"]}
""",
        encoding="utf-8",
    )
    catalog = load_catalog(directory)
    procedure: Procedure = catalog.get("SCT.TEST")
    assert procedure.variant(None).components[0].document_types[0].id == "don-thu"
    assert not procedure.is_national_code
