"""Password change with an SMS OTP and forgotten password (SMS or e-mail): the flows, the
code's rules (expiry, single use, purpose, wrong tries, resend cooldown, limits), what is
left of a code afterwards, and django-otp's own throttling and cooldown tests."""
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.test_utils import CooldownTestMixin, ThrottlingTestMixin
from freezegun import freeze_time
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import login_throttle
from accounts.models import OneTimeCode
from accounts.services import passwords
from accounts.services.otp import OTPError
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.models import AuditRecord
from notifications.models import OutboundMessage
from notifications.sms import sms_segments
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
CTX = AuditContext(ip_address="203.0.113.9", channel="web")
NEW = "Hoa-sen-nở-2026"


def _last_code(channel="sms") -> str:
    message = OutboundMessage.objects.filter(sensitive=True, channel=channel).latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _request_change(user, **kwargs):
    return passwords.password_change_request(
        user=user, old_password=DEFAULT_PASSWORD, new_password=NEW, context=CTX, **kwargs
    )


@pytest.fixture
def citizen():
    return UserFactory(phone="+84912345678", email="an@example.vn")


def test_change_by_web_with_the_sms_code(client, citizen, django_capture_on_commit_callbacks):
    other = client.__class__()
    other.force_login(citizen)
    Token.objects.create(user=citizen)
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_change"), {
            "old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW,
        })
    assert response["Location"] == reverse("accounts:password_change_confirm")
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "···678" in page
    assert 'data-resend-in="60"' in page or 'data-resend-in="59"' in page
    from notifications.sms.backends.locmem import outbox

    text = outbox[-1].body
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert text.isascii() and sms_segments(text) == 1
    assert text.endswith(f"@127.0.0.1 #{code}")  # WebOTP: Chrome on Android fills it in
    sms = OutboundMessage.objects.get(sensitive=True)
    assert code not in sms.body  # masked once sent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_change_confirm"), {"otp": code})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)
    assert client.get(reverse("accounts:password_change")).status_code == 200  # still in
    assert other.get(reverse("accounts:password_change")).status_code == 302  # logged out
    assert not Token.objects.filter(user=citizen).exists()
    notice = OutboundMessage.objects.filter(sensitive=False, recipient=citizen.phone).latest("id")
    assert "1900 9068" in notice.body and sms_segments(notice.body) == 1
    assert AuditRecord.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_change_needs_the_current_password_and_a_good_new_one(citizen):
    with pytest.raises(ValidationError) as caught:
        passwords.password_change_request(user=citizen, old_password="sai", new_password=NEW,
                                          context=CTX)
    assert "old_password" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        passwords.password_change_request(user=citizen, old_password=DEFAULT_PASSWORD,
                                          new_password="12345678", context=CTX)
    assert "new_password" in caught.value.message_dict
    assert not OutboundMessage.objects.exists()


def test_change_by_api(citizen):
    api = APIClient()
    token = Token.objects.create(user=citizen)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/v1/account/password/",
                        {"old_password": DEFAULT_PASSWORD, "new_password": NEW}, format="json")
    assert response.status_code == 202
    assert response.json()["resend_after"] in (59, 60) and response.json()["expires_in"] > 290
    wrong = api.post("/api/v1/account/password/confirm/", {"otp": "000000"}, format="json")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    with freeze_time(timezone.now() + timedelta(seconds=2)):
        response = api.post("/api/v1/account/password/confirm/", {"otp": _last_code()},
                            format="json")
    assert response.status_code == 200
    new_token = response.json()["token"]
    assert new_token != token.key
    assert api.get("/api/v1/me/card/").status_code == 401  # the old token is dead
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_token}")
    assert api.get("/api/v1/me/card/").status_code != 401


def test_the_code_expires_after_five_minutes(citizen):
    with freeze_time() as clock:
        _request_change(citizen)
        code = _last_code()
        clock.tick(301)
        with pytest.raises(OTPError):
            passwords.password_change_confirm(user=citizen, otp=code, context=CTX)
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)


