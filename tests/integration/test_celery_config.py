"""Celery configuration: periodic entries name real tasks, queues keep OTPs apart from PDFs."""
from django.conf import settings

from vssid_portal.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"


def test_messages_and_pdfs_have_their_own_queues():
    app.loader.import_default_modules()
    route = app.amqp.router.route
    assert route({}, "notifications.tasks.message_deliver_task")["queue"].name == "messages"
    assert route({}, "declarations.tasks.declaration_render_pdf_task")["queue"].name == "pdf"


def test_reliability_settings():
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    # A retry waits at most 5 minutes: below the visibility timeout, so it is not doubled.
    assert conf.broker_transport_options["visibility_timeout"] > 300
