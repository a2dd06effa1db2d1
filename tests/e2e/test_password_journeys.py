"""Password journeys on a phone (360 px): a citizen changes the password with the OTP read
from the dev outbox; one who forgot it sets a new one with an OTP sent to the registered
phone; one who types a wrong OTP five times sees it cancelled, even the right code then
refused."""
import datetime
import json
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BHXH_CODE = "0126888001"
FULL_NAME = "Trần Thị Mai"
PHONE = "+84912345678"
PHONE_AS_PRINTED = "0912 345 678"
CHANGED_PASSWORD = "Sen-hong-Ho-Tay-2026"
RESET_PASSWORD = "Cau-Long-Bien-1902"

OTP_LABEL = "Mã OTP (6 chữ số)"
COUNTDOWN = re.compile(r"^Gửi lại mã sau (\d+) giây$")
# The last line of an OTP SMS, for WebOTP: "@<host> #<code>".
WEBOTP_LINE = re.compile(r"@([\w.-]+) #(\d{6})$")
WAIT_UNTIL = re.compile(r"Vui lòng chờ đến (\d{2}):(\d{2}):(\d{2}) rồi nhập lại mã\.")
MSG_WRONG = "Mã OTP không đúng hoặc đã hết hạn."
MSG_DEAD = "Mã OTP đã bị hủy vì nhập sai quá nhiều lần. Vui lòng yêu cầu mã mới."
# Words an untranslated page would show (Django's and the portal's English).
ENGLISH = re.compile(
    r"\b(Password|password|This field|required|Submit|Confirm|Resend|Log in|Log out|"
    r"Forgot|Enter|Error|code|seconds)\b"
)
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹ]")


@pytest.fixture
def citizen():
    return UserFactory(
        insured_person__bhxh_code=BHXH_CODE, full_name=FULL_NAME, phone=PHONE,
        email="tran.thi.mai@example.vn",
    )


def _in_vietnamese(page) -> None:
    """The page is in Vietnamese: <html lang="vi">, Vietnamese words in the title and the
    main content, no English left untranslated."""
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    title = page.title()
    main = page.locator("main").inner_text()
    assert VIETNAMESE_LETTERS.search(title.lower()), title
    assert VIETNAMESE_LETTERS.search(main.lower()), main
    assert not ENGLISH.search(title + "\n" + main), (title, main)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at 360 px"


def _otp_page_checks(page, *, screenshot: bool = False) -> None:
    """What every OTP page owes a phone: the code field a keyboard of digits fills (and
    the SMS autofill), the resend button waiting with a countdown, no sideways scroll."""
    otp = page.get_by_label(OTP_LABEL)
    expect(otp).to_be_visible()
    expect(otp).to_have_attribute("autocomplete", "one-time-code")
    expect(otp).to_have_attribute("inputmode", "numeric")
    resend = page.get_by_test_id("resend")
    expect(resend).to_be_visible()
    expect(resend).to_be_disabled()
    expect(resend).to_have_text(COUNTDOWN)
    first = int(COUNTDOWN.match(resend.inner_text().strip()).group(1))
    assert 50 <= first <= 60, first
    # The countdown runs: the number goes down while the page is open.
    expect(resend).not_to_have_text(f"Gửi lại mã sau {first} giây", timeout=3_000)
    later = int(COUNTDOWN.match(resend.inner_text().strip()).group(1))
    assert later < first, (first, later)
    expect(resend).to_be_disabled()
    _no_sideways_scroll(page)
    _in_vietnamese(page)
    if screenshot:
        page.screenshot(path="/tmp/otp-page.png", full_page=True)


