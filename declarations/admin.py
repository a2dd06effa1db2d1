"""Staff review of declarations in the admin: the queue an officer works from, the
declaration beside its registry record with its photos, and the decisions. Who sees what
is declarations_reviewable_by, for every list, page, action, search, filter, export and
file view; decisions are the services of declarations.services.review."""
import csv
import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import offices_covered_by
from audit.actions import AuditAction
from audit.admin_lookups import DeclaredLookupsOnlyMixin
from audit.context import AuditContext
from audit.services import audit_record
from declarations.models import Attachment, Declaration
from declarations.private_files import private_file_response
from declarations.selectors import (
    declaration_registry_comparison,
    declarations_reviewable_by,
    office_label,
    phone_digits,
)
from declarations.services.review import (
    ReviewError,
    declaration_approve,
    declaration_reject,
    declaration_review_start,
)
from declarations.working_days import (
    LEGAL_LIMIT_WORKING_DAYS,
    decision_due,
    overdue_submitted_before,
    working_days_between,
)
from registry.admin import EstimatedCountPaginator
from registry.text import fold

Status = Declaration.Status
EXPORT_MAX_ROWS = 10_000


# --- filters -------------------------------------------------------------------------

class StatusFilter(admin.SimpleListFilter):
    title = _("trạng thái")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", _("Chờ xử lý (đã gửi hoặc đang xử lý)")), *Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "pending":
            return queryset.filter(status__in=Declaration.PENDING_STATUSES)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class OfficeFilter(admin.SimpleListFilter):
    """The offices the staff member covers (never a DISTINCT over the declarations)."""

    title = _("cơ quan BHXH tiếp nhận")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        offices = offices_covered_by(user=request.user).filter(
            level__in=["province", "local"]
        ).select_related("parent").order_by("code")
        return [(office.code, office_label(office)) for office in offices[:400]]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit() or len(value) > 8:
            return queryset.none()
        # By id, not through a join: the (office, status, submitted_at) index then serves
        # the status filter too (measured in bench/review_queue.py).
        office_id = offices_covered_by(user=request.user).filter(code=value).values_list(
            "id", flat=True
        ).first()
        return queryset.filter(office_id=office_id) if office_id else queryset.none()


