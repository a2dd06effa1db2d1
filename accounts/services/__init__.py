"""Write use cases of the accounts app."""
from accounts.services.authentication import LoginRefused, login_authenticate
from accounts.services.passwords import password_initial_set, temporary_password_new
from accounts.services.tokens import auth_token_issue, user_language_set

__all__ = [
    "LoginRefused", "auth_token_issue", "login_authenticate", "password_initial_set",
    "temporary_password_new", "user_language_set",
]
