"""Web views of the accounts app: log in, log out, the first password, staff 2FA, and the
citizen's own BHYT card and participation history (on registry's pages)."""
import base64
import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.devices import device_remember
from accounts.forms import InitialPasswordForm, LoginForm, StaffOTPConfirmForm
from accounts.services import password_initial_set, user_language_set
from accounts.services.staff_otp import (
    StaffOTPError,
    staff_otp_confirmed_device,
    staff_otp_device_confirm,
    staff_otp_device_start,
)
from audit.context import AuditContext
from registry.views import card_context, participation_context


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["register_url"] = _url_or_none("declarations:register")
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        device_remember(self.request, response, user)
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            # Chosen on this device before logging in: it becomes the account's language.
            user_language_set(user=user, language=chosen, request=self.request)
        elif user.language in {code for code, _name in settings.LANGUAGES}:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def get_success_url(self) -> str:
        # A password sent by SMS must be replaced at first login, wherever the user was going.
        if self.request.user.must_change_password:
            target = super().get_success_url()
            query = "" if target == reverse(settings.LOGIN_REDIRECT_URL) else "?" + urlencode(
                {"next": target}
            )
            return reverse("accounts:password_initial") + query
        return super().get_success_url()


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): the nav shows a small form with a button."""


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_initial(request: HttpRequest) -> HttpResponse:
    """First login: the citizen replaces the temporary password sent by SMS."""
    if not request.user.must_change_password:
        return redirect(_safe_next(request))
    form = InitialPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_initial_set(
                user=request.user,
                new_password=form.cleaned_data["new_password1"],
                context=AuditContext.from_request(request),
            )
        except ValidationError as exc:
            for error in exc.error_dict.get("new_password", []) if hasattr(
                exc, "error_dict"
            ) else exc.error_list:
                form.add_error("new_password1", error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, gettext("Đã đặt mật khẩu mới. Từ nay hãy đăng nhập bằng "
                                              "mật khẩu này."))
            return redirect(_safe_next(request))
    return render(request, "accounts/password_initial.html", {
        "form": form, "next": _safe_next(request),
    })


def _qr_data_uri(text: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=5, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_otp_enrol(request: HttpRequest) -> HttpResponse:
    """Staff: scan a QR with an authenticator app, then type a code it shows."""
    user = request.user
    if not user.is_staff:
        raise PermissionDenied
    if staff_otp_confirmed_device(user) is not None:
        return render(request, "accounts/staff_otp.html", {"enrolled": True})
    form = StaffOTPConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_otp_device_confirm(
                user=user, token=form.cleaned_data["token"],
                context=AuditContext.from_request(request),
            )
        except StaffOTPError as exc:
            form.add_error("token", exc.messages[0])
        else:
            messages.success(request, gettext("Đã bật xác thực hai lớp."))
            return redirect("accounts:staff_otp")
    device = staff_otp_device_start(user=user)
    return render(request, "accounts/staff_otp.html", {
        "enrolled": False,
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
    })


@never_cache
@require_safe
@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "insured_person", None)
    return render(request, "registry/my_card.html", card_context(person))


@never_cache
@require_safe
@login_required
def my_participation(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "insured_person", None)
    return render(request, "registry/my_participation.html", participation_context(person))
