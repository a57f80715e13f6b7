"""The four journeys of the web pages in a real headless Chromium against the real server and worker:
front desk (drop, progress, verdict with thumbnails, Mẫu 02, supplement, Mẫu 01 with the check code),
specialist (queue, search, page beside its text, download by component name), auditor (verification report,
access log, audit chain) and citizen (/tra-cuu with the receipt's codes; wrong codes read nothing and are slowed
down). Screenshots of every screen go under the test's temporary folder."""

from __future__ import annotations

import io
import re
import subprocess
import time

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import sample_files
from tests.web_site import browser, fetch_with_session, shot, sign_in, site, wait_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow
STATE: dict = {}
"""What one journey hands the next: the dossier code, the downloaded signed copy, the check code."""


def _text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def _hand_in(driver, site, files) -> str:
    driver.get(f"{site.url}/mot-cua")
    driver.find_element(By.ID, "loc-thu-tuc").send_keys("ban le ruou")  # diacritics not needed
    selected = driver.find_element(By.CSS_SELECTOR, "#procedure_code option:checked")
    assert selected.get_attribute("value") == "2.000620"
    driver.find_element(By.ID, "files").send_keys("\n".join(str(path) for path in files))
    assert f"{len(files)} tệp" in _text(driver, "tep-da-chon")
    driver.find_element(By.ID, "nop").click()
    wait_for(driver, lambda d: "/mot-cua/ho-so/" in d.current_url, 30, "the dossier page")
    return _text(driver, "ma-ho-so")


def _thumbnails_loaded(driver, selector: str) -> int:
    """Wait until every image under `selector` has loaded (a real picture: naturalWidth > 0); how many."""
    script = ("const images = [...document.querySelectorAll(arguments[0])];"
              "return images.length && images.every((i) => i.complete && i.naturalWidth > 0) ? images.length : 0;")
    return wait_for(driver, lambda d: d.execute_script(script, selector), 60, "the page thumbnails")


def _print_form(driver) -> tuple[int, bytes, str]:
    """What the print button gives: the form, after the confirmation the page asks for when it asks for one."""
    confirm = driver.find_elements(By.ID, "form-xac-nhan")
    if confirm:
        csrf = confirm[0].find_element(By.NAME, "csrf").get_attribute("value")
        return fetch_with_session(driver, confirm[0].get_attribute("action"), {"csrf": csrf})
    return fetch_with_session(driver, driver.find_element(By.ID, "in-phieu").get_attribute("href"))


def _wait_for_verdict(driver) -> str:
    return wait_for(driver, lambda d: d.find_elements(By.ID, "ket-luan") and _text(d, "ket-luan"), 180, "the verdict")


def test_front_desk_five_page_dossier_from_drop_to_verdict(site, browser, tmp_path):
    sign_in(browser, site, "intake")
    started = time.monotonic()
    _hand_in(browser, site, sample_files())
    assert _wait_for_verdict(browser) == "Đủ thành phần"
    seconds = time.monotonic() - started
    assert _thumbnails_loaded(browser, "#ket-qua-kiem-tra img") == 5
    print(f"\nfront desk, 5-page dossier, drop to verdict: {seconds:.1f} s")


def test_front_desk_hands_in_reads_the_verdict_supplements_and_prints(site, browser, tmp_path):
    sign_in(browser, site, "intake")
    assert browser.current_url.endswith("/mot-cua")
    shot(browser, tmp_path, "mot-cua")
    first, supplement = sample_files()[:3], sample_files()[3:]
    code = _hand_in(browser, site, first)
    progress = browser.find_elements(By.ID, "thanh-tien-do")
    assert progress, "the page shows the progress while the worker reads"
    shot(browser, tmp_path, "mot-cua-tien-do")
    assert _wait_for_verdict(browser) == "Thiếu thành phần"
    assert "THIẾU" in browser.find_element(By.ID, "ket-qua-kiem-tra").text
    assert _text(browser, "trang-thai") == "Yêu cầu bổ sung giấy tờ"
    assert browser.find_elements(By.CSS_SELECTOR, "#trang-trang img"), "the blank back is shown apart"
    _thumbnails_loaded(browser, ".component.present img")
    status, pdf, disposition = _print_form(browser)
    assert status == 200 and pdf.startswith(b"%PDF") and "mau-02" in disposition, pdf[-600:]

    browser.find_element(By.ID, "bo-sung-tep").send_keys("\n".join(str(path) for path in supplement))
    browser.find_element(By.ID, "nop-bo-sung").click()
    assert wait_for(browser, lambda d: d.find_elements(By.ID, "ket-luan") and _text(d, "ket-luan") == "Đủ thành phần",
                    180, "the verdict after the supplement")
    assert _text(browser, "trang-thai") == "Được tiếp nhận"
    shot(browser, tmp_path, "mot-cua-ket-qua")
    receipt = tmp_path / "mau-01.pdf"
    status, pdf, disposition = _print_form(browser)
    assert "mau-01" in disposition, pdf[-800:].decode("utf-8", "replace")
    receipt.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(receipt), "-"], capture_output=True, text=True, check=True).stdout
    check = re.search(r"Mã kiểm tra .*: ([A-Z2-7]{4}-[A-Z2-7]{4})", text)
    assert check, text
    STATE.update(code=code, check=check.group(1))


