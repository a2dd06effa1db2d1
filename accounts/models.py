"""Accounts of the portal. A citizen logs in with the BHXH code as login name; staff
officers log in with a login name of their own and belong to one BHXH office."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    office = models.ForeignKey(
        "registry.Office",
        verbose_name=_("cơ quan BHXH (cán bộ)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")

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
