"""The declaration (tờ khai) a citizen files with a BHXH office, and its attachments."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guardians.models import GuardianLink
from registry.models import Sex
from registry.text import fold
from vssid_portal.languages import LANGUAGE_CHOICES


def _private_upload_to(instance: models.Model, filename: str) -> str:
    """Unguessable storage names: nothing of the person in the path."""
    return f"declarations/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot != -1 else ""


class Declaration(models.Model):
    class Kind(models.TextChoices):
        SELF_REGISTRATION = "self_registration", _("Đăng ký tài khoản giao dịch điện tử")
        CHILD_REGISTRATION = "child_registration", _("Đăng ký tài khoản cho con")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã gửi")
        IN_REVIEW = "in_review", _("Đang xử lý")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Bị từ chối")

    PENDING_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)

    class RejectionReason(models.TextChoices):
        PHOTO_BLURRED = "photo_blurred", _("Ảnh bị mờ, bị cắt hoặc không đọc được")
        PORTRAIT_OTHER_PERSON = "portrait_other_person", _(
            "Ảnh chân dung không phải của người kê khai"
        )
        NAME_DIFFERS = "name_differs", _("Họ tên hoặc ngày sinh khác với giấy tờ tùy thân")
        ID_SIDE_MISSING = "id_side_missing", _("Thiếu ảnh một mặt của giấy tờ tùy thân")
        WRONG_OFFICE = "wrong_office", _("Chọn sai cơ quan BHXH tiếp nhận")
        REGISTRY_MISMATCH = "registry_mismatch", _("Thông tin khác với cơ sở dữ liệu BHXH")
        OTHER = "other", _("Lý do khác")

    class IdType(models.TextChoices):
        CCCD = "cccd", _("Căn cước công dân")
        CMND = "cmnd", _("Chứng minh nhân dân")
        PASSPORT = "passport", _("Hộ chiếu")

    uuid = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("số tờ khai"), max_length=20, unique=True)
    kind = models.CharField(_("loại tờ khai"), max_length=24, choices=Kind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.SUBMITTED,
        db_index=True,
    )
    office = models.ForeignKey(
        "registry.Office", verbose_name=_("cơ quan BHXH tiếp nhận"), on_delete=models.PROTECT,
        related_name="declarations",
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=LANGUAGE_CHOICES, default="vi"
    )
    insured_person = models.ForeignKey(
        "registry.InsuredPerson", verbose_name=_("người tham gia"), on_delete=models.PROTECT,
        related_name="declarations",
    )
    # The logged-in guardian who filed a child's declaration; empty for self-registration.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người kê khai"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="declarations_submitted",
    )
    # A child's registration: what the guardian is to the child (the guardianship created
    # on approval records it).
    guardian_relationship = models.CharField(
        _("quan hệ với trẻ"), max_length=10, choices=GuardianLink.Relationship.choices,
        blank=True,
    )
    # The account the declaration created, once approved.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="declarations",
    )

    # What was declared.
    bhxh_code = models.CharField(_("mã số BHXH"), max_length=10, db_index=True)
    full_name = models.CharField(_("họ và tên"), max_length=100)
    # registry.text.fold(full_name): staff search names without diacritics, by prefix.
    full_name_folded = models.CharField(
        _("họ và tên (không dấu)"), max_length=100, editable=False, default=""
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    id_type = models.CharField(_("loại giấy tờ"), max_length=10, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("số giấy tờ"), max_length=12, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại di động"), max_length=16, db_index=True)
    email = models.EmailField(_("thư điện tử"), blank=True, db_index=True)
    send_email = models.BooleanField(_("gửi tờ khai qua thư điện tử"), default=False)
    commitment_accepted = models.BooleanField(_("đã cam kết"), default=False)

    submitted_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ xử lý"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="declarations_reviewing",
    )
    review_started_at = models.DateTimeField(_("bắt đầu xử lý lúc"), null=True, blank=True)
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ quyết định"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="declarations_decided",
    )
    rejection_reason_code = models.CharField(
        _("lý do từ chối"), max_length=24, choices=RejectionReason.choices, blank=True
    )
    rejection_reason = models.TextField(_("giải thích lý do từ chối"), blank=True)

    pdf = models.FileField(_("tờ khai PDF"), upload_to=_private_upload_to, blank=True)
    pdf_rendered_at = models.DateTimeField(_("tạo PDF lúc"), null=True, blank=True)
    rejection_notice_pdf = models.FileField(
        _("thông báo từ chối PDF"), upload_to=_private_upload_to, blank=True
    )
    rejection_notice_rendered_at = models.DateTimeField(
        _("tạo thông báo từ chối lúc"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("tờ khai")
        verbose_name_plural = _("tờ khai")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["office", "status", "submitted_at"]),
            models.Index(fields=["status", "submitted_at"], name="declaration_status_submitted"),
            # `full_name_folded LIKE 'nguyen van%'` uses it whatever the collation.
            models.Index(
                fields=["full_name_folded"], name="declaration_name_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            # At most one pending declaration per BHXH code, even under concurrent submits.
            models.UniqueConstraint(
                fields=["bhxh_code"],
                condition=Q(status__in=["submitted", "in_review"]),
                name="declaration_one_pending_per_bhxh_code",
            ),
            models.CheckConstraint(
                condition=Q(bhxh_code__regex=r"^[0-9]{10}$"), name="declaration_bhxh_code_10_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        self.full_name_folded = fold(self.full_name)[:100]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "full_name_folded"}
        super().save(*args, **kwargs)

    @property
    def rejection_reason_label(self) -> str:
        return self.get_rejection_reason_code_display() if self.rejection_reason_code else ""

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING_STATUSES


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PORTRAIT = "portrait", _("Ảnh chân dung")
        ID_FRONT = "id_front", _("Mặt trước giấy tờ tùy thân")
        ID_BACK = "id_back", _("Mặt sau giấy tờ tùy thân")
        BIRTH_CERTIFICATE = "birth_certificate", _("Giấy khai sinh")

    uuid = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("tờ khai"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=_private_upload_to)
    content_type = models.CharField(_("định dạng"), max_length=50, default="image/jpeg")
    width = models.PositiveIntegerField(_("chiều rộng (px)"), default=0)
    height = models.PositiveIntegerField(_("chiều cao (px)"), default=0)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "kind"], name="attachment_one_per_kind")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ShortLink(models.Model):
    """A short link sent by SMS (`/s/<token>`): one SMS segment has no room for a signed
    link. The token is a credential: only its SHA-256 is kept, so a copy of the database
    opens nothing."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Trang tình trạng tờ khai")
        PDF = "pdf", _("Tải tờ khai (PDF)")

    token_hash = models.CharField(_("mã băm SHA-256 của mã liên kết"), max_length=64,
                                  unique=True, editable=False)
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("tờ khai"), on_delete=models.CASCADE,
        related_name="short_links",
    )
    kind = models.CharField(_("loại liên kết"), max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), db_index=True)

    class Meta:
        verbose_name = _("liên kết rút gọn")
        verbose_name_plural = _("liên kết rút gọn")

    def __str__(self) -> str:
        return f"{self.kind} {self.declaration_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
