"""Web pages to change a password with an SMS OTP, and to recover a forgotten one with an
OTP by SMS or e-mail."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.devices import device_remember
from accounts.forms import (
    OTPForm,
    PasswordChangeForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
)
from accounts.models import OneTimeCode
from accounts.services import passwords
from accounts.services.otp import OTPError, otp_challenge
from audit.context import AuditContext

RESET_SESSION_KEY = "password_reset"
OTP_RESEND = getattr(settings, "OTP_RESEND_SECONDS", 60)


def _errors_to_form(form, exc: ValidationError, *, field_map: dict | None = None) -> None:
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _challenge_context(user, purpose: str) -> dict:
    device = OneTimeCode.objects.filter(user=user, purpose=purpose).first()
    if device is None or not device.pending_id:
        return {}
    challenge = otp_challenge(device)
    return {"challenge": challenge, "resend_in": challenge.resend_in}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_change_request(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                context=AuditContext.from_request(request),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, field_map={"new_password": "new_password1"})
        else:
            return redirect("accounts:password_change_confirm")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change_confirm(request: HttpRequest) -> HttpResponse:
    purpose = OneTimeCode.Purpose.PASSWORD_CHANGE
    form = OTPForm(request.POST if request.method == "POST" and "otp" in request.POST else None)
    context = AuditContext.from_request(request)
    if request.method == "POST" and "resend" in request.POST:
        try:
            passwords.password_change_resend(user=request.user, context=context)
            messages.success(request, gettext("Đã gửi lại mã OTP."))
        except OTPError as exc:
            messages.error(request, exc.messages[0])
        return redirect("accounts:password_change_confirm")
    if request.method == "POST" and form.is_valid():
        try:
            user = passwords.password_change_confirm(
                user=request.user, otp=form.cleaned_data["otp"], context=context
            )
        except OTPError as exc:
            form.add_error("otp", exc.messages[0])
        else:
            update_session_auth_hash(request, user)
            messages.success(request, gettext(
                "Đã đổi mật khẩu. Các thiết bị khác đã đăng nhập tài khoản này được đăng xuất."
            ))
            return redirect("home")
    page = _challenge_context(request.user, purpose)
    if not page:
        return redirect("accounts:password_change")
    return render(request, "accounts/password_otp.html", {
        "form": form, "action": reverse("accounts:password_change_confirm"),
        "title": gettext("Nhập mã OTP để đổi mật khẩu"), **page,
    })


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        previous = request.session.get(RESET_SESSION_KEY)
        try:
            ticket = passwords.password_reset_request(
                bhxh_code=data["bhxh_code"], phone=data["phone"], email=data["email"],
                context=AuditContext.from_request(request),
                previous_ticket=previous.get("ticket", "") if isinstance(previous, dict) else "",
            )
        except OTPError as exc:
            form.add_error(None, exc.messages[0])
        else:
            # Only the BHXH code and the ticket: no phone or e-mail kept in the session.
            request.session[RESET_SESSION_KEY] = {
                "bhxh_code": data["bhxh_code"], "method": data["method"], "ticket": ticket,
                "at": time.time(),
            }
            return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(RESET_SESSION_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("ticket"), str):
        return redirect("accounts:password_reset")
    context = AuditContext.from_request(request)
    if request.method == "POST" and "resend" in request.POST:
        try:
            passwords.password_reset_resend(bhxh_code=pending["bhxh_code"],
                                            ticket=pending["ticket"], context=context)
            pending["at"] = time.time()
            request.session[RESET_SESSION_KEY] = pending
            messages.success(request, gettext("Nếu thông tin khớp, mã OTP mới đã được gửi."))
        except OTPError as exc:
            messages.error(request, exc.messages[0])
        return redirect("accounts:password_reset_confirm")
    form = PasswordResetConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = passwords.password_reset_confirm(
                bhxh_code=pending["bhxh_code"], ticket=pending["ticket"],
                otp=form.cleaned_data["otp"], new_password=form.cleaned_data["new_password1"],
                context=context,
            )
        except OTPError as exc:
            form.add_error("otp", exc.messages[0])
        except ValidationError as exc:
            _errors_to_form(form, exc, field_map={"new_password": "new_password1"})
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(request, gettext(
                "Đã đặt mật khẩu mới. Hãy đăng nhập bằng mã số BHXH và mật khẩu mới."
            ))
            response = redirect("accounts:login")
            # The owner just proved who they are: this browser passes the login locks.
            device_remember(request, response, user)
            return response
    by_email = pending.get("method") == "email"
    return render(request, "accounts/password_otp.html", {
        "form": form, "action": reverse("accounts:password_reset_confirm"),
        "title": gettext("Đặt lại mật khẩu"), "reset": True, "by_email": by_email,
        "resend_in": max(0, int(OTP_RESEND - (time.time() - float(pending.get("at", 0))))),
    })
