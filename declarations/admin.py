"""A minimal admin for declarations (staff review actions come later). Staff see only the
declarations of their own office unless superuser; photos are opened through a view
that checks that and writes an audit record."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from declarations.models import Attachment, Declaration


def declarations_visible_to(user, queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    if user.is_superuser:
        return queryset
    if not user.is_staff or not getattr(user, "office_id", None):
        return queryset.none()
    return queryset.filter(office_id=user.office_id)


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
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "status", "office", "submitted_at")
    list_filter = ("status", "kind", ("office", admin.RelatedOnlyFieldListFilter))
    # Exact matches only: no substring scans over personal identifiers.
    search_fields = ("=number", "=bhxh_code")
    search_help_text = _("Tìm theo số tờ khai hoặc mã số BHXH (chính xác).")
    date_hierarchy = "submitted_at"
    list_select_related = ("office",)
    inlines = [AttachmentInline]
    exclude = ("pdf",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Declaration]:
        return declarations_visible_to(request.user, super().get_queryset(request))

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # PostgreSQL refuses NUL in text: a filter or search holding one (only a crafted URL
        # does) is dropped rather than sent to the database.
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            query = request.GET.copy()
            for key in [k for k, v in request.GET.items() if "\x00" in k or "\x00" in v]:
                del query[key]
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        return [*(f.name for f in self.model._meta.fields if f.name != "pdf"), "pdf_link"]

    @admin.display(description=_("tờ khai PDF"))
    def pdf_link(self, declaration: Declaration) -> str:
        if not declaration.pdf:
            return "—"
        url = reverse("admin:declarations_declaration_pdf", kwargs={"pk": declaration.pk})
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Xem PDF"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/attachments/<uuid:attachment_uuid>/",
                self.admin_site.admin_view(self.attachment_view),
                name="declarations_declaration_attachment",
            ),
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="declarations_declaration_pdf",
            ),
            *super().get_urls(),
        ]

    def _visible_declaration(self, request: HttpRequest, pk: int) -> Declaration:
        declaration = self.get_queryset(request).filter(pk=pk).first()
        if declaration is None:
            raise Http404
        if not self.has_view_permission(request, declaration):
            raise PermissionDenied
        return declaration

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        declaration = self._visible_declaration(request, pk)
        if not declaration.pdf or not default_storage.exists(declaration.pdf.name):
            raise Http404
        audit_record(
            action="declaration.pdf_viewed", target=declaration, actor=request.user,
            data={"number": declaration.number}, request=request,
        )
        return _private_file(declaration.pdf.name, "application/pdf")

    def attachment_view(self, request: HttpRequest, pk: int, attachment_uuid) -> HttpResponse:
        declaration = self._visible_declaration(request, pk)
        attachment = declaration.attachments.filter(uuid=attachment_uuid).first()
        if attachment is None or not default_storage.exists(attachment.file.name):
            raise Http404
        audit_record(
            action="declaration.attachment_viewed",
            target=attachment,
            actor=request.user,
            data={"declaration": declaration.pk, "kind": attachment.kind},
            request=request,
        )
        return _private_file(attachment.file.name, attachment.content_type)


def _private_file(name: str, content_type: str) -> FileResponse:
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