def test_a_code_is_used_once_and_confirms_only_its_purpose(citizen):
    _request_change(citizen)
    code = _last_code()
    # A password-change code does not reset a password.
    ticket = OneTimeCode.objects.get(user=citizen).pending_id
    with pytest.raises(OTPError):
        passwords.password_reset_confirm(bhxh_code=citizen.username, ticket=ticket, otp=code,
                                         new_password="Khac-han-2026", context=CTX)
    with freeze_time(timezone.now() + timedelta(seconds=2)):
        passwords.password_change_confirm(user=citizen, otp=code, context=CTX)
    with freeze_time(timezone.now() + timedelta(seconds=10)), pytest.raises(OTPError):
        passwords.password_change_confirm(user=citizen, otp=code, context=CTX)  # replay


def test_a_code_sent_before_a_new_request_confirms_nothing(citizen):
    with freeze_time() as clock:
        _request_change(citizen)
        first = _last_code()
        clock.tick(61)
        passwords.password_change_request(user=citizen, old_password=DEFAULT_PASSWORD,
                                          new_password="Mot-mat-khau-khac-2026", context=CTX)
        with pytest.raises(OTPError):
            passwords.password_change_confirm(user=citizen, otp=first, context=CTX)


def test_a_thousand_wrong_codes_get_nowhere_and_send_nothing(citizen):
    with freeze_time() as clock:
        _request_change(citizen)
        right = _last_code()
        sent = OutboundMessage.objects.count()
        outcomes = set()
        for n in range(1000):
            guess = f"{n:06d}"
            if guess == right:
                continue
            try:
                passwords.password_change_confirm(user=citizen, otp=guess, context=CTX)
            except OTPError as exc:
                outcomes.add(exc.code)
            clock.tick(20)  # an attacker patient enough to wait out every delay
        assert outcomes == {"wrong", "dead", "throttled"} or outcomes <= {
            "wrong", "dead", "throttled"}
        assert "dead" in outcomes
        # The right code is dead too after 5 wrong tries.
        with pytest.raises(OTPError):
            passwords.password_change_confirm(user=citizen, otp=right, context=CTX)
    assert OutboundMessage.objects.count() == sent
    citizen.refresh_from_db()
    assert citizen.check_password(DEFAULT_PASSWORD)


def test_resend_waits_sixty_seconds_and_the_limits_hold(citizen, settings):
    with freeze_time() as clock:
        _request_change(citizen)
        with pytest.raises(OTPError) as caught:
            passwords.password_change_resend(user=citizen, context=CTX)
        assert caught.value.code == "cooldown" and "giây" in caught.value.messages[0]
        for _ in range(4):
            clock.tick(61)
            passwords.password_change_resend(user=citizen, context=CTX)
        clock.tick(61)
        with pytest.raises(OTPError) as caught:
            passwords.password_change_resend(user=citizen, context=CTX)
        assert caught.value.code == "too_many"  # 5 an hour
        for _ in range(5):
            clock.tick(60 * 60)
            try:
                passwords.password_change_resend(user=citizen, context=CTX)
            except OTPError as exc:
                assert exc.code == "too_many"
        assert OutboundMessage.objects.filter(sensitive=True).count() == 10  # 10 a day


def test_a_resend_flood_from_one_address_is_capped(settings):
    settings.OTP_PER_ADDRESS_HOUR = 3
    for n in range(6):
        try:
            passwords.password_reset_request(bhxh_code=f"01000{n:05d}", phone="+84912000000",
                                             context=CTX)
        except OTPError as exc:
            assert exc.code == "too_many"
    from accounts.models import OneTimeCodeIssue

    assert OneTimeCodeIssue.objects.filter(ip_address="203.0.113.9").count() == 3


def test_forgotten_password_by_sms_clears_the_lock(client, citizen, settings):
    settings.LOGIN_FAILURES_PER_NAME = 3
    with freeze_time() as clock:
        for _ in range(3):
            login_throttle.login_failed(username=citizen.username, address="198.51.100.1")
            clock.tick(30)
        assert login_throttle.login_blocked(username=citizen.username, address=None)
        response = client.post(reverse("accounts:password_reset"), {
            "bhxh_code": citizen.username, "method": "sms", "phone": "0912 345 678",
        })
        assert response["Location"] == reverse("accounts:password_reset_confirm")
        page = client.get(response["Location"]).content.decode()
        assert 'autocomplete="one-time-code"' in page
        response = client.post(reverse("accounts:password_reset_confirm"), {
            "otp": _last_code(), "new_password1": NEW, "new_password2": NEW,
        })
        assert response["Location"] == reverse("accounts:login")
        citizen.refresh_from_db()
        assert citizen.check_password(NEW)
        assert not login_throttle.login_blocked(username=citizen.username, address=None)
        assert client.post(reverse("accounts:login"), {
            "username": citizen.username, "password": NEW}).status_code == 302


