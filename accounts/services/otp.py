"""One-time codes (OTP) for a pending change: issued to the account's phone (SMS) or
e-mail, 6 digits, valid 5 minutes, single use, stored as an HMAC bound to the purpose and
to the pending change, compared in constant time, dead after 5 wrong tries, resent no
sooner than 60 s; at most 5 codes per phone or e-mail an hour and 10 a day, and a cap per
client address. The SMS leaves on the messages queue, marked sensitive (its code is masked
in the outbox once delivered), and ends with the WebOTP line so Chrome on Android offers
to fill the code in."""
import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import OneTimeCode, OneTimeCodeIssue, User
from audit.context import AuditContext
from notifications.services import email_enqueue, sms_enqueue, sms_text

CODE_DIGITS = 6
MAX_WRONG_TRIES = OneTimeCode.MAX_WRONG_TRIES

MSG_WRONG = _("Mã OTP không đúng hoặc đã hết hạn.")
MSG_DEAD = _("Mã OTP đã bị hủy vì nhập sai quá nhiều lần. Vui lòng yêu cầu mã mới.")
MSG_WAIT = _("Vui lòng chờ đến %(time)s rồi nhập lại mã.")
MSG_RESEND_WAIT = _("Bạn có thể yêu cầu gửi lại mã sau %(seconds)d giây.")
MSG_TOO_MANY = _(
    "Bạn đã yêu cầu quá nhiều mã OTP. Vui lòng thử lại sau %(time)s hoặc gọi tổng đài BHXH "
    "1900 9068."
)


class OTPError(ValidationError):
    """A code refused or not sent; `code` says why (wrong, dead, throttled, cooldown,
    too_many)."""


@dataclass(frozen=True)
class OTPChallenge:
    ticket: str  # names the pending change; only whoever asked for the code has it
    channel: str
    masked_destination: str
    resend_at: datetime.datetime
    expires_at: datetime.datetime

    @property
    def resend_in(self) -> int:
        return max(0, int((self.resend_at - timezone.now()).total_seconds() + 0.999))


def _valid_seconds() -> int:
    return getattr(settings, "OTP_VALID_SECONDS", 300)


def _limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "OTP_PER_DESTINATION_HOUR", 5),
        getattr(settings, "OTP_PER_DESTINATION_DAY", 10),
        getattr(settings, "OTP_PER_ADDRESS_HOUR", 30),
    )


def _keyed(value: str, *parts: str) -> str:
    message = ":".join((*parts, value)).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def destination_hash(destination: str) -> str:
    return _keyed(destination.lower(), "otp-destination")


def mask_destination(channel: str, destination: str) -> str:
    if channel == OneTimeCode.Channel.SMS:
        return f"···{destination[-3:]}"
    name, _sep, domain = destination.partition("@")
    return f"{name[:1]}···@{domain}"


def address_limit_check(*, context: AuditContext) -> None:
    """Refuse when the client address asked for too many codes in the last hour (counted
    in the database: the limits hold when the cache is down)."""
    _per_hour, _per_day, per_address = _limits()
    if not context.ip_address:
        return
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    if OneTimeCodeIssue.objects.filter(
        ip_address=context.ip_address, created_at__gte=hour_ago
    ).count() >= per_address:
        _too_many(timezone.now() + datetime.timedelta(hours=1))


def destination_limit_check(*, destination: str) -> None:
    """Refuse when the phone or e-mail got too many codes in the last hour or day."""
    per_hour, per_day, _per_address = _limits()
    now = timezone.now()
    hour_ago, day_ago = now - datetime.timedelta(hours=1), now - datetime.timedelta(days=1)
    times = sorted(
        OneTimeCodeIssue.objects.filter(
            destination_hash=destination_hash(destination), created_at__gte=day_ago
        ).values_list("created_at", flat=True)
    )
    if len(times) >= per_day:
        _too_many(times[-per_day] + datetime.timedelta(days=1))
    in_hour = [t for t in times if t >= hour_ago]
    if len(in_hour) >= per_hour:
        _too_many(in_hour[-per_hour] + datetime.timedelta(hours=1))


