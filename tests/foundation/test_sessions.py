"""vssid_portal.sessions: Django's database sessions, stored without asking first whether a
new random key is taken; a taken key is still never reused."""
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vssid_portal import sessions
from vssid_portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_one_insert():
    store = SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as queries:
        store.save()
    statements = [q["sql"] for q in queries if not q["sql"].upper().startswith(
        ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]
    assert len(statements) == 1 and statements[0].upper().startswith("INSERT")
    assert SessionStore(store.session_key)["x"] == 1


def test_a_taken_key_is_never_reused(monkeypatch):
    first = SessionStore()
    first["owner"] = "first"
    first.save()
    keys = iter([first.session_key, "k" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: next(keys))
    second = SessionStore()
    second["owner"] = "second"
    second.save()
    assert second.session_key == "k" * 32
    assert SessionStore(first.session_key)["owner"] == "first"
    assert Session.objects.count() == 2


def test_the_portal_uses_it(settings):
    assert settings.SESSION_ENGINE == "vssid_portal.sessions"
