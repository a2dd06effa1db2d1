"""Accounts of the portal. A citizen logs in with the BHXH code as login name; staff
officers log in with a login name of their own and are assigned to one or more BHXH
offices (an assignment to a province office covers its local offices)."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin

from vssid_portal.languages import LANGUAGE_CHOICES


class User(AbstractUser):
    # One full name, as Vietnamese names are written, instead of first/last name.
    first_name = None
    last_name = None
    full_name = models.CharField(_("họ và tên"), max_length=100, blank=True)
    phone = models.CharField(_("điện thoại di động"), max_length=16, blank=True)
    insured_person = models.OneToOneField(
        "registry.InsuredPerson",
        verbose_name=_("người tham gia"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=LANGUAGE_CHOICES, default="vi"
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[-1] if self.full_name else self.username

    @property
    def bhxh_code(self) -> str | None:
        return self.insured_person.bhxh_code if self.insured_person_id else None


class StaffAssignment(models.Model):
    """A staff member works for an office: as an officer (reviews its declarations) or, at
    a province office, as a manager (also manages the officers of that province)."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Cán bộ xử lý hồ sơ")
        MANAGER = "manager", _("Quản lý cán bộ (cấp tỉnh)")

    user = models.ForeignKey(
        User, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="assignments"
    )
    office = models.ForeignKey(
        "registry.Office", verbose_name=_("cơ quan BHXH"), on_delete=models.PROTECT,
        related_name="staff_assignments",
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices,
                            default=Role.OFFICER)
    created_at = models.DateTimeField(_("ngày phân công"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="staff_assignment_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["officer", "manager"]),
                name="staff_assignment_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.office.code} ({self.role})"


class StaffUser(User):
    """Staff accounts, as the admin manages them."""

    class Meta:
        proxy = True
        verbose_name = _("cán bộ BHXH")
        verbose_name_plural = _("cán bộ BHXH")


class CitizenAccount(User):
    """Citizen accounts, as the admin looks them up (never their passwords)."""

    class Meta:
        proxy = True
        verbose_name = _("tài khoản người tham gia")
        verbose_name_plural = _("tài khoản người tham gia")


class OneTimeCode(ThrottlingMixin, CooldownMixin, SideChannelDevice):
    """A one-time code (OTP) sent by SMS or e-mail to confirm one pending change: a
    password change or a password reset. django-otp's side-channel device, with its
    cooldown (no resend before OTP_RESEND_SECONDS) and its throttling (1, 2, 4 … seconds
    between wrong tries); unlike django-otp's devices, the code is stored only as an HMAC
    bound to the purpose and to the pending change, and compared in constant time.
    django-otp's `token` field stays empty."""

    class Purpose(models.TextChoices):
        PASSWORD_CHANGE = "password_change", _("Đổi mật khẩu")
        PASSWORD_RESET = "password_reset", _("Quên mật khẩu")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Thư điện tử")

    purpose = models.CharField(_("mục đích"), max_length=20, choices=Purpose.choices)
    channel = models.CharField(_("kênh"), max_length=5, choices=Channel.choices)
    destination = models.CharField(_("nơi nhận"), max_length=254, blank=True)
    # A new random value for each pending change: a code confirms only the change it was
    # sent for.
    pending_id = models.CharField(max_length=32, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    # The hash (Django's password hasher) of the new password waiting for the code.
    pending_password = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = _("mã OTP")
        verbose_name_plural = _("mã OTP")
        constraints = [
            # One pending password change per account; a forgotten-password request makes
            # a code of its own each time (its ticket, pending_id, goes only to whoever
            # asked), so that a stranger's requests and wrong tries never touch the code
            # its owner is typing.
            models.UniqueConstraint(
                fields=["user", "purpose"], condition=models.Q(purpose="password_change"),
                name="one_time_code_one_change",
            ),
            models.UniqueConstraint(
                fields=["user", "purpose", "pending_id"], name="one_time_code_per_ticket"
            ),
        ]

    MAX_WRONG_TRIES = 5

    def _hash(self, code: str) -> str:
        import hashlib
        import hmac

        from django.conf import settings

        message = f"otp:{self.pk}:{self.purpose}:{self.pending_id}:{code}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()

    def generate_token(self, length: int = 6, valid_secs: int | None = None,
                       commit: bool = True) -> str:
        """A new random code for the pending change; only its HMAC is kept. Returns the
        code (to be sent, never stored)."""
        import datetime
        import secrets

        from django.conf import settings
        from django.utils import timezone

        code = "".join(secrets.choice("0123456789") for _ in range(length))
        valid = valid_secs or getattr(settings, "OTP_VALID_SECONDS", 300)
        self.token = None
        self.code_hash = self._hash(code)
        self.valid_until = timezone.now() + datetime.timedelta(seconds=valid)
        if commit:
            self.save()
        return code

    def generate_challenge(self) -> str:
        """django-otp's interface: a new code, sent to the destination (cooldown permitting)."""
        allowed, _extra = self.generate_is_allowed()
        if not allowed:
            return ""
        code = self.generate_token(commit=False)
        self.throttle_reset(commit=False)
        self.cooldown_set(commit=False)
        self.save()
        from accounts.services.otp import otp_deliver

        otp_deliver(self, code)
        return str(_("Mã OTP đã được gửi."))

    def verify_token(self, token) -> bool:
        """Constant-time check of `token` against the kept HMAC, within its validity, when
        the throttle allows a try; a wrong try counts, and the code dies after
        MAX_WRONG_TRIES. A right code is used up."""
        import hmac

        from django.utils import timezone

        allowed, _extra = self.verify_is_allowed()
        if not allowed or not self.code_hash:
            return False
        token = "".join(str(token or "").split())[:12]
        right = (
            token.isdigit()
            and timezone.now() < self.valid_until
            and hmac.compare_digest(self._hash(token), self.code_hash)
        )
        if right:
            self.code_hash = ""
            self.throttle_reset(commit=False)
            self.cooldown_reset(commit=False)
        else:
            self.throttle_increment(commit=False)
            if self.throttling_failure_count >= self.MAX_WRONG_TRIES:
                self.code_hash = ""
        self.save()
        return bool(right)

    def get_cooldown_duration(self) -> int:
        from django.conf import settings

        return getattr(settings, "OTP_RESEND_SECONDS", 60)

    def get_throttle_factor(self) -> int:
        from django.conf import settings

        return getattr(settings, "OTP_THROTTLE_FACTOR", 1)


class OneTimeCodeIssue(models.Model):
    """One code sent (or asked for): what the limits per phone or e-mail and per client
    address count. Destinations are kept as keyed hashes, not as phone numbers."""

    destination_hash = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lần gửi mã OTP")
        verbose_name_plural = _("lần gửi mã OTP")
        indexes = [models.Index(fields=["destination_hash", "created_at"]),
                   models.Index(fields=["ip_address", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
