"""Web forms of the accounts app."""
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.login_throttle import login_blocked, login_failed, login_succeeded

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

    error_messages = {
        "invalid_login": _(
            "Mã số BHXH (hoặc tên đăng nhập) hoặc mật khẩu không đúng. "
            "Lưu ý: mật khẩu phân biệt chữ hoa và chữ thường."
        ),
        "inactive": _("Tài khoản này chưa được kích hoạt hoặc đã bị khóa."),
        "too_many": _(
            "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút hoặc dùng chức năng "
            "quên mật khẩu."
        ),
    }

    def clean_username(self) -> str:
        return normalize_login(self.cleaned_data.get("username", ""))

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and login_blocked(username=username, address=address):
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                login_failed(username=username, address=address)
            raise
        if username:
            login_succeeded(username=username)
        return cleaned