def test_forgotten_password_by_email(citizen, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        ticket = passwords.password_reset_request(bhxh_code=citizen.username,
                                                  email="AN@example.vn", context=CTX)
    [message] = [m for m in mail.outbox if "OTP" in m.subject]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    row = OutboundMessage.objects.get(channel="email", sensitive=True)
    assert code not in row.body  # masked once sent
    with freeze_time(timezone.now() + timedelta(seconds=2)):
        passwords.password_reset_confirm(bhxh_code=citizen.username, ticket=ticket, otp=code,
                                         new_password=NEW, context=CTX)
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)


@pytest.mark.parametrize("data", [
    {"bhxh_code": "0999999999", "phone": "0912345678"},   # no such account
    {"phone": "0987654321"},                               # not its phone
    {"email": "other@example.vn"},                         # not its e-mail
])
def test_the_answer_never_tells_whether_code_and_phone_belong_together(citizen, data):
    api = APIClient()
    data = {"bhxh_code": citizen.username, **data}
    mismatch = api.post("/api/v1/password-reset/", data, format="json")
    match = api.post("/api/v1/password-reset/",
                     {"bhxh_code": citizen.username, "phone": "0912345678"}, format="json")
    assert mismatch.status_code == match.status_code == 202
    mismatch, match = mismatch.json(), match.json()
    assert mismatch["detail"] == match["detail"]
    assert re.fullmatch(r"[0-9a-f]{32}", mismatch["reset_token"])
    assert re.fullmatch(r"[0-9a-f]{32}", match["reset_token"])
    assert OutboundMessage.objects.filter(sensitive=True).count() == 1  # only the match


def test_reset_confirm_by_api_and_wrong_codes(citizen):
    api = APIClient()
    ticket = api.post("/api/v1/password-reset/", {"bhxh_code": citizen.username,
                                                  "phone": "0912345678"},
                      format="json").json()["reset_token"]
    code = _last_code()
    wrong = api.post("/api/v1/password-reset/confirm/", {
        "bhxh_code": citizen.username, "otp": "123", "new_password": NEW,
        "reset_token": ticket}, format="json")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    with freeze_time(timezone.now() + timedelta(seconds=3)):
        # A right code with a weak password: refused, the code stays usable.
        weak = api.post("/api/v1/password-reset/confirm/", {
            "bhxh_code": citizen.username, "otp": code, "new_password": "12345678",
            "reset_token": ticket}, format="json")
        assert weak.status_code == 400 and "new_password" in weak.json()
        ok = api.post("/api/v1/password-reset/confirm/", {
            "bhxh_code": citizen.username, "otp": code, "new_password": NEW,
            "reset_token": ticket}, format="json")
    assert ok.status_code == 200


def test_a_wrong_code_does_not_reveal_the_phone_through_the_password_rules(citizen):
    ticket = passwords.password_reset_request(bhxh_code=citizen.username,
                                              phone="+84912345678", context=CTX)
    with pytest.raises(OTPError):
        passwords.password_reset_confirm(bhxh_code=citizen.username, ticket=ticket,
                                         otp="000000", new_password="Mk-0912345678",
                                         context=CTX)


def test_the_admin_never_shows_a_waiting_code(client, citizen):
    _request_change(citizen)
    code = _last_code()
    client.force_login(UserFactory(staff=True, is_superuser=True))
    message = OutboundMessage.objects.get(sensitive=True)
    html = client.get(reverse("admin:notifications_outboundmessage_change",
                              args=[message.pk])).content.decode()
    assert code not in html
    assert not OneTimeCode.objects.filter(code_hash__contains=code).exists()