def _too_many(until: datetime.datetime) -> None:
    when = timezone.localtime(until)
    raise OTPError(MSG_TOO_MANY % {"time": f"{when:%H:%M %d/%m/%Y}"}, code="too_many")


def issue_record(*, destination: str | None, context: AuditContext) -> None:
    OneTimeCodeIssue.objects.create(
        destination_hash=destination_hash(destination or f"none:{secrets.token_hex(8)}"),
        ip_address=context.ip_address,
    )


def _webotp_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def otp_deliver(device: OneTimeCode, code: str) -> None:
    """Enqueue the message carrying `code` (sensitive: masked once delivered)."""
    user = device.user
    minutes = _valid_seconds() // 60
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if device.purpose == OneTimeCode.Purpose.PASSWORD_CHANGE:
            what = gettext("đổi mật khẩu")
        else:
            what = gettext("đặt lại mật khẩu")
        if device.channel == OneTimeCode.Channel.SMS:
            text = sms_text(gettext(
                "VssID: Mã OTP %(what)s của bạn là %(code)s, hiệu lực %(minutes)d phút. "
                "Không cung cấp mã này cho bất kỳ ai."
            ) % {"what": what, "code": code, "minutes": minutes})
            # WebOTP: the last line lets Chrome on Android offer to fill the code in.
            body = f"{text}\n\n@{_webotp_host()} #{code}"
            sms_enqueue(to=device.destination, body=body, secret=code,
                        language=user.language or "vi")
        else:
            email_enqueue(
                to=device.destination,
                subject=gettext("Mã OTP %(what)s VssID") % {"what": what},
                body=gettext(
                    "Mã OTP %(what)s tài khoản VssID của bạn là: %(code)s\n\n"
                    "Mã có hiệu lực %(minutes)d phút và chỉ dùng được một lần. Không cung "
                    "cấp mã này cho bất kỳ ai, kể cả người xưng là cán bộ BHXH.\n\n"
                    "Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không đổi.\n\n"
                    "Thư này được gửi tự động, vui lòng không trả lời."
                ) % {"what": what, "code": code, "minutes": minutes},
                secret=code,
                language=user.language or "vi",
            )


def _cooldown_check(device: OneTimeCode) -> None:
    allowed, extra = device.generate_is_allowed()
    if not allowed:
        wait = int((extra["next_generation_at"] - timezone.now()).total_seconds()) + 1
        raise OTPError(MSG_RESEND_WAIT % {"seconds": max(wait, 1)}, code="cooldown")