class OverdueFilter(admin.SimpleListFilter):
    title = format_lazy(_("thời hạn {days} ngày làm việc"), days=LEGAL_LIMIT_WORKING_DAYS)
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Quá hạn")), ("no", _("Còn trong hạn"))]

    def queryset(self, request, queryset):
        cutoff = overdue_submitted_before()
        pending = queryset.filter(status__in=Declaration.PENDING_STATUSES)
        if self.value() == "yes":
            return pending.filter(submitted_at__lt=cutoff)
        if self.value() == "no":
            return pending.filter(submitted_at__gte=cutoff)
        return queryset


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("kind", "open_link", "width", "height", "size", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Ảnh"))
    def open_link(self, attachment: Attachment) -> str:
        url = reverse(
            "admin:declarations_declaration_attachment",
            kwargs={"pk": attachment.declaration_id, "attachment_uuid": attachment.uuid},
        )
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Xem ảnh"))


@admin.register(Declaration)
class DeclarationAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    # Kind is a filter, not a column: the row must fit a laptop screen beside the filters.
    list_display = ("number", "full_name", "bhxh_code", "status", "office_code",
                    "submitted_at", "age")
    list_filter = (StatusFilter, "kind", OfficeFilter, ("submitted_at", admin.DateFieldListFilter),
                   OverdueFilter)
    search_help_text = _(
        "Tìm theo số tờ khai, mã số BHXH, số điện thoại (chính xác) hoặc họ tên không dấu "
        "(phần đầu, ví dụ “nguyen van”)."
    )
    search_fields = ("=number",)  # shows the search box; the search itself is below
    list_select_related = ("office",)
    list_per_page = 50
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-submitted_at",)
    inlines = [AttachmentInline]
    exclude = ("pdf", "rejection_notice_pdf")
    actions = ["start_review_selected", "approve_selected", "export_csv"]
    change_form_template = "admin/declarations/declaration/review_form.html"

    class Media:
        css = {"all": ["css/admin-review.css"]}

    # --- scope ------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Declaration]:
        return declarations_reviewable_by(user=request.user).select_related(
            "office", "office__parent", "reviewer", "decided_by"
        )

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        if obj is None:
            return True
        return declarations_reviewable_by(user=request.user).filter(pk=obj.pk).exists()

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("declarations.change_declaration")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # what was declared is never edited; decisions are actions

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # --- the queue --------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """One index per kind of term: a declaration number, a BHXH code, a phone (all
        exact), or the start of a name without diacritics."""
        term = " ".join((search_term or "").split())
        if not term:
            return queryset, False
        compact = term.replace(" ", "").replace(".", "").replace("-", "")
        upper = term.replace(" ", "").upper()
        if upper.startswith("DK") and len(upper) <= 20:
            return queryset.filter(number=upper), False
        if compact.isdigit():
            if len(compact) == 10 and not compact.startswith("0"):
                return queryset.filter(bhxh_code=compact), False
            digits = phone_digits(compact)
            if len(digits) == 9:
                by_phone = queryset.filter(phone="+84" + digits)
                if len(compact) == 10:  # 0xxxxxxxxx: a phone, or a code starting with 0
                    return (by_phone | queryset.filter(bhxh_code=compact)), False
                return by_phone, False
            return queryset.filter(bhxh_code=compact), False
        folded = fold(term)[:100]
        if not folded:
            return queryset.none(), False
        return queryset.filter(full_name_folded__startswith=folded), False

    @admin.display(description=_("mã cơ quan"), ordering="office__code")
    def office_code(self, declaration: Declaration) -> str:
        return declaration.office.code

    @admin.display(description=_("số ngày làm việc"))
    def age(self, declaration: Declaration) -> str:
        if not declaration.is_pending:
            return "—"
        submitted_on = timezone.localdate(declaration.submitted_at)
        days = working_days_between(submitted_on, timezone.localdate())
        if days > LEGAL_LIMIT_WORKING_DAYS:
            return format_html(
                '<span class="overdue" title="{}">{} · {}</span>',
                gettext("Hạn xử lý: %(due)s") % {
                    "due": f"{decision_due(submitted_on):%d/%m/%Y}"
                },
                days, gettext("quá hạn"),
            )
        return format_html('<span class="in-time">{}/{}</span>', days, LEGAL_LIMIT_WORKING_DAYS)

    # --- one declaration --------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        return [
            *(f.name for f in self.model._meta.fields
              if f.name not in ("pdf", "rejection_notice_pdf", "full_name_folded")),
            "pdf_link",
        ]

    @admin.display(description=_("tờ khai PDF"))
    def pdf_link(self, declaration: Declaration) -> str:
        if not declaration.pdf:
            return gettext("Đang tạo PDF…")
        url = reverse("admin:declarations_declaration_pdf", kwargs={"pk": declaration.pk})
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Xem PDF"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        declaration = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if declaration is not None and self.has_view_permission(request, declaration):
            audit_record(
                action=AuditAction.DECLARATION_VIEWED, target=declaration, actor=request.user,
                data={"number": declaration.number}, context=AuditContext.from_request(request),
            )
            extra_context.update(self._review_context(request, declaration))
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_context(self, request: HttpRequest, declaration: Declaration) -> dict:
        attachments = {a.kind: a for a in declaration.attachments.all()}
        photos = [
            {
                "label": Attachment.Kind(kind).label,
                "url": reverse("admin:declarations_declaration_attachment", kwargs={
                    "pk": declaration.pk, "attachment_uuid": attachments[kind].uuid,
                }),
            }
            for kind in Attachment.Kind.values if kind in attachments
        ]
        submitted_on = timezone.localdate(declaration.submitted_at)
        return {
            "comparison": declaration_registry_comparison(declaration),
            "photos": photos,
            "can_decide": self.has_decide_permission(request) and declaration.is_pending,
            "rejection_reasons": Declaration.RejectionReason.choices,
            "decision_urls": {
                name: reverse(f"admin:declarations_declaration_{name}", args=[declaration.pk])
                for name in ("review_start", "approve", "reject")
            },
            "due_date": decision_due(submitted_on),
            "working_days": working_days_between(submitted_on, timezone.localdate()),
            "legal_limit": LEGAL_LIMIT_WORKING_DAYS,
            "office_label": office_label(declaration.office),
        }

    # --- decisions --------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/attachments/<uuid:attachment_uuid>/", wrap(self.attachment_view),
                 name="declarations_declaration_attachment"),
            path("<int:pk>/pdf/", wrap(self.pdf_view), name="declarations_declaration_pdf"),
            path("<int:pk>/review/start/", wrap(self.review_start_view),
                 name="declarations_declaration_review_start"),
            path("<int:pk>/approve/", wrap(self.approve_view),
                 name="declarations_declaration_approve"),
            path("<int:pk>/reject/", wrap(self.reject_view),
                 name="declarations_declaration_reject"),
            *super().get_urls(),
        ]

    def _decision(self, request: HttpRequest, pk: int, decide, success: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_decide_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:declarations_declaration_change", args=[pk])
        try:
            declaration = decide()
        except ReviewError as exc:
            if exc.code == "not_found":
                raise Http404 from None
            self.message_user(request, exc.messages[0], messages.ERROR)
            return HttpResponseRedirect(change_url)
        except ValidationError as exc:  # the rejection's reason or explanation is missing
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(change_url + "#decision")
        self.message_user(request, success % {"number": declaration.number}, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def review_start_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decision(
            request, pk,
            lambda: declaration_review_start(
                actor=request.user, declaration_id=pk, context=AuditContext.from_request(request)
            ),
            gettext("Bạn đã nhận xử lý tờ khai %(number)s."),
        )

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decision(
            request, pk,
            lambda: declaration_approve(
                actor=request.user, declaration_id=pk, context=AuditContext.from_request(request)
            ),
            gettext("Đã duyệt tờ khai %(number)s; mật khẩu tạm thời được gửi qua SMS cho người "
                    "kê khai."),
        )

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decision(
            request, pk,
            lambda: declaration_reject(
                actor=request.user, declaration_id=pk,
                reason_code=request.POST.get("reason_code", ""),
                text=request.POST.get("text", "")[:2000],
                context=AuditContext.from_request(request),
            ),
            gettext("Đã từ chối tờ khai %(number)s; người kê khai được thông báo lý do."),
        )

    # --- bulk actions -----------------------------------------------------------------

    def _each(self, request, queryset, decide, done_message: str) -> None:
        done, refused = 0, []
        context = AuditContext.from_request(request)
        for pk, number in queryset.values_list("pk", "number")[:500]:
            try:
                decide(actor=request.user, declaration_id=pk, context=context)
                done += 1
            except ReviewError as exc:
                refused.append(f"{number}: {exc.messages[0]}")
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for line in refused[:20]:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Nhận xử lý các tờ khai đã chọn"), permissions=["decide"])
    def start_review_selected(self, request, queryset) -> None:
        self._each(request, queryset, declaration_review_start,
                   gettext("Đã nhận xử lý %(count)d tờ khai."))

    @admin.action(description=_("Duyệt các tờ khai đã chọn"), permissions=["decide"])
    def approve_selected(self, request, queryset) -> None:
        self._each(request, queryset, declaration_approve,
                   gettext("Đã duyệt %(count)d tờ khai; mật khẩu tạm thời được gửi qua SMS."))

    @admin.action(description=_("Xuất danh sách đã chọn (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset) -> HttpResponse:
        """The queue as a spreadsheet: numbers, status, office and deadlines; no personal
        data beyond the BHXH code. Audited."""
        rows = list(queryset.select_related("office", "reviewer")[:EXPORT_MAX_ROWS])
        audit_record(
            action=AuditAction.DECLARATION_EXPORTED, actor=request.user,
            object_type="declarations.declaration", object_id="",
            data={"rows": len(rows)}, context=AuditContext.from_request(request),
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="to-khai-{datetime.date.today():%Y%m%d}.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        response.write("\ufeff")  # Excel opens UTF-8 only with a BOM
        writer = csv.writer(response)
        writer.writerow([gettext("Số tờ khai"), gettext("Mã số BHXH"), gettext("Loại"),
                         gettext("Trạng thái"), gettext("Cơ quan"), gettext("Ngày gửi"),
                         gettext("Hạn xử lý"), gettext("Cán bộ xử lý"),
                         gettext("Ngày quyết định")])
        for declaration in rows:
            submitted = timezone.localtime(declaration.submitted_at)
            decided = (timezone.localtime(declaration.decided_at)
                       if declaration.decided_at else None)
            writer.writerow([
                declaration.number, declaration.bhxh_code, declaration.get_kind_display(),
                declaration.get_status_display(), declaration.office.code,
                f"{submitted:%d/%m/%Y %H:%M}", f"{decision_due(submitted.date()):%d/%m/%Y}",
                declaration.reviewer.username if declaration.reviewer else "",
                f"{decided:%d/%m/%Y %H:%M}" if decided else "",
            ])
        return response

    # --- private files ----------------------------------------------------------------

    def _visible_declaration(self, request: HttpRequest, pk: int) -> Declaration:
        declaration = self.get_queryset(request).filter(pk=pk).first()
        if declaration is None:
            raise Http404
        return declaration

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        declaration = self._visible_declaration(request, pk)
        if not declaration.pdf:
            raise Http404
        response = _private_file(declaration.pdf.name, "application/pdf")
        audit_record(
            action=AuditAction.PDF_VIEWED, target=declaration, actor=request.user,
            data={"number": declaration.number}, context=AuditContext.from_request(request),
        )
        return response

    def attachment_view(self, request: HttpRequest, pk: int, attachment_uuid) -> HttpResponse:
        declaration = self._visible_declaration(request, pk)
        attachment = declaration.attachments.filter(uuid=attachment_uuid).first()
        if attachment is None:
            raise Http404
        response = _private_file(attachment.file.name, attachment.content_type)
        audit_record(
            action=AuditAction.ATTACHMENT_VIEWED,
            target=attachment,
            actor=request.user,
            data={"declaration": declaration.pk, "kind": attachment.kind},
            context=AuditContext.from_request(request),
        )
        return response


def _private_file(name: str, content_type: str) -> HttpResponse:
    """The file streamed from private storage (opened before the view audits the reading:
    a file that has gone is a 404, not a record of a view that showed nothing)."""
    try:
        response = private_file_response(name, content_type=content_type)
    except FileNotFoundError:
        raise Http404 from None
    response["X-Content-Type-Options"] = "nosniff"
    return response
