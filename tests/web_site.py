"""The web pages served for real: uvicorn on a free port with the app, the real worker in its own process,
PostgreSQL, the session's SeaweedFS and Redis, and headless Chromium (Debian's chromium + chromium-driver)
driven by Selenium at the desk screen's 1366×768."""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sohoa.edges.api.app import create_app
from sohoa.edges.workers.jobs import queue_for
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.services.access import Role, issue_token
from sohoa.services.runtime import Runtime, build_runtime
from tests.conftest import _free_port

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@dataclass(frozen=True)
class Site:
    """A running site and the people who use it."""

    url: str
    """Base address, e.g. http://127.0.0.1:PORT."""
    runtime: Runtime
    """The runtime the server uses (its database, to check what was recorded)."""
    tokens: dict[str, tuple[str, str]]
    """Role → (user name, token)."""


def _serve(app, port: int):
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return server, thread
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the web server did not start")


@pytest.fixture(scope="module")
def site(config_for, postgres_url) -> Iterator[Site]:
    """The app served by uvicorn, a SohoaWorker process on its queue, and one user per role."""
    from sohoa.edges.workers.worker import run_worker

    port = _free_port()
    config = config_for(database_url=postgres_url)
    config = dataclasses.replace(config, public_url=f"http://127.0.0.1:{port}")
    runtime = build_runtime(config)
    tokens = {}
    for role in (Role.INTAKE, Role.SPECIALIST, Role.AUDITOR):
        token, digest = issue_token()
        name = f"{role}-{digest[:6]}"
        runtime.database.add_api_user(name, role, digest)
        tokens[str(role)] = (name, token)
    queue = queue_for(config)
    settings = WorkerSettings(maintenance_interval=5)
    worker = multiprocessing.get_context("spawn").Process(target=run_worker, args=(config, settings))
    worker.start()
    server, thread = _serve(create_app(runtime, queue, settings), port)
    yield Site(f"http://127.0.0.1:{port}", runtime, tokens)
    server.should_exit = True
    thread.join(10)
    worker.terminate()
    worker.join(10)
    queue.empty()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium at 1366×768 (no browser download: the system's chromium and chromedriver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                     "--lang=vi", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def sign_in(driver, site: Site, role: str) -> None:
    """Sign in through the form as the site's user of `role`."""
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{site.url}/dang-nhap")
    name, token = site.tokens[role]
    driver.find_element(By.ID, "user").send_keys(name)
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form[action='/dang-nhap'] button").click()
    wait_for(driver, lambda d: "/dang-nhap" not in d.current_url, 20, "the page after signing in")


def wait_for(driver, condition, timeout: float = 120.0, what: str = "the page"):
    """Wait until `condition(driver)` is truthy; its value. An element the page replaced while the condition
    read it (the pages poll and swap their verdict) counts as not yet."""
    from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                            WebDriverException)
    from selenium.webdriver.support.ui import WebDriverWait

    def settled(d):
        try:
            return d.execute_script("return document.readyState") == "complete" and condition(d)
        except WebDriverException as error:  # the page reloaded under the read (Chromium's inspector says so)
            if "does not belong to the document" in str(error) or "target frame detached" in str(error):
                return False
            raise

    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
        settled, f"timed out waiting for {what}")


def shot(driver, folder: Path, name: str) -> Path:
    """A screenshot of the whole page (its full height) under `folder`."""
    height = driver.execute_script("return Math.min(document.body.scrollHeight, 2400)")
    driver.set_window_size(1366, max(768, height))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1366, 768)
    return path


def fetch_with_session(driver, url: str, form: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    """GET `url` (POST `form` when given) with the browser's session cookie, for files the browser would save
    or print in another tab: (status, body, Content-Disposition)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    body = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read(), answer.headers.get("Content-Disposition", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), ""
