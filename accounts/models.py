"""Accounts of the portal. A citizen logs in with the BHXH code as login name; staff
officers log in with a login name of their own and are assigned to one or more BHXH
offices (an assignment to a province office covers its local offices)."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

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
