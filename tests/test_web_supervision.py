"""The supervision page (/giam-sat) in a real headless Chromium against the real server on PostgreSQL: the
hand-counted month of tests/supervision_month.py recorded through the lifecycle, the figures the page shows equal
to the core's and to the known answers, a bar clicked (and one reached with the keyboard) leading to exactly the
dossiers behind it, the evidence of the violations, the CSV of the same table, the Vietnamese 403 page for the
front desk, the page fitting 1366 px. Screenshots go under the test's temporary folder."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sohoa.edges.api.app import create_app
from sohoa.services.access import Role, issue_token
from sohoa.services.runtime import build_runtime
from sohoa.supervision.indicators import Dimension, StatsQuery
from sohoa.supervision.periods import Period
from sohoa.supervision.stats import FIGURES, dossiers_behind, stats_table, table_csv
from tests.conftest import _free_port
from tests.supervision_month import AGENCY, codes, record_month
from tests.test_db import _pg_schema_url, pg_database, pg_user  # noqa: F401 - fixtures
from tests.test_supervision_stats import KNOWN
from tests.web_site import Site, _serve, browser, fetch_with_session, sign_in, wait_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow
NOVEMBER = StatsQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), agency=AGENCY)
FILTERS = {"tu": "2026-11-01", "den": "2026-11-30"}


@pytest.fixture(scope="module")
def month_site(config_for, pg_user, pg_database) -> Iterator[Site]:  # noqa: F811 - fixtures
    """The app served by uvicorn on a fresh PostgreSQL schema holding the month, an auditor and a front desk."""
    port = _free_port()
    runtime = build_runtime(config_for(database_url=_pg_schema_url(pg_user, pg_database)), sign=False)
    record_month(runtime.database)
    tokens = {}
    for role in (Role.AUDITOR, Role.INTAKE):
        token, digest = issue_token()
        name = f"{role}-{digest[:6]}"
        runtime.database.add_api_user(name, role, digest)
        tokens[str(role)] = (name, token)
    server, thread = _serve(create_app(runtime, object()), port)
    yield Site(f"http://127.0.0.1:{port}", runtime, tokens)
    server.should_exit = True
    thread.join(10)


def _full_shot(driver, folder, name: str):
    """A screenshot of the whole page: the window grown by what its frame takes from the viewport."""
    frame = driver.execute_script("return window.outerHeight - window.innerHeight")
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 2400)")
    driver.set_window_size(1366, max(768, height + frame))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1366, 768)


def _core_line(site: Site):
    (line,) = stats_table(site.runtime.database, NOVEMBER, site.runtime.database.now(), "test").lines
    return line


def _shown(driver) -> dict[str, tuple[str, str | None]]:
    """Figure → (what the table shows, the rate's count/of under it) of the table's only line."""
    found = {}
    for cell in driver.find_elements(By.CSS_SELECTOR, "#bang-chi-so tbody td[data-figure]"):
        small = cell.find_elements(By.CSS_SELECTOR, ".of")
        found[cell.get_attribute("data-figure")] = (cell.find_element(By.CSS_SELECTOR, ".shown").text,
                                                    small[0].text if small else None)
    return found


def _listed(driver) -> list[str]:
    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#ds-ho-so td.code")]


def test_the_page_shows_the_core_figures_and_the_dossiers_behind_each_bar(month_site, browser, tmp_path):
    site = month_site
    sign_in(browser, site, "auditor")
    browser.find_element(By.ID, "nav-giam-sat").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "bang-chi-so"), 30, "the supervision page")
    assert "theo tháng" in browser.find_element(By.ID, "pham-vi").text  # this month, by month, by default
    browser.get(f"{site.url}/giam-sat?{urlencode(FILTERS)}")
    browser.find_element(By.ID, "co-quan").send_keys(AGENCY)
    started = time.monotonic()
    browser.find_element(By.ID, "xem").click()
    wait_for(browser, lambda d: "co-quan=" in d.current_url and d.find_elements(By.ID, "bang-chi-so"), 30, "the filter")
    print(f"\nsupervision page, the month (filter submitted to page shown): {time.monotonic() - started:.3f} s")
    line = _core_line(site)
    shown = _shown(browser)
    assert list(shown) == list(FIGURES)
    assert shown == {name: (f.shown, f"{f.count}/{f.of}" if f.of is not None else None)
                     for name, f in line.figures.items()}
    assert {name: (f.count, f.of) for name, f in line.figures.items()} == KNOWN
    assert shown["late"] == ("27.27", "3/11") and shown["digitized"] == ("81.82", "9/11")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366
    _full_shot(browser, tmp_path, "giam-sat")

    late_bar = browser.find_element(By.CSS_SELECTOR, "#bieu-do-ket-qua a.bar[data-figure='late']")
    assert late_bar.get_attribute("aria-label") == "Trễ hạn, 2026-11: 3 (27.27 %)"
    late_bar.click()
    wait_for(browser, lambda d: "/giam-sat/ho-so" in d.current_url, 30, "the list behind the bar")
    core = dossiers_behind(site.runtime.database, NOVEMBER, "late", "2026-11", None, site.runtime.database.now(), "test")
    assert _listed(browser) == core == list(codes("A3", "A5", "A13"))
    assert browser.find_element(By.ID, "tieu-de").text == "Trễ hạn — kỳ 2026-11"

    browser.find_element(By.ID, "quay-lai").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "bang-chi-so"), 30, "the page again")
    browser.find_element(By.CSS_SELECTOR, "#bang-chi-so td[data-figure='accepted_outside_checklist'] a").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "ds-ho-so"), 30, "the list behind the number")
    assert _listed(browser) == list(codes("A8"))
    evidence = browser.find_element(By.ID, "ds-ho-so").text
    assert "Thiếu thành phần bắt buộc: Bản sao Giấy chứng nhận đăng ký doanh nghiệp" in evidence
    assert "Trực tuyến" in evidence and "16:00 27/11/2026" in evidence
    _full_shot(browser, tmp_path, "giam-sat-ho-so")


def test_a_bar_is_reached_and_opened_with_the_keyboard(month_site, browser):
    site = month_site
    sign_in(browser, site, "auditor")
    browser.get(f"{site.url}/giam-sat?{urlencode(FILTERS | {'co-quan': AGENCY})}")
    target = "return document.activeElement.closest('#bieu-do-vi-pham a.bar')?.dataset.figure || ''"
    for _ in range(80):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script(target) == "late_without_apology":
            break
    else:
        pytest.fail("the violations chart's bars are not reachable with Tab")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(browser, lambda d: d.find_elements(By.ID, "ds-ho-so"), 30, "the list behind the bar")
    assert _listed(browser) == list(codes("A3", "A6"))
    assert browser.find_element(By.ID, "ds-ho-so").text.count("Quá hạn không có phiếu xin lỗi") == 2


def test_the_csv_is_the_core_table_and_every_view_is_logged(month_site, browser):
    site = month_site
    sign_in(browser, site, "auditor")
    browser.get(f"{site.url}/giam-sat?{urlencode(FILTERS | {'co-quan': AGENCY})}")
    status, body, disposition = fetch_with_session(browser, browser.find_element(By.ID, "tai-csv").get_attribute("href"))
    assert status == 200 and "attachment" in disposition
    assert body.decode() == table_csv(stats_table(site.runtime.database, NOVEMBER, site.runtime.database.now(), "test"))
    user = f"web:{site.tokens['auditor'][0]}"
    actions = [(e.actor, e.action) for e in site.runtime.database.iter_access_log()]
    assert (user, "view") in actions and (user, "stats") in actions and (user, "stats-dossiers") in actions
    status, body, _ = fetch_with_session(browser, f"{site.url}/giam-sat/ho-so?{urlencode(FILTERS)}&chi-so=late&dong=2026-10")
    assert status == 422 and "Điều kiện tìm kiếm hoặc bộ lọc không dùng được." in body.decode()
    assert "period &#39;2026-10&#39; is not in 2026-11-01 to 2026-11-30" in body.decode()
    page = f"{site.url}/giam-sat?{urlencode(FILTERS | {'co-quan': AGENCY})}"
    seconds = []
    for _ in range(5):
        started = time.monotonic()
        assert fetch_with_session(browser, page)[0] == 200
        seconds.append(time.monotonic() - started)
    print(f"\nsupervision page, the month, server answer: median {statistics.median(seconds) * 1000:.0f} ms "
          f"(min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}) over 5")


def test_the_front_desk_gets_the_vietnamese_403_page(month_site, browser):
    site = month_site
    sign_in(browser, site, "intake")
    assert not browser.find_elements(By.ID, "nav-giam-sat")
    for path in ("/giam-sat", "/giam-sat/ho-so?chi-so=late&dong=2026-11", "/giam-sat/bang.csv"):
        status, body, _ = fetch_with_session(browser, f"{site.url}{path}")
        assert status == 403 and "Tài khoản của bạn không có quyền thực hiện việc này." in body.decode()
    browser.get(f"{site.url}/giam-sat")
    assert browser.find_element(By.CSS_SELECTOR, "section.error h1").text == "Tài khoản của bạn không có quyền thực hiện việc này."
    assert not re.search(r"Traceback|\{\"detail\"", browser.page_source)


def test_the_month_by_day_and_channel_fits_the_screen(month_site, browser, tmp_path):
    site = month_site
    sign_in(browser, site, "auditor")
    browser.get(f"{site.url}/giam-sat?{urlencode(FILTERS | {'co-quan': AGENCY, 'ky': 'day', 'nhom': 'channel'})}")
    query = StatsQuery(first=NOVEMBER.first, last=NOVEMBER.last, agency=AGENCY, period=Period.DAY,
                       group_by=Dimension.CHANNEL)
    lines = stats_table(site.runtime.database, query, site.runtime.database.now(), "test").lines
    rows = browser.find_elements(By.CSS_SELECTOR, "#bang-chi-so tbody tr")
    assert [row.find_element(By.TAG_NAME, "th").text for row in rows] == [line.period for line in lines]
    assert [row.find_element(By.CSS_SELECTOR, "td[data-figure='received'] .shown").text for row in rows] == [
        line.figures["received"].shown for line in lines]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366
    bars = browser.find_elements(By.CSS_SELECTOR, "#bieu-do-ket-qua a.bar")
    assert len(bars) == 3 * len(lines)
    _full_shot(browser, tmp_path, "giam-sat-theo-ngay")
    online = browser.find_element(By.CSS_SELECTOR, "#bieu-do-ket-qua a.bar[data-figure='early'][data-line='2026-11-24'][data-group='2']")
    assert online.get_attribute("aria-label") == "Trước hạn, 2026-11-24 · Trực tuyến: 1 (100.00 %)"
    online.click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "ds-ho-so"), 30, "the list behind the grouped bar")
    assert _listed(browser) == list(codes("A8"))
    assert browser.find_element(By.ID, "tieu-de").text == "Trước hạn — kỳ 2026-11-24 · Trực tuyến"
    browser.get(f"{site.url}/giam-sat?{urlencode({'tu': '2026-01-01', 'den': '2026-12-31', 'ky': 'day'})}")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#bang-chi-so tbody tr")) == 365
    assert not browser.find_elements(By.CSS_SELECTOR, "svg") and browser.find_elements(By.ID, "khong-ve")
