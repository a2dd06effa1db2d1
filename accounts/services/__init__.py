"""Write use cases of the accounts app."""
from accounts.services.authentication import LoginRefused, login_authenticate
from accounts.services.passwords import (
    password_change_confirm,
    password_change_request,
    password_initial_set,
    password_reset_confirm,
    password_reset_request,
    temporary_password_new,
)
from accounts.services.tokens import auth_token_issue, user_language_set

__all__ = [
    "LoginRefused", "auth_token_issue", "login_authenticate", "password_change_confirm",
    "password_change_request", "password_initial_set", "password_reset_confirm",
    "password_reset_request", "temporary_password_new", "user_language_set",
]
