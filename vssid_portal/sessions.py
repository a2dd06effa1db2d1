"""SESSION_ENGINE: Django's database sessions, a new one stored with one query fewer.

Before storing a new session Django asks the database whether its random key is taken (a
SELECT), then INSERTs it; the INSERT refuses a taken key by itself (primary key: Django
turns the IntegrityError into CreateError and tries another key), so the question is
never needed. Every first visit to a page that keeps something in the session (the
BHXH-code look-up's question, a log-in) paid for it. Sessions stay in the
database, in Django's table, read and written as before.
"""
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
