"""The audit trail: one row for every state change that matters, written in the same
transaction as the change. Rows never hold personal data, only ids and codes."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.actions import AuditAction


class AuditRecord(models.Model):
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(
        _("hành động"), max_length=64, choices=AuditAction.choices, db_index=True
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=64)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản ghi kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.action} {self.object_type}:{self.object_id}"