def test_specialist_queue_search_pages_and_download(site, browser, tmp_path):
    code = STATE["code"]
    sign_in(browser, site, "specialist")
    assert code in browser.find_element(By.ID, "hang-doi").text
    shot(browser, tmp_path, "chuyen-vien")
    browser.find_element(By.ID, "q").send_keys("giay phep ban le ruou\n")
    wait_for(browser, lambda d: d.find_elements(By.ID, "ket-qua-tim"), 20, "the search results")
    assert code in _text(browser, "ket-qua-tim")
    browser.find_element(By.LINK_TEXT, code).click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "cac-trang"), 20, "the dossier page")
    assert "BÁN LẺ RƯỢU" in _text(browser, "cac-trang").upper()
    boxes = browser.find_elements(By.CSS_SELECTOR, "#trang-0 .field-box")
    assert {"number", "issue_date"} <= {b.get_attribute("data-field") for b in boxes}, "where the fields were read"
    _thumbnails_loaded(browser, "#trang-0 img")
    browser.find_element(By.ID, "hanh-dong-start").click()
    wait_for(browser, lambda d: _text(d, "trang-thai") == "Đang xử lý", 20, "the started dossier")
    assert browser.find_elements(By.ID, "ky-ket-qua"), "the result step is offered once the dossier is in progress"
    shot(browser, tmp_path, "chuyen-vien-ho-so")
    link = browser.find_element(By.CSS_SELECTOR, "#tai-ve a")
    status, signed, disposition = fetch_with_session(browser, link.get_attribute("href"))
    assert status == 200 and signed.startswith(b"%PDF")
    assert re.search(r'filename="?1-[a-z0-9-]+\.pdf', disposition), disposition  # named by component, not by digest
    STATE["signed"] = signed
    _correct_a_key_field(browser, tmp_path)


def _correct_a_key_field(browser, tmp_path) -> None:
    """The specialist corrects the enterprise name of the first document and sees it kept, marked corrected;
    a date that is not on the calendar is refused with its reason."""
    row = browser.find_element(By.CSS_SELECTOR, ".key-fields tr[data-field=enterprise_name]")
    table_id = row.find_element(By.XPATH, "./ancestor::table").get_attribute("id")
    row.find_element(By.TAG_NAME, "summary").click()
    box = row.find_element(By.NAME, "value")
    box.clear()
    box.send_keys("CÔNG TY TNHH THƯƠNG MẠI AN PHÚ")
    shot(browser, tmp_path, "chuyen-vien-sua-truong")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    corrected = wait_for(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, f"#{table_id} tr[data-field=enterprise_name]")
                                             if "đã sửa" in r.text], 20, "the corrected field")[0]
    assert "CÔNG TY TNHH THƯƠNG MẠI AN PHÚ" in corrected.text and "100%" in corrected.text
    date_row = browser.find_element(By.CSS_SELECTOR, f"#{table_id} tr[data-field=issue_date]")
    date_row.find_element(By.TAG_NAME, "summary").click()
    date_box = date_row.find_element(By.NAME, "value")
    date_box.clear()
    date_box.send_keys("31/02/2026")
    date_row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "issue_date" in d.find_element(By.TAG_NAME, "main").text, 20, "the refusal page")
    assert "Traceback" not in browser.page_source


def test_auditor_verifies_reads_the_access_log_and_checks_the_chain(site, browser, tmp_path):
    code = STATE["code"]
    sign_in(browser, site, "auditor")
    shot(browser, tmp_path, "kiem-tra")
    signed = tmp_path / "ban-sao.pdf"
    signed.write_bytes(STATE["signed"])
    browser.find_element(By.ID, "tep-ky").send_keys(str(signed))
    browser.find_element(By.ID, "xac-minh").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "ket-luan"), 60, "the verification report")
    assert _text(browser, "ket-luan") != "TOTAL_FAILED"
    assert code in _text(browser, "khop-kho")
    shot(browser, tmp_path, "kiem-tra-xac-minh")
    browser.find_element(By.CSS_SELECTOR, "#khop-kho a").click()
    log = wait_for(browser, lambda d: d.find_elements(By.ID, "nhat-ky"), 20, "the access log")[0].text
    assert "upload" in log and "download" in log and "verify" in log and "field-correct" in log
    assert any(f"web:{site.tokens[role][0]}" in log for role in ("intake", "specialist"))
    shot(browser, tmp_path, "kiem-tra-nhat-ky")
    browser.get(f"{site.url}/kiem-tra")
    browser.find_element(By.ID, "kiem-tra-chuoi").click()
    assert wait_for(browser, lambda d: d.find_elements(By.ID, "ket-luan-chuoi"), 30)[0].text == "Toàn vẹn"


