"""Web forms of the accounts app."""
import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.devices import device_knows
from accounts.services import LoginRefused, login_authenticate
from audit.context import AuditContext

_SPACES = re.compile(r"\s+")


def normalize_login(value: str) -> str:
    """A BHXH code is often typed in groups ("0123 456 789"); staff login names never
    contain spaces, so dropping every space is safe for both."""
    return _SPACES.sub("", value or "")


class LoginForm(AuthenticationForm):
    """Log in with a BHXH code (citizens) or a staff login name, and a password."""

    username = forms.CharField(
        label=_("Mã số BHXH hoặc tên đăng nhập"),
        help_text=_("Người tham gia nhập mã số BHXH gồm 10 chữ số; cán bộ nhập tên đăng nhập."),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Nhập mã số BHXH hoặc tên đăng nhập.")},
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Nhập mật khẩu.")},
    )

    def clean_username(self) -> str:
        return normalize_login(self.cleaned_data.get("username", ""))

    def clean(self) -> dict:
        return _clean_through_service(self)


def _clean_through_service(form: AuthenticationForm) -> dict:
    """AuthenticationForm.clean, through the one authentication service."""
    username = form.cleaned_data.get("username")
    password = form.cleaned_data.get("password")
    if username and password:
        try:
            form.user_cache = login_authenticate(
                login=username,
                password=password,
                context=AuditContext.from_request(form.request),
                request=form.request,
                known_device=device_knows(form.request, username),
            )
        except LoginRefused as exc:
            raise ValidationError(exc.messages[0], code=exc.code) from None
        form.confirm_login_allowed(form.user_cache)
    return form.cleaned_data


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login, through the same service as the portal's."""

    def clean_username(self) -> str:
        return normalize_login(self.cleaned_data.get("username", ""))

    def clean(self) -> dict:
        return _clean_through_service(self)


class StaffOTPLoginForm(StaffLoginForm):
    """The admin's login with the code of the staff member's authenticator app (TOTP)."""

    otp_token = forms.CharField(
        label=_("Mã xác thực (6 chữ số trong ứng dụng xác thực)"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*",
        }),
    )

    def clean(self) -> dict:
        from accounts.services.staff_otp import StaffOTPError, staff_otp_verify

        cleaned = super().clean()
        try:
            self.user_cache.otp_device = staff_otp_verify(
                user=self.user_cache, token=cleaned.get("otp_token", ""),
                context=AuditContext.from_request(self.request),
            )
        except StaffOTPError as exc:
            raise ValidationError(exc.messages[0], code=exc.code) from None
        return cleaned


class InitialPasswordForm(forms.Form):
    """A new password, twice: in place of the temporary one, and the base of the change and
    reset forms (the rules are checked by the services: Django's validators and
    accounts.passwords)."""

    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        max_length=128,
        help_text=_(
            "Ít nhất 8 ký tự, không toàn chữ số, không chứa mã số BHXH, số điện thoại hoặc "
            "ngày sinh của bạn."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập mật khẩu mới.")},
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Nhập lại mật khẩu mới.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2",
                ValidationError(_("Hai mật khẩu không giống nhau."), code="password_mismatch"),
            )
        return cleaned


class StaffOTPConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 chữ số hiện trong ứng dụng"),
        max_length=8,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*",
        }),
        error_messages={"required": _("Nhập mã 6 chữ số hiện trong ứng dụng xác thực.")},
    )


def _otp_field() -> forms.CharField:
    return forms.CharField(
        label=_("Mã OTP (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*",
            "maxlength": "12", "class": "otp-input",
        }),
        error_messages={"required": _("Nhập mã OTP vừa được gửi cho bạn.")},
    )


class PasswordChangeForm(InitialPasswordForm):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Nhập mật khẩu hiện tại.")},
    )
    field_order = ["old_password", "new_password1", "new_password2"]


class OTPForm(forms.Form):
    otp = _otp_field()


class PasswordResetRequestForm(forms.Form):
    METHODS = [("sms", _("Qua SMS tới số điện thoại đã đăng ký")),
               ("email", _("Qua thư điện tử đã đăng ký"))]

    bhxh_code = forms.CharField(
        label=_("Mã số BHXH"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
        error_messages={"required": _("Nhập mã số BHXH.")},
    )
    method = forms.ChoiceField(
        label=_("Nhận mã OTP"), choices=METHODS, initial="sms", widget=forms.RadioSelect,
        error_messages={"required": _("Chọn cách nhận mã OTP.")},
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động đã đăng ký"), max_length=20,
        help_text=_("Khi nhận mã qua SMS."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Nhập số điện thoại di động đã đăng ký.")},
    )
    email = forms.EmailField(
        label=_("Thư điện tử đã đăng ký"), max_length=254,
        help_text=_("Khi nhận mã qua thư điện tử."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ."),
                        "required": _("Nhập thư điện tử đã đăng ký.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the field of the chosen way is needed (both read as needed on an empty
        # form, each with its help text saying when).
        method = self.data.get("method") if self.is_bound else None
        if method == "email":
            self.fields["phone"].required = False
        elif self.is_bound:
            self.fields["email"].required = False

    def clean_bhxh_code(self) -> str:
        code = normalize_login(self.cleaned_data.get("bhxh_code", ""))
        if not (code.isdigit() and len(code) == 10):
            raise ValidationError(_("Mã số BHXH gồm 10 chữ số."), code="invalid")
        return code

    def clean(self) -> dict:
        from registry.phones import normalize_vn_mobile

        cleaned = super().clean()
        method = cleaned.get("method")
        if method == "sms":
            if cleaned.get("phone"):
                try:
                    cleaned["phone"] = normalize_vn_mobile(cleaned["phone"])
                except ValidationError as exc:
                    self.add_error("phone", exc)
            cleaned["email"] = ""
        elif method == "email":
            cleaned["phone"] = ""
        return cleaned


class PasswordResetConfirmForm(InitialPasswordForm):
    otp = _otp_field()
    field_order = ["otp", "new_password1", "new_password2"]
