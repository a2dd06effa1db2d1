"""Browser journeys: Playwright's Python package driving Debian's Chromium
(/usr/bin/chromium) against pytest-django's live server.

Fixtures for journeys (every test in tests/e2e/ is marked `e2e` automatically):

- ``page``          a fresh page, parametrized over the two viewports ("phone" 360x740 and
                    "desktop" 1280x800): a journey written against ``page`` runs twice.
- ``phone_page``    a page at the phone viewport only.
- ``desktop_page``  a page at the desktop viewport only.
- ``base_url``      the live server's URL, e.g. "http://localhost:41234" (no trailing /).
- ``step``          ``step("name")`` takes a screenshot of the page(s) of the test; every
                    step's screenshot, plus one at the moment of failure, is kept in
                    test-artifacts/<test id>/ when the test fails (deleted when it passes).
- ``browser``       the session's Chromium (for a second context, e.g. two users).
- ``outbox``        the dev outbox on, SMS into a file of the test (returned), links to the
                    live server.

The whole directory is skipped, saying why, when /usr/bin/chromium (or the browser named by
E2E_CHROMIUM) or Playwright is missing (`make setup` installs Chromium). Browser language:
vi-VN. Note: this conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for the whole test session
(Playwright's sync API runs an event loop): child processes that run `check --deploy`
must drop it from their environment.
"""
import os
import re
import shutil
from pathlib import Path

import pytest
from django.test import testcases

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from it ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
ARTIFACTS = Path(
    os.environ.get("E2E_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
E2E_DIR = Path(__file__).resolve().parent

# The live server wraps Django in a handler serving MEDIA_URL from MEDIA_ROOT. The portal
# has no MEDIA_URL (private files are served only through views that check who asks), and
# that handler fails on None: make it pass every request through.
testcases._MediaFilesHandler._should_handle = lambda self, path: False

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev requirements install it
    sync_playwright = None


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "Playwright's Python package is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing: install Debian's chromium (make setup does)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url.rstrip("/")


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


def _failed(node) -> bool:
    return any(
        getattr(node, f"rep_{when}", None) is not None and getattr(node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


@pytest.fixture
def _shots(request, tmp_path):
    """Screenshots taken during the test; kept in test-artifacts/ only if it fails."""
    directory = tmp_path / "screenshots"
    directory.mkdir()
    state = {"count": 0, "pages": [], "dir": directory}
    yield state
    if _failed(request.node):
        target = ARTIFACTS / _safe_name(request.node.nodeid)
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(directory, target)


@pytest.fixture
def step(_shots):
    def take(name: str) -> None:
        _shots["count"] += 1
        for number, page in enumerate(_shots["pages"]):
            suffix = f"-{number}" if len(_shots["pages"]) > 1 else ""
            page.screenshot(
                path=str(_shots["dir"] / f"{_shots['count']:02d}-{_safe_name(name)}{suffix}.png"),
                full_page=True,
            )

    return take


def _open(browser, base_url: str, viewport: str, shots: dict):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale="vi-VN",
        base_url=base_url,
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
    )
    context.set_default_timeout(15_000)  # generous: CI machines are busy
    page = context.new_page()
    shots["pages"].append(page)
    return context, page


def _close(request, context, page, shots: dict, viewport: str) -> None:
    """Before closing, keep a picture of the page as it was when the test failed."""
    if _failed(request.node):
        try:
            page.screenshot(path=str(shots["dir"] / f"99-failure-{viewport}.png"), full_page=True)
        except Exception:  # a crashed page: keep the steps we have
            pass
    context.close()


@pytest.fixture
def phone_page(request, browser, base_url, _shots):
    context, page = _open(browser, base_url, "phone", _shots)
    yield page
    _close(request, context, page, _shots, "phone")


@pytest.fixture
def desktop_page(request, browser, base_url, _shots):
    context, page = _open(browser, base_url, "desktop", _shots)
    yield page
    _close(request, context, page, _shots, "desktop")


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, base_url, _shots):
    context, page = _open(browser, base_url, request.param, _shots)
    yield page
    _close(request, context, page, _shots, request.param)


@pytest.fixture
def outbox(settings, tmp_path, base_url):
    """The dev outbox on (/dev/outbox/ shows what was sent), the SMS written to a file of
    this test, and SITE_URL (the links in messages, the host of the WebOTP line) pointing
    at the live server. Returns the SMS file."""
    settings.DEBUG = True
    settings.SMS_BACKEND = "notifications.sms.backends.file.FileSMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.EMAIL_FILE_PATH = str(tmp_path / "email")
    settings.SITE_URL = base_url
    return tmp_path / "sms.jsonl"
