"""Web views of the accounts app: log in, log out."""
from django.contrib.auth import views as auth_views
from django.urls import NoReverseMatch, reverse

from accounts.forms import LoginForm


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

    def get_success_url(self) -> str:
        # A password sent by SMS must be replaced at first login, wherever the user was going.
        if self.request.user.must_change_password:
            change_url = _url_or_none("accounts:password_change")
            if change_url:
                return change_url
        return super().get_success_url()


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): the nav shows a small form with a button."""
