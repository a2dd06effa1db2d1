"""Second factor for staff: enrolment by QR in the portal, then the admin asks for the code
when STAFF_OTP_REQUIRED is on (production); off, the admin takes the password alone."""
import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import AuditAction
from audit.models import AuditRecord
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client, user, token=""):
    return client.post(reverse("admin:login"), {
        "username": user.username, "password": DEFAULT_PASSWORD, "otp_token": token,
        "next": reverse("admin:index"),
    })


def test_without_the_setting_the_password_opens_the_admin(client, settings):
    settings.STAFF_OTP_REQUIRED = False
    staff = UserFactory(staff=True)
    assert _login(client, staff).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_the_setting_enrol_then_log_in_with_the_code(client, settings):
    settings.STAFF_OTP_REQUIRED = True
    staff = UserFactory(staff=True)
    # Not enrolled: the admin refuses and says where to enrol.
    response = _login(client, staff, "123456")
    assert response.status_code == 200
    assert "chưa đăng ký xác thực hai lớp" in response.content.decode()
    # Enrol in the portal: a QR (as an image data URI, no external request) and a code.
    client.force_login(staff)
    html = client.get(reverse("accounts:staff_otp")).content.decode()
    assert 'src="data:image/png;base64,' in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(reverse("accounts:staff_otp"), {"token": "000000"})
    assert "không đúng" in wrong.content.decode()
    client.post(reverse("accounts:staff_otp"), {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert AuditRecord.objects.filter(action=AuditAction.OTP_DEVICE_ENROLLED).exists()
    # A password session is not enough for the admin...
    assert client.get(reverse("admin:index")).status_code == 302
    client.logout()
    # ...nor a password with a wrong code; the right code opens it.
    assert _login(client, staff, "000000").status_code == 200
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.last_t = -1
    device.save()
    response = _login(client, staff, _code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_second_device_needs_more_than_a_password(client):
    staff = UserFactory(staff=True)
    TOTPDevice.objects.create(user=staff, name="VssID", confirmed=True)
    client.force_login(staff)
    html = client.get(reverse("accounts:staff_otp")).content.decode()
    assert 'data-testid="otp-enrolled"' in html
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_citizens_cannot_enrol(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:staff_otp")).status_code == 403


def test_production_settings_require_the_second_factor():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="vssid_portal.settings.production",
               SECRET_KEY="x" * 60, ALLOWED_HOSTS="portal.example.vn")
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import "
         "settings; print(settings.STAFF_OTP_REQUIRED)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "True"
