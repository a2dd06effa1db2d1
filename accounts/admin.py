"""Accounts in the admin. Staff accounts: managed by superusers, and by a province
office's managers for their province (accounts.selectors). Citizen accounts: looked up,
unlocked, deactivated; their passwords are never shown, not even as a hash."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CitizenAccount, StaffAssignment, StaffUser
from accounts.selectors import (
    assignment_summary,
    can_manage_staff,
    citizen_accounts_visible_to,
    offices_assignable_by,
    staff_manageable_by,
)
from accounts.services.passwords import password_validate
from accounts.services.staff import (
    citizen_account_set_active,
    citizen_account_unlock,
    staff_account_saved,
)
from audit.admin_lookups import DeclaredLookupsOnlyMixin
from audit.context import AuditContext
from registry.models import Office
from registry.phones import normalize_vn_mobile

# API tokens are credentials: DRF's admin would list every citizen's token in clear.
try:
    from rest_framework.authtoken.models import TokenProxy

    admin.site.unregister(TokenProxy)
except (ImportError, admin.sites.NotRegistered):  # pragma: no cover
    pass


class StaffAssignmentForm(forms.ModelForm):
    class Meta:
        model = StaffAssignment
        fields = ("office", "role")

    def clean(self) -> dict:
        cleaned = super().clean()
        office, role = cleaned.get("office"), cleaned.get("role")
        if role == StaffAssignment.Role.MANAGER:
            if office is not None and office.level != Office.Level.PROVINCE:
                raise ValidationError(_("Vai trò quản lý chỉ gán tại cơ quan BHXH cấp tỉnh."))
            if not getattr(self, "actor_is_superuser", False):
                raise ValidationError(_("Chỉ quản trị hệ thống được gán vai trò quản lý."))
        return cleaned


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    form = StaffAssignmentForm
    extra = 1
    fields = ("office", "role")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.actor_is_superuser = request.user.is_superuser
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = offices_assignable_by(user=request.user).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_manage_staff(user=request.user)

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: can_manage_staff(user=request.user)
    )


class StaffUserForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False, required=False, widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password"}
        ),
        help_text=_("Bắt buộc khi tạo cán bộ mới; để trống nếu không đổi."),
    )

    class Meta:
        model = StaffUser
        fields = ("username", "full_name", "email", "phone", "is_active")

    def clean_password1(self) -> str:
        password = self.cleaned_data.get("password1", "")
        if not password and self.instance.pk is None:
            raise ValidationError(_("Nhập mật khẩu cho cán bộ mới."))
        if password:
            password_validate(user=self.instance, password=password)
        return password

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.is_staff = True
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


@admin.register(StaffUser)
class StaffUserAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    form = StaffUserForm
    list_display = ("username", "full_name", "is_active", "offices", "last_login")
    list_filter = ("is_active",)
    search_fields = ("=username", "full_name")
    inlines = [StaffAssignmentInline]
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        ids = staff_manageable_by(user=request.user).values("pk")
        return StaffUser.objects.filter(pk__in=ids).prefetch_related("assignments__office")

    def has_module_permission(self, request) -> bool:
        return can_manage_staff(user=request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request) -> bool:
        return can_manage_staff(user=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: decisions keep who made them

    def _may(self, request, obj) -> bool:
        if not can_manage_staff(user=request.user):
            return False
        return obj is None or staff_manageable_by(user=request.user).filter(pk=obj.pk).exists()

    @admin.display(description=_("cơ quan (* quản lý)"))
    def offices(self, user) -> str:
        return assignment_summary(user)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        staff_account_saved(
            actor=request.user, user=form.instance, created=not change,
            password_changed=bool(form.cleaned_data.get("password1")),
            context=AuditContext.from_request(request),
        )


@admin.register(CitizenAccount)
class CitizenAccountAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ("username", "full_name", "is_active", "must_change_password", "last_login",
                    "date_joined")
    list_filter = ("is_active", "must_change_password")
    search_fields = ("=username",)
    search_help_text = _("Tìm theo mã số BHXH hoặc số điện thoại (chính xác).")
    fields = ("username", "full_name", "phone", "email", "insured_person", "language",
              "is_active", "must_change_password", "last_login", "date_joined")
    readonly_fields = fields
    actions = ["unlock", "deactivate", "activate"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        ids = citizen_accounts_visible_to(user=request.user).values("pk")
        return CitizenAccount.objects.filter(pk__in=ids)

    def get_search_results(self, request, queryset, search_term):
        term = "".join((search_term or "").split())
        if not term:
            return queryset, False
        if len(term) == 10 and term.isdigit() and not term.startswith("0"):
            return queryset.filter(username=term), False
        try:
            return queryset.filter(phone=normalize_vn_mobile(term)), False
        except ValidationError:
            return queryset.filter(username=term[:150]), False

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and can_manage_staff(
            user=request.user
        )

    def has_view_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or citizen_accounts_visible_to(user=request.user).filter(
            pk=obj.pk
        ).exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj) and obj is None

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _apply(self, request, queryset, service, message: str) -> None:
        context = AuditContext.from_request(request)
        done = sum(
            bool(service(actor=request.user, user_id=pk, context=context))
            for pk in queryset.values_list("pk", flat=True)[:500]
        )
        self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Mở khóa đăng nhập"), permissions=["change"])
    def unlock(self, request, queryset) -> None:
        self._apply(request, queryset, citizen_account_unlock,
                    gettext("Đã mở khóa đăng nhập %(count)d tài khoản."))

    @admin.action(description=_("Khóa tài khoản"), permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        self._apply(
            request, queryset,
            lambda **kw: citizen_account_set_active(active=False, **kw),
            gettext("Đã khóa %(count)d tài khoản."),
        )

    @admin.action(description=_("Mở lại tài khoản"), permissions=["change"])
    def activate(self, request, queryset) -> None:
        self._apply(
            request, queryset,
            lambda **kw: citizen_account_set_active(active=True, **kw),
            gettext("Đã mở lại %(count)d tài khoản."),
        )
