"""The audit trail in the admin: read-only, for superusers and whoever holds the view
permission; filterable by actor (staff only: never a list of every citizen), action and
date."""
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin_lookups import DeclaredLookupsOnlyMixin
from audit.models import AuditRecord


class StaffActorFilter(admin.RelatedFieldListFilter):
    """Staff accounts only: the filter lists names staff can choose from, not the
    millions of citizen accounts (a citizen's own actions are found by object)."""

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        return [
            (user.pk, str(user))
            for user in model.objects.filter(is_staff=True).order_by("username")[:500]
        ]


@admin.register(AuditRecord)
class AuditRecordAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "object_type", "object_id", "actor", "ip_address"]
    list_filter = ["action", ("actor", StaffActorFilter), "object_type"]
    search_fields = ["=object_id"]
    search_help_text = _("Tìm theo mã đối tượng (chính xác).")
    list_select_related = ["actor"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "action", "object_type", "object_id", "actor", "data",
                       "ip_address"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