def _device_locked(*, user: User, purpose: str, channel: str, ticket: str | None,
                   new_change: bool) -> OneTimeCode:
    """The device to send a code from, locked; a new pending change gets a new ticket."""
    codes = OneTimeCode.objects.select_for_update()
    if purpose == OneTimeCode.Purpose.PASSWORD_CHANGE:
        device = codes.filter(user=user, purpose=purpose).first()
        if device is None:
            device = OneTimeCode.objects.create(user=user, purpose=purpose, name=purpose,
                                                channel=channel, confirmed=True)
        elif not new_change and device.pending_id != (ticket or device.pending_id):
            raise OTPError(MSG_WRONG, code="no_pending")
        if not new_change and not device.pending_id:
            raise OTPError(MSG_WRONG, code="no_pending")
        _cooldown_check(device)
        if new_change:
            device.pending_id = secrets.token_hex(16)
        return device
    # A forgotten password: each request its own code; the cooldown counts across them.
    if not new_change:
        device = codes.filter(user=user, purpose=purpose, pending_id=ticket or "-").first()
        if device is None or timezone.now() >= device.valid_until:
            raise OTPError(MSG_WRONG, code="no_pending")
        _cooldown_check(device)
        return device
    codes.filter(user=user, purpose=purpose,
                 valid_until__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    latest = codes.filter(user=user, purpose=purpose).order_by(
        "-last_generated_timestamp").first()
    if latest is not None:
        _cooldown_check(latest)
    return OneTimeCode.objects.create(user=user, purpose=purpose, name=purpose,
                                      channel=channel, confirmed=True,
                                      pending_id=secrets.token_hex(16))


def otp_issue(
    *, user: User, purpose: str, channel: str, destination: str, context: AuditContext,
    pending_password: str = "", new_change: bool = True, ticket: str | None = None,
) -> OTPChallenge:
    """Send a fresh code for `purpose` to `destination`. With new_change, the code belongs
    to a new pending change, named by a new ticket (codes sent before confirm nothing);
    otherwise it is a resend for the change `ticket` names. Refused (OTPError) during the
    cooldown and beyond the limits per phone/e-mail and per client address."""
    with transaction.atomic():
        # One account's requests, one at a time.
        User.objects.select_for_update().filter(pk=user.pk).first()
        device = _device_locked(user=user, purpose=purpose, channel=channel, ticket=ticket,
                                new_change=new_change)
        address_limit_check(context=context)
        destination_limit_check(destination=destination)
        if new_change:
            device.pending_password = pending_password
        device.channel = channel
        device.destination = destination
        code = device.generate_token(length=CODE_DIGITS, valid_secs=_valid_seconds(),
                                     commit=False)
        device.throttle_reset(commit=False)
        device.cooldown_set(commit=False)
        device.save()
        issue_record(destination=destination, context=context)
        otp_deliver(device, code)
    return otp_challenge(device)


def otp_challenge(device: OneTimeCode) -> OTPChallenge:
    resend_at = (device.last_generated_timestamp or timezone.now()) + datetime.timedelta(
        seconds=device.get_cooldown_duration()
    )
    return OTPChallenge(
        ticket=device.pending_id,
        channel=device.channel,
        masked_destination=mask_destination(device.channel, device.destination),
        resend_at=resend_at,
        expires_at=device.valid_until,
    )


def otp_verify(*, user: User, purpose: str, code: str, ticket: str | None = None
               ) -> OneTimeCode:
    """The device whose pending change `code` confirms (the one `ticket` names, when
    given), its code used up; OTPError otherwise. Wrong tries are throttled (django-otp)
    and the code dies after 5."""
    with transaction.atomic():
        codes = OneTimeCode.objects.select_for_update().filter(user=user, purpose=purpose)
        if ticket is not None:
            codes = codes.filter(pending_id=ticket or "-")
        device = codes.first()
        if device is None or not device.code_hash:
            refusal = OTPError(MSG_WRONG, code="wrong")
        else:
            allowed, extra = device.verify_is_allowed()
            if not allowed:
                # Rounded up: "wait until 08:00:03" must not be a second early.
                locked = extra["locked_until"]
                if locked.microsecond:
                    locked = locked.replace(microsecond=0) + datetime.timedelta(seconds=1)
                when = timezone.localtime(locked)
                refusal = OTPError(MSG_WAIT % {"time": f"{when:%H:%M:%S}"}, code="throttled")
            elif device.verify_token(code):  # saves the try, right or wrong
                return device
            elif not device.code_hash:
                refusal = OTPError(MSG_DEAD, code="dead")
            else:
                refusal = OTPError(MSG_WRONG, code="wrong")
    # Raised after the transaction committed the failed try.
    raise refusal


def otp_restore(device: OneTimeCode, code: str) -> None:
    """Give back a code that was right but whose change was refused for another reason
    (e.g. the new password breaks a rule): it stays valid until it expires."""
    code = "".join((code or "").split())
    OneTimeCode.objects.filter(pk=device.pk, code_hash="").update(
        code_hash=device._hash(code)
    )


def otp_clear(device: OneTimeCode) -> None:
    """After the change is made: nothing of it stays."""
    device.pending_id = ""
    device.pending_password = ""
    device.code_hash = ""
    device.save(update_fields=["pending_id", "pending_password", "code_hash"])