def _newest_otp(page, outbox_file, *, what: str) -> str:
    """The code of the newest SMS, read in the dev outbox in another tab of the phone;
    the SMS ends with the WebOTP line "@<host> #<code>" for the portal's host."""
    tab = page.context.new_page()
    try:
        tab.goto("/dev/outbox/")
        newest = tab.get_by_test_id("sms-list").locator("li").first
        body = newest.locator(".outbox-body")
        expect(body).to_contain_text(f"VssID: Ma OTP {what} cua ban la ")
        text = body.inner_text().strip()
    finally:
        tab.close()
    match = WEBOTP_LINE.search(text)
    assert match, text
    host, code = match.groups()
    assert host == "localhost", host
    assert f"cua ban la {code}," in text, text
    # In the file the SMS backend wrote, the WebOTP line is a line of its own, the last.
    records = [json.loads(line) for line in outbox_file.read_text().splitlines()]
    latest = max(records, key=lambda record: record["sent_at"])
    assert latest["to"] == PHONE
    assert latest["body"].splitlines()[-1] == f"@localhost #{code}", latest["body"]
    assert latest["body"].splitlines()[-2] == "", latest["body"]
    return code


def _ends_at(url_name: str) -> re.Pattern:
    """The page's URL ends at the page named `url_name` (no query string)."""
    return re.compile(re.escape(reverse(url_name)) + "$")


def _login(page, password: str) -> None:
    page.goto(reverse("accounts:login"))
    _in_vietnamese(page)
    page.get_by_label("Mã số BHXH hoặc tên đăng nhập").fill(BHXH_CODE)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()


def _logged_in(page) -> None:
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.locator(".site-nav")).to_contain_text(FULL_NAME)