def test_pages_link_to_the_forgotten_password(client):
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in login_page
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert "cơ quan BHXH" in page and 'data-testid="reset-help"' in page


def _device_with_code(test):
    user = UserFactory(phone="+84912345678")
    device = OneTimeCode.objects.create(user=user, purpose="password_change", channel="sms",
                                        destination=user.phone, pending_id="p1", name="t")
    test.code = device.generate_token()
    return device


@override_settings(OTP_THROTTLE_FACTOR=1)
class OneTimeCodeThrottlingTest(ThrottlingTestMixin, TestCase):
    def setUp(self):
        self.device = _device_with_code(self)

    def valid_token(self):
        return self.code

    def invalid_token(self):
        return "000000" if self.code != "000000" else "111111"


@override_settings(OTP_RESEND_SECONDS=10)
class OneTimeCodeCooldownTest(CooldownTestMixin, TestCase):
    def setUp(self):
        self.device = _device_with_code(self)

    def valid_token(self):
        self.device.refresh_from_db()
        self.code = self.device.generate_token()
        return self.code

    def invalid_token(self):
        return "abcdef"


@pytest.mark.parametrize("purpose", ["change", "reset"])
def test_the_otp_sms_is_one_segment_even_with_a_long_host(citizen, settings, purpose):
    settings.SITE_URL = "https://dichvucong.baohiemxahoi.gov.vn:8443"
    if purpose == "change":
        _request_change(citizen)
    else:
        passwords.password_reset_request(bhxh_code=citizen.username, phone=citizen.phone,
                                         context=CTX)
    body = OutboundMessage.objects.get(sensitive=True).body
    assert body.isascii() and sms_segments(body) == 1
    assert body.splitlines()[-1] == f"@dichvucong.baohiemxahoi.gov.vn #{_last_code()}"


def test_a_login_flood_from_many_addresses_does_not_stop_the_owner_recovering(client,
                                                                              citizen):
    attacker = client.__class__()
    for n in range(200):
        attacker.post(reverse("accounts:login"),
                      {"username": citizen.username, "password": f"doan-{n}"},
                      REMOTE_ADDR=f"198.51.{n // 250}.{n % 250}")
    assert login_throttle.login_blocked(username=citizen.username, address=None)
    client.post(reverse("accounts:password_reset"), {
        "bhxh_code": citizen.username, "method": "sms", "phone": "0912345678"})
    client.post(reverse("accounts:password_reset_confirm"), {
        "otp": _last_code(), "new_password1": NEW, "new_password2": NEW})
    response = client.post(reverse("accounts:login"),
                           {"username": citizen.username, "password": NEW})
    assert response.status_code == 302


def test_a_strangers_wrong_tries_never_touch_the_owners_code(citizen):
    with freeze_time() as clock:
        owner_ticket = passwords.password_reset_request(bhxh_code=citizen.username,
                                                        phone=citizen.phone, context=CTX)
        code = _last_code()
        # The stranger has no ticket of the owner's: a made-up one, or one of its own.
        clock.tick(61)
        own = passwords.password_reset_request(bhxh_code=citizen.username, phone=citizen.phone,
                                               context=AuditContext(ip_address="198.51.100.7"))
        for ticket in ("0" * 32, own):
            for _ in range(8):
                with pytest.raises(OTPError):
                    passwords.password_reset_confirm(bhxh_code=citizen.username, ticket=ticket,
                                                     otp="000000", new_password=NEW,
                                                     context=CTX)
                clock.tick(20)
        clock.tick(-8 * 2 * 20 + 30)  # back within the owner's five minutes
        passwords.password_reset_confirm(bhxh_code=citizen.username, ticket=owner_ticket,
                                         otp=code, new_password=NEW, context=CTX)
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)


def test_strangers_cannot_use_up_the_owners_quota_with_wrong_pairs(citizen):
    with freeze_time() as clock:
        for n in range(15):
            passwords.password_reset_request(
                bhxh_code=f"0999{n:06d}", phone=citizen.phone,
                context=AuditContext(ip_address=f"198.51.100.{n}"))
            clock.tick(61)
        passwords.password_reset_request(bhxh_code=citizen.username, phone=citizen.phone,
                                         context=CTX)
    assert OutboundMessage.objects.filter(sensitive=True, recipient=citizen.phone).count() == 1


