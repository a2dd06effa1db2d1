"""Staff view of the outbox: what left, what failed and why, and a retry action."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin_lookups import DeclaredLookupsOnlyMixin
from notifications.models import OutboundMessage
from notifications.services import message_retry

# Who receives a message and what it says are personal data: only superusers may edit.
PERSONAL_FIELDS = ("recipient", "subject", "body", "html_body", "attachments")
STATE_FIELDS = (
    "uuid", "channel", "language", "status", "attempts", "last_error", "provider_id",
    "segments", "concerns_type", "concerns_id", "dedup_key", "created_at", "updated_at",
    "sent_at", "next_attempt_at",
)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "channel", "status", "attempts", "segments", "sent_at",
                    "concerns_type")
    list_filter = ("status", "channel")
    search_fields = ("=recipient",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ["retry_messages"]
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        # Staff type phones as printed (0912 345 678); the outbox stores E.164.
        term = "".join(search_term.split())
        if term.isdigit() and len(term) == 10 and term.startswith("0"):
            term = "+84" + term[1:]
        return super().get_search_results(request, queryset, term or search_term)

    def has_add_permission(self, request) -> bool:
        return False

    def get_fields(self, request, obj=None):
        fields = [*PERSONAL_FIELDS, *STATE_FIELDS, "sensitive"]
        if obj is not None and obj.sensitive:
            # A secret (temporary password, OTP) is never shown, not even to a superuser:
            # the redacted copy stands in for the bodies.
            fields = [f for f in fields if f not in ("body", "html_body")]
            fields.insert(fields.index("attachments"), "redacted_body")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = (*STATE_FIELDS, "sensitive", "redacted_body")
        if request.user.is_superuser and not (obj is not None and obj.sensitive):
            return readonly
        return readonly + PERSONAL_FIELDS

    @admin.display(description=_("nội dung (đã che thông tin bí mật)"))
    def redacted_body(self, message: OutboundMessage) -> str:
        return message.redacted.get("body", "")

    @admin.action(description=_("Gửi lại các thông báo thất bại đã chọn"),
                  permissions=["change"])
    def retry_messages(self, request, queryset) -> None:
        retried = sum(message_retry(message=m, actor=request.user) for m in queryset)
        skipped = queryset.count() - retried
        if retried:
            self.message_user(
                request,
                ngettext("Đã xếp %(count)d thông báo vào hàng đợi gửi lại.",
                         "Đã xếp %(count)d thông báo vào hàng đợi gửi lại.", retried)
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext("%(count)d thông báo không ở trạng thái thất bại nên không gửi lại.",
                         "%(count)d thông báo không ở trạng thái thất bại nên không gửi lại.",
                         skipped)
                % {"count": skipped},
                messages.WARNING,
            )
