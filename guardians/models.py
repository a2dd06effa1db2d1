"""The guardianship: a parent or guardian (an account) acts for an insured child under 18.

A guardianship is created when BHXH staff approve the child's registration declaration
(declarations.services.review), and ends on the child's 18th birthday (guardians.services).
This app sits below declarations: it knows accounts and the registry, never declarations.
"""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class GuardianLink(models.Model):
    class Relationship(models.TextChoices):
        FATHER = "father", _("Cha")
        MOTHER = "mother", _("Mẹ")
        GUARDIAN = "guardian", _("Người giám hộ")

    class EndReason(models.TextChoices):
        COMING_OF_AGE = "coming_of_age", _("Trẻ đủ 18 tuổi")

    # In URLs and the API instead of the row id or the child's BHXH code.
    uuid = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người giám hộ"), on_delete=models.CASCADE,
        related_name="guardian_links",
    )
    child = models.ForeignKey(
        "registry.InsuredPerson", verbose_name=_("trẻ em"), on_delete=models.CASCADE,
        related_name="guardian_links",
    )
    relationship = models.CharField(
        _("quan hệ"), max_length=10, choices=Relationship.choices, default=Relationship.GUARDIAN
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ duyệt"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="guardianships_approved",
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    # The child-registration declaration that created it (its number: guardians does not
    # know the declarations app).
    declaration_number = models.CharField(_("số tờ khai"), max_length=20, blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(
        _("lý do kết thúc"), max_length=20, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("quan hệ giám hộ")
        verbose_name_plural = _("quan hệ giám hộ")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "child"], name="guardian_child_unique"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="guardian_link_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child.bhxh_code}"
