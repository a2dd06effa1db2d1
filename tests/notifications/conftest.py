import pytest

from notifications.sms.backends import locmem


@pytest.fixture(autouse=True)
def _sms_outbox():
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


@pytest.fixture
def sms_outbox():
    return locmem.outbox


@pytest.fixture
def broker_down(settings):
    """Celery publishing to a closed port, as when Redis is stopped."""
    from vssid_portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    _forget_connections(app)
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    _forget_connections(app)


def _forget_connections(app):
    app._pool = None
    app.amqp._producer_pool = None
