"""Guardian ↔ child links: a parent or guardian acts for an insured child under 18."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardianLink(models.Model):
    class Relationship(models.TextChoices):
        FATHER = "father", _("Cha")
        MOTHER = "mother", _("Mẹ")
        GUARDIAN = "guardian", _("Người giám hộ")

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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liên kết người giám hộ")
        verbose_name_plural = _("liên kết người giám hộ")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "child"], name="guardian_child_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child.bhxh_code}"