def test_repeated_requests_answer_alike_for_a_match_and_a_mismatch(citizen):
    api = APIClient()

    def statuses(phone):
        return [api.post("/api/v1/password-reset/",
                         {"bhxh_code": citizen.username, "phone": phone}, format="json",
                         REMOTE_ADDR=f"203.0.113.{len(phone)}").status_code
                for _ in range(8)]

    with freeze_time() as clock:
        match = statuses("0912345678")
        clock.tick(3600)
        mismatch = statuses("0987654321 ")
    assert match == mismatch == [202] * 8


def test_every_refused_reset_code_reads_the_same(citizen):
    ticket = passwords.password_reset_request(bhxh_code=citizen.username, phone=citizen.phone,
                                              context=CTX)
    seen = set()
    for _ in range(7):  # wrong, then throttled, then dead: all read as "wrong"
        with pytest.raises(OTPError) as caught:
            passwords.password_reset_confirm(bhxh_code=citizen.username, ticket=ticket,
                                             otp="000000", new_password=NEW, context=CTX)
        seen.add((caught.value.code, caught.value.messages[0]))
    assert seen == {("wrong", "Mã OTP không đúng hoặc đã hết hạn.")}


def test_the_owner_who_reset_passes_a_relock_on_that_browser(client, citizen, settings):
    settings.LOGIN_FAILURES_PER_NAME = 3
    client.post(reverse("accounts:password_reset"), {
        "bhxh_code": citizen.username, "method": "sms", "phone": "0912345678"})
    client.post(reverse("accounts:password_reset_confirm"), {
        "otp": _last_code(), "new_password1": NEW, "new_password2": NEW})
    stranger = client.__class__()
    for n in range(3):
        stranger.post(reverse("accounts:login"), {"username": citizen.username, "password": "x"},
                      REMOTE_ADDR=f"198.51.100.{n}")
    assert stranger.post(reverse("accounts:login"), {
        "username": citizen.username, "password": NEW}).status_code == 200  # locked
    assert client.post(reverse("accounts:login"), {
        "username": citizen.username, "password": NEW}).status_code == 302


def test_the_api_device_token_passes_the_lock_and_dies_with_the_password(citizen, settings):
    settings.LOGIN_FAILURES_PER_NAME = 3
    api = APIClient()
    first = api.post("/api/v1/auth/token/", {"bhxh_code": citizen.username,
                                             "password": DEFAULT_PASSWORD}).json()
    for n in range(3):
        APIClient().post("/api/v1/auth/token/", {"bhxh_code": citizen.username,
                                                 "password": "x"}, REMOTE_ADDR=f"10.9.0.{n}")
    body = {"bhxh_code": citizen.username, "password": DEFAULT_PASSWORD}
    assert api.post("/api/v1/auth/token/", body).status_code == 400  # locked without it
    assert api.post("/api/v1/auth/token/", {**body, "device_token": first["device_token"]}
                    ).status_code == 200
    # A known device is no free pass: past four times the limit it is locked too.
    for _ in range(12):
        api.post("/api/v1/auth/token/", {**body, "password": "x",
                                         "device_token": first["device_token"]})
    assert api.post("/api/v1/auth/token/", {**body, "device_token": first["device_token"]}
                    ).status_code == 400
    # A new password ends every device mark made with the old one.
    citizen.set_password(NEW)
    citizen.save()
    login_throttle.login_failures_clear(username=citizen.username)
    from accounts.devices import device_token_knows

    assert not device_token_knows(first["device_token"], citizen.username)


def test_guessing_the_current_password_respects_the_lock(citizen, settings):
    settings.LOGIN_FAILURES_PER_NAME = 3
    with freeze_time() as clock:
        for _ in range(3):
            with pytest.raises(ValidationError):
                passwords.password_change_request(user=citizen, old_password="x",
                                                  new_password=NEW, context=CTX)
            clock.tick(60)
        with pytest.raises(ValidationError) as caught:
            _request_change(citizen)  # the right one, but locked
    assert caught.value.message_dict["old_password"][0].startswith("Bạn đã nhập sai")