def test_citizen_lookup_shows_only_the_status_and_wrong_codes_are_slowed(site, browser, tmp_path):
    code, check = STATE["code"], STATE["check"]
    browser.delete_all_cookies()
    browser.get(f"{site.url}/tra-cuu?ma={code}&kiem-tra={check.lower()}")
    assert _text(browser, "trang-thai") in {"Được tiếp nhận", "Đang xử lý"}
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", _text(browser, "hen-tra"))
    page = browser.find_element(By.ID, "tinh-trang").text
    assert "RƯỢU" not in page.upper() and "web:" not in page  # nothing read from the papers, no one's names
    shot(browser, tmp_path, "tra-cuu")
    neighbour = re.sub(r"\d+$", lambda m: f"{int(m.group()) + 1:0{len(m.group())}d}", code)
    for attempt in range(3):
        browser.get(f"{site.url}/tra-cuu?ma={neighbour}&kiem-tra={check}")
        assert "Không tìm thấy" in _text(browser, "loi-tra-cuu")
    browser.get(f"{site.url}/tra-cuu?ma={code}&kiem-tra={check}")  # even the right pair now waits
    assert "chờ" in _text(browser, "loi-tra-cuu")
    assert not browser.find_elements(By.ID, "tinh-trang")


def test_pages_need_a_session_and_forms_need_their_token(site, browser, tmp_path):
    browser.delete_all_cookies()
    browser.get(f"{site.url}/chuyen-vien")
    assert "/dang-nhap" in browser.current_url
    shot(browser, tmp_path, "dang-nhap")
    sign_in(browser, site, "intake")
    cookie = browser.get_cookie("sohoa_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    browser.get(f"{site.url}/kiem-tra")  # the front desk may not verify
    assert "không có quyền" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, tmp_path, "loi")
    browser.get(f"{site.url}/mot-cua")
    browser.find_element(By.ID, "loc-thu-tuc").send_keys("2.000620")
    browser.execute_script("document.querySelector('form.intake input[name=csrf]').value = 'forged'")
    browser.find_element(By.ID, "files").send_keys(str(sample_files()[0]))
    browser.find_element(By.ID, "nop").click()
    heading = wait_for(browser, lambda d: "/mot-cua/nop" in d.current_url and d.find_element(By.TAG_NAME, "h1").text,
                       30, "the refusal")
    assert "Biểu mẫu đã hết hạn" in heading
    assert "Traceback" not in browser.page_source and '{"error"' not in browser.page_source


def test_front_desk_moves_a_page_out_and_its_component_is_built_again(site, browser, tmp_path):
    import pikepdf

    sign_in(browser, site, "intake")
    code = _hand_in(browser, site, sample_files())
    assert _wait_for_verdict(browser) == "Đủ thành phần"
    database, store = site.runtime.database, site.runtime.engines.store
    report = database.get_dossier(code).report
    page = next(p for p in report["pages"] if p["classification_role"] == "continuation")
    position, index = page["component_position"], page["index"]

    def signed_pages(current: dict) -> int:
        component = next(c for c in current["components"] if c["position"] == position)
        with pikepdf.open(io.BytesIO(store.get_bytes(component["signed"]["key"]))) as pdf:
            return len(pdf.pages)

    before = signed_pages(report)
    choice = browser.find_element(By.ID, f"thanh-phan-{index}")
    labels = [option.text for option in choice.find_elements(By.TAG_NAME, "option")]
    assert labels[-1] == "Giấy tờ không thuộc thành phần" and labels[position - 1].startswith(f"{position}. ")
    choice.find_element(By.CSS_SELECTOR, "option[value='']").click()
    started = time.monotonic()
    browser.find_element(By.CSS_SELECTOR, f"#chuyen-trang-{index} button").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "giay-to-ngoai") and d.find_elements(By.ID, "ket-luan"), 120,
             "the verdict after the copies were built again")
    print(f"\nfront desk, page moved: copies built again and verdict shown in {time.monotonic() - started:.1f} s")
    assert _text(browser, "ket-luan") == "Đủ thành phần" and _text(browser, "trang-thai") == "Được tiếp nhận"
    assert browser.find_elements(By.CSS_SELECTOR, f"#giay-to-ngoai #chuyen-trang-{index}"), "the page is shown apart"
    shot(browser, tmp_path, "mot-cua-chuyen-trang")
    after = database.get_dossier(code).report
    assert after["pages"][index]["placed_by"] == f"web:{site.tokens['intake'][0]}"
    assert signed_pages(after) == before - 1  # the component's signed copy is built again without the page
    assert all(p["reused"] for p in after["pages"])  # no page decoded or read again
    assert any(e.action == "correct-page" and "to unexpected" in e.outcome for e in database.access_log(code))
