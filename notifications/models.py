"""The outbox: every SMS and e-mail the portal sends, written in the transaction of the
change that causes it and delivered by a task after commit."""
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from vssid_portal.languages import LANGUAGE_CHOICES


class OutboundMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Thư điện tử")

    class Status(models.TextChoices):
        # Held: waiting for something before it may leave (e.g. the PDF it attaches).
        HELD = "held", _("Đang chờ")
        QUEUED = "queued", _("Trong hàng đợi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi thất bại")

    uuid = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kênh"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254, db_index=True)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    html_body = models.TextField(_("nội dung HTML"), blank=True)
    # [{"path": <name in private storage>, "filename": ..., "content_type": ...}]
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=LANGUAGE_CHOICES, default="vi"
    )
    # Carries a secret (temporary password, OTP): hidden in the admin, and its body replaced
    # by the redacted one once delivered or finally failed, so that it never rests readable.
    sensitive = models.BooleanField(_("chứa thông tin bí mật"), default=False)
    # {"body": ..., "html_body": ...} with the secret masked (sensitive messages only).
    redacted = models.JSONField(default=dict, blank=True)
    # What a held message waits for (e.g. "declaration_pdf", "rejection_notice_pdf").
    held_for = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_id = models.CharField(_("mã nhà cung cấp"), max_length=100, blank=True)
    segments = models.PositiveSmallIntegerField(_("số phần SMS"), default=0)
    # What the message is about, e.g. ("declarations.declaration", "<uuid>").
    concerns_type = models.CharField(_("loại đối tượng liên quan"), max_length=64, blank=True)
    concerns_id = models.CharField(_("mã đối tượng liên quan"), max_length=64, blank=True)
    # Makes enqueueing idempotent: the same notice for the same thing is written once.
    dedup_key = models.CharField(
        _("khóa chống trùng"), max_length=128, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # When a queued message is due (retries back off); the sweeper dispatches the overdue.
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo gửi đi")
        verbose_name_plural = _("thông báo gửi đi")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["concerns_type", "concerns_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def secret_erased(self) -> bool:
        return self.sensitive and self.body == self.redacted.get("body")

    def erase_secret(self) -> list[str]:
        """Replace the bodies by their redacted copies; the fields to save."""
        if not self.sensitive:
            return []
        self.body = self.redacted.get("body", "")
        self.html_body = self.redacted.get("html_body", "")
        return ["body", "html_body"]