def _ask_reset_code(page) -> None:
    """From the login page: "Quên mật khẩu?", then the BHXH code and the phone as printed
    on a card or a contract ("0912 345 678")."""
    page.goto(reverse("accounts:login"))
    page.get_by_test_id("forgot-password").click()
    expect(page).to_have_url(_ends_at("accounts:password_reset"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quên mật khẩu")
    _in_vietnamese(page)
    _no_sideways_scroll(page)
    page.get_by_label("Mã số BHXH", exact=True).fill(BHXH_CODE)
    expect(page.get_by_label("Qua SMS tới số điện thoại đã đăng ký")).to_be_checked()
    page.get_by_label("Số điện thoại di động đã đăng ký").fill(PHONE_AS_PRINTED)
    page.get_by_role("button", name="Gửi mã OTP").click()
    expect(page).to_have_url(_ends_at("accounts:password_reset_confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đặt lại mật khẩu")
    expect(page.get_by_test_id("otp-sent")).to_contain_text(
        "mã OTP gồm 6 chữ số đã được gửi qua SMS tới số đó"
    )


def _submit_reset(page, code: str, password: str) -> str:
    """Submit the reset form; the error said about the OTP ("" when none)."""
    page.get_by_label(OTP_LABEL).fill(code)
    page.get_by_label("Mật khẩu mới", exact=True).fill(password)
    page.get_by_label("Nhập lại mật khẩu mới").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()
    summary = page.get_by_test_id("error-summary")
    if not summary.count():
        return ""
    expect(summary).to_be_visible()
    return summary.inner_text()


def _seconds_until(hours: int, minutes: int, seconds: int) -> float:
    """Seconds from now to the time of day (the portal's time zone) the server named."""
    now = timezone.localtime()
    target = now.replace(hour=hours, minute=minutes, second=seconds, microsecond=0)
    if target < now - datetime.timedelta(hours=12):  # the time is after midnight
        target += datetime.timedelta(days=1)
    return (target - now).total_seconds()


def test_change_password_with_the_sms_otp(phone_page, step, outbox, citizen):
    page = phone_page
    _login(page, DEFAULT_PASSWORD)
    _logged_in(page)

    page.goto(reverse("accounts:password_change"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    _in_vietnamese(page)
    _no_sideways_scroll(page)
    page.get_by_label("Mật khẩu hiện tại").fill(DEFAULT_PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(CHANGED_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(CHANGED_PASSWORD)
    step("change-form-filled")
    page.get_by_role("button", name="Gửi mã OTP").click()

    expect(page).to_have_url(_ends_at("accounts:password_change_confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập mã OTP để đổi mật khẩu")
    expect(page.get_by_test_id("otp-sent")).to_contain_text("tới số ···678")
    _otp_page_checks(page, screenshot=True)
    step("change-otp-page")

    code = _newest_otp(page, outbox, what="doi mat khau")
    # The new password is not in force before the code confirms it.
    assert User.objects.get(username=BHXH_CODE).check_password(DEFAULT_PASSWORD)
    page.get_by_label(OTP_LABEL).fill(code)
    step("change-otp-entered")
    page.get_by_role("button", name="Xác nhận").click()

    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.locator(".message-success")).to_have_text(
        "Đã đổi mật khẩu. Các thiết bị khác đã đăng nhập tài khoản này được đăng xuất."
    )
    _logged_in(page)  # still logged in on this phone
    _in_vietnamese(page)
    _no_sideways_scroll(page)
    step("changed-home")

    # The owner is told by SMS; the code is kept nowhere in the database.
    records = [json.loads(line) for line in outbox.read_text().splitlines()]
    notice = max(records, key=lambda record: record["sent_at"])
    assert f"Mat khau tai khoan {BHXH_CODE} vua duoc thay doi" in notice["body"], notice
    otp_sms = OutboundMessage.objects.get(channel="sms", sensitive=True)
    assert otp_sms.status == OutboundMessage.Status.SENT
    assert "cua ban la ********," in otp_sms.body, otp_sms.body
    assert code not in otp_sms.body + str(otp_sms.redacted)

    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("logout")).to_have_count(0)
    _login(page, DEFAULT_PASSWORD)
    expect(page.get_by_test_id("error-summary")).to_contain_text("mật khẩu không đúng")
    step("old-password-refused")
    _login(page, CHANGED_PASSWORD)
    _logged_in(page)
    _in_vietnamese(page)
    step("logged-in-with-new-password")


def test_forgotten_password_reset_with_the_sms_otp(phone_page, step, outbox, citizen):
    page = phone_page
    _ask_reset_code(page)
    _otp_page_checks(page)
    step("reset-otp-page")

    code = _newest_otp(page, outbox, what="dat lai mat khau")
    assert _submit_reset(page, code, RESET_PASSWORD) == ""

    expect(page).to_have_url(_ends_at("accounts:login"))
    expect(page.locator(".message-success")).to_have_text(
        "Đã đặt mật khẩu mới. Hãy đăng nhập bằng mã số BHXH và mật khẩu mới."
    )
    _in_vietnamese(page)
    _no_sideways_scroll(page)
    step("reset-done-login-page")

    _login(page, RESET_PASSWORD)
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    _logged_in(page)
    _in_vietnamese(page)
    step("logged-in-with-reset-password")


def test_wrong_otp_five_times_cancels_the_code(phone_page, step, outbox, citizen):
    page = phone_page
    started = time.monotonic()
    _ask_reset_code(page)
    code = _newest_otp(page, outbox, what="dat lai mat khau")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    # Every refusal of a forgotten-password code reads the same (wrong, too soon, dead):
    # anything more would tell a stranger that the code was really sent. The tries are
    # spaced by the throttle's delays (1, 2, 4, 8 s) so that each of the five counts.
    for delay in (0, 1.1, 2.1, 4.1, 8.1):
        time.sleep(delay)
        answer = _submit_reset(page, wrong, RESET_PASSWORD)
        expect(page).to_have_url(_ends_at("accounts:password_reset_confirm"))
        assert MSG_WRONG in answer, answer
    expect(page.get_by_label(OTP_LABEL)).to_have_attribute("aria-invalid", "true")
    _in_vietnamese(page)
    _no_sideways_scroll(page)
    step("reset-otp-five-wrong")
    time.sleep(16.1)  # past any delay: the right code is refused because it is dead

    # Even the right code is refused now, and the password stays the same.
    answer = _submit_reset(page, code, RESET_PASSWORD)
    assert MSG_WRONG in answer, answer
    expect(page).to_have_url(_ends_at("accounts:password_reset_confirm"))
    _in_vietnamese(page)
    _no_sideways_scroll(page)
    step("right-code-refused")
    user = User.objects.get(username=BHXH_CODE)
    assert user.check_password(DEFAULT_PASSWORD)
    assert not user.check_password(RESET_PASSWORD)
    assert time.monotonic() - started < 40
