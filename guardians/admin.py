"""Guardianships in the admin: read-only, and for superusers only. They are created by the
approval of a child's registration and ended by the coming-of-age task (guardians.services),
never edited by hand: a change here would bypass the audit trail."""
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin_lookups import DeclaredLookupsOnlyMixin
from guardians.models import GuardianLink


def _superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_superuser)


@admin.register(GuardianLink)
class GuardianLinkAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ["guardian", "child_code", "relationship", "approved_by", "approved_at",
                    "ended_at", "end_reason"]
    list_filter = ["relationship", "end_reason", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["=child__bhxh_code"]
    search_help_text = _("Tìm theo mã số BHXH của trẻ (chính xác).")
    list_select_related = ["guardian", "child", "approved_by"]
    fields = ["uuid", "guardian", "child", "relationship", "declaration_number", "created_at",
              "approved_by", "approved_at", "ended_at", "end_reason"]
    readonly_fields = fields
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    ordering = ["-created_at", "-pk"]

    @admin.display(description=_("mã số BHXH của trẻ"), ordering="child__bhxh_code")
    def child_code(self, link: GuardianLink) -> str:
        return link.child.bhxh_code

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _superuser(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
