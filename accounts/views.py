"""Web views of the accounts app: log in, log out."""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse

from accounts.forms import LoginForm
from accounts.services import user_language_set


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
            change_url = _url_or_none("accounts:password_change")
            if change_url:
                return change_url
        return super().get_success_url()


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): the nav shows a small form with a button."""
